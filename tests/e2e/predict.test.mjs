// Issue 11's teaching tools: prediction prompts in lessons (a pick says right or wrong, with the
// answer and why; Next reveals an unanswered one first), captions a teacher writes at the current
// step and that travel in the share link, and "Find a run that breaks it" for a broken or unsafe
// configuration (random runs in the tools worker; the first failing one opens at its violation).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, clockStep, fastest, stopServer } from './lib/harness.mjs';

after(stopServer);

const counter = (page) => page.locator('#caption-counter').innerText();

/** Presses Next until the caption bar shows caption `n` (1-based), waiting for each to arrive. */
async function toCaption(page, n) {
  await fastest(page);
  for (let guard = 0; guard < 20; guard++) {
    const now = Number((await counter(page)).split(' ')[0]);
    if (now === n) return;
    await page.locator('#caption-next').click();
    await page.waitForFunction((was) => !document.querySelector('#caption-counter').textContent.startsWith(`${was} of`),
      String(now), { timeout: 60_000 });
  }
  assert.fail(`did not reach caption ${n}`);
}

test('a prompt answered wrong says so, with the answer and why; the run then shows it', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=competing-proposers' });
  await waitForApp(page);
  await toCaption(page, 7);
  await page.locator('#prompt').waitFor({ state: 'visible' });
  assert.match(await page.locator('#prompt-question').innerText(), /Which value will n1 propose\?/);
  assert.equal(await page.locator('#prompt-answer').count(), 0, 'the answer waits for a pick');
  await shot('predict-prompt-asked-light');
  await page.locator('.prompt-choice[data-edit="1"]').click();
  const answer = page.locator('#prompt-answer');
  assert.equal(await answer.getAttribute('data-state'), 'wrong');
  assert.match(await answer.innerText(), /^Not quite: the answer is "A", the value n2 reported\. A proposer must/);
  assert.equal(await page.locator('.prompt-choice[data-edit="1"]').getAttribute('aria-pressed'), 'true');
  assert.ok(await page.locator('.prompt-choice[data-edit="0"]').isDisabled(), 'one pick per question');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'caption-next', 'the keyboard goes on from Next');
  await shot('predict-prompt-wrong-light');
  // Next goes on to the moment that shows the answer.
  await page.locator('#caption-next').click();
  await page.waitForFunction(() => document.querySelector('#caption-counter').textContent.startsWith('8 of'));
  assert.match(await page.locator('#caption').innerText(), /So n1 proposes "A", not its own "B"/);
  assert.equal(await page.locator('#prompt').count(), 0);
  await finish();
});

test('a prompt answered right, on a phone in the dark theme', async (t) => {
  const { page, shot, finish } = await openPage(t, {
    urlPath: '#lesson=small-quorums', viewport: { width: 375, height: 812 }, colorScheme: 'dark', isMobile: true, hasTouch: true,
  });
  await waitForApp(page);
  await toCaption(page, 3);
  await page.locator('.prompt-choice[data-edit="1"]').click();
  assert.equal(await page.locator('#prompt-answer').getAttribute('data-state'), 'right');
  assert.match(await page.locator('#prompt-answer').innerText(), /^Right: Yes: the two quorums share no acceptor\./);
  await page.locator('#caption-bar').scrollIntoViewIfNeeded();
  await shot('predict-prompt-right-dark-phone', { fullPage: false });
  await finish();
});

test('Next first reveals an unanswered prompt, then goes on', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=partition', colorScheme: 'dark' });
  await waitForApp(page);
  await toCaption(page, 8);
  const step = await clockStep(page);
  await page.locator('#caption-next').click();
  assert.equal(await page.locator('#prompt-answer').getAttribute('data-state'), 'shown');
  assert.match(await page.locator('#prompt-answer').innerText(), /^The answer: "B", the majority side's value\./);
  assert.equal(await clockStep(page), step, 'revealing does not move the run');
  assert.equal(await counter(page), '8 of 10');
  await shot('predict-prompt-revealed-dark');
  await page.locator('#caption-next').click();
  await page.waitForFunction(() => document.querySelector('#caption-counter').textContent.startsWith('9 of'));
  await finish();
});

