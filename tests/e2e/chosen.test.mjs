// The default run reaches a chosen value, shown on the page, and the learner shows the same value;
// when a broken run chooses a second value, every status that shows the chosen value says agreement is violated.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, play, pause, fastest, clockStep, setRange, stopServer } from './lib/harness.mjs';

after(stopServer);

test('the default run reaches a chosen value shown on the page', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  // The page may autoplay: on a loaded machine a value can be chosen before the first check. So
  // hold the run still at its first step, and look there.
  await pause(page);
  await setRange(page, '#scrubber', 0);
  await shot('chosen-0-start');
  assert.doesNotMatch(await page.locator('#chosen').innerText(), /Chosen:/, 'a value is chosen at the first step');

  await fastest(page);
  await play(page);
  await page.waitForFunction(() => /Chosen: "[A-Z]+"/.test(document.querySelector('#chosen')?.textContent ?? ''), null, {
    timeout: 60_000,
  });
  const chosen = (await page.locator('#chosen').innerText()).match(/Chosen: "([A-Z]+)"/)[1];
  await shot('chosen-1-chosen');

  // Every learner that learned shows the chosen value (agreement, as the page displays it).
  const learners = page.locator('g.node[data-role="learner"] [data-field="learned"], g.node[data-role="server"] [data-field="learned"]');
  await page.waitForFunction(
    (value) => [...document.querySelectorAll('g.node [data-field="learned"]')].some((e) => e.textContent.includes(`"${value}"`)),
    chosen,
    { timeout: 60_000 },
  );
  for (const text of await learners.allTextContents()) {
    if (/"[A-Z]+"/.test(text)) assert.match(text, new RegExp(`"${chosen}"`), `a learner shows another value: ${text}`);
  }
  await finish();
});

// Issue 11: after a safety violation the status must say what is true. In the small-quorums
// lesson "A" is chosen, then "B" (agreement breaks): from then on the header, and the embed's
// bar, say so in red, and the space-time diagram marks "B" red; one step earlier, only "A".
const dangerous = (page, selector) => page.locator(selector).evaluate((e) => {
  const probe = document.createElement('span');
  probe.style.color = 'var(--danger)';
  document.body.append(probe);
  const danger = getComputedStyle(probe).color;
  probe.remove();
  return getComputedStyle(e).color === danger;
});

test('two values chosen: the header says agreement is violated, in red', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=small-quorums' });
  await waitForApp(page);
  await pause(page);
  const status = page.locator('#chosen');
  // Play the lesson to its end (recording it), then scrub back. Step 23 is the step that
  // chooses "B"; at step 22 an acceptor accepts "B" above the ballot that chose "A" (chosen
  // value stable breaks first); the state before that has "A" alone, in green.
  await page.locator('#lesson-end').click();
  assert.equal(await status.getAttribute('data-state'), 'violated');
  await setRange(page, '#scrubber', 21);
  assert.equal(await clockStep(page), 21);
  assert.equal(await status.innerText(), 'Chosen: "A"');
  assert.equal(await status.getAttribute('data-state'), 'chosen');
  assert.equal(await dangerous(page, '#chosen'), false);
  await page.locator('button#step-forward').click();
  assert.equal(await status.innerText(), 'Chosen: "A" · chosen value stable violated');
  assert.ok(await dangerous(page, '#chosen'), 'red once any property is broken');
  await page.locator('button#step-forward').click();
  assert.equal(await clockStep(page), 23);
  assert.equal(await status.innerText(), 'Agreement violated: "A" and "B" chosen');
  assert.equal(await status.getAttribute('data-state'), 'violated');
  assert.ok(await dangerous(page, '#chosen'), 'the status is red');
  assert.equal(await page.locator('#safety [data-invariant="agreement"]').getAttribute('data-ok'), 'false');
  const marks = await page.locator('#spacetime-marks .st-chosen').evaluateAll((els) => els.map((e) => [e.textContent, e.classList.contains('violated')]));
  assert.deepEqual(marks, [['"A" chosen at 1.0', false], ['"B" chosen at 1.1: agreement violated', true]]);
  await shot('chosen-2-agreement-violated', { fullPage: false });
  await finish();
});

for (const scheme of ['light', 'dark']) {
  test(`the embed's status says agreement is violated too (${scheme})`, async (t) => {
    const { page, shot, finish } = await openPage(t, {
      urlPath: '?embed&lesson=forgetful-acceptor&autoplay=0&t=40',
      viewport: { width: 720, height: 480 },
      colorScheme: scheme,
    });
    await waitForApp(page);
    const status = page.locator('main.embedded #chosen');
    assert.equal(await status.innerText(), 'Agreement violated: "A" and "B" chosen');
    assert.equal(await status.getAttribute('data-state'), 'violated');
    assert.ok(await dangerous(page, 'main.embedded #chosen'), 'the status is red');
    await shot(`chosen-3-embed-violated-${scheme}`, { fullPage: true });
    await finish();
  });
}
