// Each built-in lesson, opened by its link (#lesson=SLUG), plays to its expected outcome: the
// value chosen (and the step it is chosen at, in the event log) or the violations the safety
// panel shows. The expectations mirror src/scenario/lessons/ (tests/native/lessons.rs checks them
// natively); here the page itself, in wasm, must show them. Also: Next narrates up to the next
// caption, Back returns, and the last caption hands over to free play.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

const ALL_SAFE = ['agreement', 'validity', 'promise-monotonic', 'chosen-stable'];
// slug -> what the end of the lesson shows
const LESSONS = {
  'happy-path': { chosen: 'A', step: 9 },
  'competing-proposers': { chosen: 'A', step: 21 },
  'dueling-proposers': { chosen: null },
  'dueling-backoff': { chosen: 'C', step: 30 },
  'proposer-crash': { chosen: 'B', step: 17 },
  'acceptor-crashes': { chosen: 'A', step: 60 },
  'lossy-network': { chosen: 'B', step: 22 },
  'partition': { chosen: 'B', step: 23 },
  'forgetful-acceptor': { chosen: 'A', step: 11, also: 'B', violated: { 'promise-monotonic': 22, 'chosen-stable': 30, agreement: 32 } },
  'small-quorums': { chosen: 'A', step: 17, also: 'B', violated: { 'chosen-stable': 22, agreement: 23 } },
  'checker-shortest-break': { chosen: 'A', step: 18, violated: { 'chosen-stable': 24 } },
};

test('the library lists every lesson, each as a link', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await page.locator('#open-lessons').click();
  await page.locator('#lessons').waitFor({ state: 'visible' });
  const slugs = await page.locator('#lesson-list li').evaluateAll((els) => els.map((e) => e.dataset.lesson));
  assert.deepEqual(slugs.sort(), Object.keys(LESSONS).sort(), 'the library and this test list different lessons');
  await shot('lessons-0-library');
  await page.locator('#lesson-list li[data-lesson="partition"] a').click();
  await page.locator('#caption-bar').waitFor({ state: 'visible' });
  assert.match(await page.locator('.scenario-title').innerText(), /partition/i);
  assert.equal(new URL(page.url()).hash, '#lesson=partition');
  await finish();
});

for (const [slug, expect] of Object.entries(LESSONS)) {
  test(`lesson ${slug} plays to its expected outcome`, async (t) => {
    const { page, shot, finish } = await openPage(t, { urlPath: `#lesson=${slug}` });
    await waitForApp(page);
    await page.locator('#caption-bar').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#lesson-expect').getAttribute('data-lesson'), slug);
    assert.equal(await clockStep(page), 0, 'a lesson opens at its start');
    assert.equal(await page.locator('button#play').getAttribute('aria-pressed'), 'false', 'a lesson opens paused');

    const end = Number(await page.locator('#lesson-end').getAttribute('data-step'));
    await page.locator('#lesson-end').click();
    assert.equal(await clockStep(page), end);
    await page.locator('#free-play').waitFor({ state: 'visible' });

    const chosen = await page.locator('#chosen').innerText();
    if (expect.also) {
      // Two values chosen: the header says agreement is violated, never a lone green value.
      assert.equal(chosen, `Agreement violated: "${expect.chosen}" and "${expect.also}" chosen`);
      assert.equal(await page.locator('#chosen').getAttribute('data-state'), 'violated');
    } else if (expect.chosen && expect.violated) {
      // One value chosen, another property broken: red, naming the property, never green.
      assert.equal(chosen, `Chosen: "${expect.chosen}" · chosen value stable violated`);
      assert.equal(await page.locator('#chosen').getAttribute('data-state'), 'violated');
    } else if (expect.chosen) {
      assert.equal(chosen, `Chosen: "${expect.chosen}"`);
    }
    if (expect.chosen) {
      const row = page.locator(`#log li[data-step="${expect.step}"]`, { hasText: `"${expect.chosen}" is chosen` });
      assert.equal(await row.count(), 1, `the log shows "${expect.chosen}" chosen at step ${expect.step}`);
    } else {
      assert.match(chosen, /no value chosen/i);
    }
    const violated = expect.violated ?? {};
    for (const inv of ALL_SAFE) {
      const ok = await page.locator(`#safety [data-invariant="${inv}"]`).getAttribute('data-ok');
      assert.equal(ok, String(!(inv in violated)), `${slug}: invariant ${inv}`);
    }
    for (const [inv, step] of Object.entries(violated)) {
      const row = page.locator(`#log li[data-step="${step}"]`, { hasText: 'VIOLATION' });
      assert.ok((await row.count()) >= 1, `${slug}: the log shows the ${inv} violation at step ${step}`);
    }
    await shot(`lessons-${slug}-end`);
    await finish();
  });
}

test('Next narrates to the next caption, Back returns, and the end hands over to free play', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=happy-path' });
  await waitForApp(page);
  const caption = page.locator('#caption');
  const counter = page.locator('#caption-counter');
  assert.match(await caption.innerText(), /Welcome/);
  assert.equal(await counter.innerText(), '1 of 10');
  assert.ok(await page.locator('#caption-back').isDisabled());

  await page.locator('#caption-next').click(); // step 1: the client's request
  await page.waitForFunction(() => document.querySelector('#caption-counter').textContent === '2 of 10');
  await page.locator('#caption-next').click(); // plays on to the first promise, animated
  assert.equal(await page.locator('button#play').getAttribute('aria-pressed'), 'true', 'Next plays the run on');
  await page.waitForFunction(() => document.querySelector('#caption-counter').textContent === '3 of 10');
  await page.waitForFunction(() => document.querySelector('button#play').getAttribute('aria-pressed') === 'false');
  assert.match(await caption.innerText(), /n1 promises/);
  const at = await clockStep(page);
  assert.ok(at > 1, `Next moved the run on (step ${at})`);
  await shot('lessons-1-next');

  await page.locator('#caption-back').click();
  assert.equal(await counter.innerText(), '2 of 10');
  assert.ok((await clockStep(page)) < at);

  await page.locator('#lesson-end').click();
  await page.locator('#free-play').waitFor({ state: 'visible' });
  assert.ok(await page.locator('#caption-next').isDisabled());
  // Free play: the controls still work after the story.
  const step = await clockStep(page);
  await page.locator('button#step-back').click();
  assert.equal(await clockStep(page), step - 1);
  await shot('lessons-2-free-play');
  await finish();
});