test('a teacher adds a caption; the copied link opens with it; it can be edited and deleted', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  for (let i = 0; i < 4; i++) await page.locator('button#step-forward').click();
  const step = await clockStep(page);
  assert.equal(await page.locator('#caption-bar').count(), 0, 'the default run has no captions');
  await page.locator('#caption-add').click();
  assert.equal(await page.locator('label[for="caption-text"]').innerText(), `Caption shown from step ${step} on`);
  await page.locator('#caption-text').fill('x'.repeat(2001));
  await page.locator('#caption-save').click();
  assert.match(await page.locator('#caption-error').innerText(), /at most 2000 bytes/);
  const text = 'Look: <b>two</b> promises already, & no Accept yet.';
  await page.locator('#caption-text').fill(text);
  await shot('predict-caption-editor-light');
  await page.locator('#caption-save').click();
  await page.locator('#caption-bar').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#caption').innerText(), text);
  assert.equal(await page.locator('#caption b').count(), 0, 'markup in a caption stays text');
  await shot('predict-caption-added-light');

  await page.locator('#copy-link').click();
  await page.locator('#share').waitFor({ state: 'visible' });
  const link = await page.locator('#share-link').inputValue();
  const other = await openPage(t, { urlPath: link.slice(link.indexOf('#')), colorScheme: 'dark' });
  await waitForApp(other.page);
  await other.page.locator('#caption-bar').waitFor({ state: 'visible' });
  assert.equal(await other.page.locator('#caption').innerText(), text);
  assert.equal(await clockStep(other.page), step);
  await other.shot('predict-caption-opened-dark');
  // Edit it, then delete it: the bar goes back to the single "Add" button.
  await other.page.locator('#caption-add').click();
  assert.equal(await other.page.locator('#caption-text').inputValue(), text);
  await other.page.locator('#caption-text').fill('Edited.');
  await other.page.locator('#caption-save').click();
  assert.equal(await other.page.locator('#caption').innerText(), 'Edited.');
  await other.page.locator('#caption-add').click();
  await other.page.locator('#caption-delete').click();
  await other.page.locator('#caption-bar').waitFor({ state: 'detached' });
  assert.equal(await other.page.locator('#caption-add').innerText(), 'Add a caption at this step');
  await other.finish();
  await finish();
});

test('an unsafe configuration finds a run that breaks it and lands on a red safety panel', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=small-quorums' });
  await waitForApp(page);
  const finder = page.locator('#find-break');
  await finder.scrollIntoViewIfNeeded();
  assert.match(await page.locator('.break-hint').innerText(), /can break Paxos/);
  assert.equal(await page.locator('#safety').getAttribute('data-ok'), 'true', 'the lesson opens before its violation');
  await finder.click();
  await page.waitForFunction(() => /^Found after/.test(document.querySelector('#break-status')?.textContent ?? ''),
    null, { timeout: 120_000 });
  const status = await page.locator('#break-status').innerText();
  const [, seed, step] = status.match(/seed (\d+) breaks safety at step (\d+)/);
  assert.equal(await clockStep(page), Number(step), 'opened at the violation');
  assert.equal(await page.locator('#safety').getAttribute('data-ok'), 'false');
  assert.match(await page.locator('.scenario-title').innerText(), new RegExp(`seed ${seed}\\)`));
  assert.ok(new URL(page.url()).hash.startsWith('#s='), 'the address holds the link to the run');
  await page.locator('#safety').scrollIntoViewIfNeeded();
  await shot('predict-break-found-light');
  // The run is safe one step before.
  await page.locator('button#step-back').click();
  assert.equal(await page.locator('#safety').getAttribute('data-ok'), 'true');
  await finish();
});

test('a correct configuration offers no search', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  assert.equal(await page.locator('#find-break').count(), 0);
  await finish();
});
