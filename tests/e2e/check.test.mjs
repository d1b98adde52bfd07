// The Check dialog: the model checker runs in the tools worker while the page stays responsive.
// A long check shows its progress changing and stops within moments of Cancel; a small one
// runs to its verdicts (the pinned 8,818 states, every invariant holds); the broken variant's
// counterexample replays in the stage, red at its last step. The dialog is reachable by
// keyboard (m), keeps focus inside, and fits a 375 px screen in both themes. Closing it leaves
// a check running: reopened, it shows the progress or the result.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openPage, waitForApp, pause, clockStep, stopServer, RESULTS } from './lib/harness.mjs';

after(stopServer);

// The dialog's presets (src/view/check.rs).
const ONE_PROPOSER = '1';
const TWO_PROPOSERS = '3';
const BROKEN = '5';

/** Saves test-results/<name>.png of the whole dialog: the window grows to its height for the
 * shot (it sits in a fixed, scrolling backdrop, which a full-page shot does not unroll). */
async function shotDialog(page, name) {
  await mkdir(RESULTS, { recursive: true });
  const size = page.viewportSize();
  const height = await page.locator('#check').evaluate((e) => Math.ceil(e.getBoundingClientRect().height + 80));
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await page.locator('#check').screenshot({ path: path.join(RESULTS, `${name}.png`) });
  await page.setViewportSize(size);
}

async function openCheck(page) {
  await page.locator('#open-check').click();
  await page.locator('#check').waitFor({ state: 'visible' });
}

/** Starts a check and waits for its result; returns the result's ending. */
async function runToEnd(page, timeout = 60_000) {
  await page.locator('#check-start').click();
  await page.locator('#check-result').waitFor({ state: 'visible', timeout });
  return page.locator('#check-result').getAttribute('data-ending');
}

const verdicts = (page) =>
  page.locator('#check-result li.verdict').evaluateAll((els) => els.map((e) => [e.querySelector('b').textContent, e.dataset.verdict]));

test('a long check shows progress while the page stays responsive, and Cancel stops it at once', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await openCheck(page);
  await page.locator('#check-preset').selectOption(TWO_PROPOSERS);
  assert.equal(await page.locator('#check-config').innerText(), '2 proposers, 3 acceptors, 1 learner · quorums 2/2 · Nack on');
  await page.locator('#check-rounds').fill('2');
  // Depth-first: its memory stays small, so it runs on (to the state limit) instead of ending
  // at the memory limit within a second or two.
  await page.locator('#check-dfs').check();
  await page.locator('#check-start').click();
  assert.ok(await page.locator('#check-start').isDisabled(), 'Start is disabled while a check runs');
  assert.ok(await page.locator('#check-rounds').isDisabled(), 'the bounds are locked while a check runs');

  // Progress: the counts grow, several times a second, while animation frames keep coming.
  const status = page.locator('#check-status[data-state="running"]');
  await status.waitFor({ timeout: 30_000 });
  // The main thread's tasks over the same window, traced: their CPU time (`tdur`), which a busy
  // machine does not inflate as it does the wall-clock gaps between frames.
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  const sample = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = [];
        const gaps = [];
        let last = performance.now();
        const frame = (now) => {
          gaps.push(now - last);
          last = now;
          const s = document.querySelector('#check-status[data-state="running"]');
          if (s && seen[seen.length - 1] !== s.dataset.unique) seen.push(s.dataset.unique);
          if (gaps.length < 120) requestAnimationFrame(frame);
          else {
            const sorted = gaps.slice(1).sort((a, b) => a - b);
            const p90 = sorted[Math.floor(sorted.length * 0.9)];
            resolve({ seen, p90, maxGap: sorted[sorted.length - 1], ms: gaps.reduce((a, b) => a + b, 0) });
          }
        };
        requestAnimationFrame(frame);
      }),
  );
  const traced = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.end');
  await traced;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasks = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask');
  const longest = Math.max(...tasks.map((e) => (e.tdur ?? e.dur) / 1000));
  const counts = sample.seen.map(Number);
  assert.ok(counts.length >= 3, `progress changed only ${counts.length} times in ${sample.ms.toFixed(0)} ms: ${counts}`);
  assert.ok(counts.every((c, i) => i === 0 || c > counts[i - 1]), `the state count grows: ${counts}`);
  // The search runs in the worker, so frames keep coming and no task holds the main thread:
  // every task's CPU time stays under 50 ms (the web's threshold of a long task) and the 90th
  // percentile of the wall-clock gaps between frames under 250 ms, the longest under 1 s. The
  // wall-clock bounds are loose because the browser tests run two files at once beside cargo's,
  // and a core taken away now and then delays one frame by hundreds of milliseconds without the
  // page being at fault; the tasks' CPU time is the load-proof and strict measure.
  assert.ok(tasks.length > 100, `the trace holds the main thread's tasks (${tasks.length})`);
  assert.ok(longest < 50, `no main-thread task over 50 ms of CPU while the search runs (longest ${longest.toFixed(1)} ms)`);
  assert.ok(
    sample.p90 < 250 && sample.maxGap < 1000,
    `the page kept drawing (frame gaps: 90th percentile ${sample.p90.toFixed(0)} ms, longest ${sample.maxGap.toFixed(0)} ms)`,
  );
  console.log(`check: longest main-thread task ${longest.toFixed(1)} ms CPU over ${tasks.length} tasks; frame gaps p90 ${sample.p90.toFixed(0)} ms, longest ${sample.maxGap.toFixed(0)} ms`);
  assert.match(await status.innerText(), /Running: [\d,]+ states · depth \d+ · queue [\d,]+ · [\d,]+ states\/s · [\d.]+ MiB · [\d.]+ s/);
  await shotDialog(page, 'check-0-running');

  // Cancel, timed inside the page: from the click to the cancelled result on screen.
  const latency = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const output = document.querySelector('#check-output');
        let start;
        const observer = new MutationObserver(() => {
          if (output.querySelector('#check-result[data-ending="cancelled"]')) {
            observer.disconnect();
            resolve(performance.now() - start);
          }
        });
        observer.observe(output, { childList: true, subtree: true });
        start = performance.now();
        document.querySelector('#check-cancel').click();
      }),
  );
  console.log(`cancel latency (click to the cancelled result on screen): ${latency.toFixed(1)} ms`);
  assert.ok(latency < 500, `Cancel took ${latency.toFixed(0)} ms`);
  const headline = await page.locator('#check-status').innerText();
  assert.match(headline, /^Cancelled\. Incomplete: [\d,]+ states explored$/);
  assert.deepEqual(
    (await verdicts(page)).slice(0, 4).map((v) => v[1]),
    ['unknown', 'unknown', 'unknown', 'unknown'],
    'a cancelled search proves nothing',
  );
  assert.ok(await page.locator('#check-start').isEnabled(), 'Start is enabled again');
  await shotDialog(page, 'check-1-cancelled');
  await finish();
});

test('a small check runs to its verdicts: 8,818 states, every invariant holds', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await openCheck(page);
  await page.locator('#check-preset').selectOption(ONE_PROPOSER);
  assert.equal(await runToEnd(page), 'complete');
  const status = page.locator('#check-status');
  assert.equal(await status.getAttribute('data-unique'), '8818', 'the pinned count (tests/native/check.rs)');
  assert.match(await status.innerText(), /^Complete: every state within the bounds was explored$/);
  assert.match(await page.locator('#check-counts').innerText(), /^8,818 states · depth 20 · queue 0 · [\d,]+ states\/s/);
  assert.deepEqual(await verdicts(page), [
    ['agreement', 'holds'],
    ['validity', 'holds'],
    ['promise monotonicity', 'holds'],
    ['chosen value stable', 'holds'],
    ['a value can be chosen', 'reached'],
  ]);
  const colour = (sel) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).color);
  assert.notEqual(await colour('#check-result li.verdict[data-verdict="holds"] b'), await colour('#check-counts'), 'holds is coloured');
  // The witness that a value can be chosen opens in the stage like any run.
  assert.equal(await page.locator('li.check-trail[data-kind="chosen"] button[data-action="replay"]').count(), 1);
  await shotDialog(page, 'check-2-complete');
  await finish();
});

test('the broken variant: the shortest counterexample replays in the stage, red at its last step', async (t) => {
  const { page, context, shot, finish } = await openPage(t);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await waitForApp(page);
  await pause(page);
  await openCheck(page);
  await page.locator('#check-preset').selectOption(BROKEN);
  assert.match(await page.locator('#check-config').innerText(), /Nack off · BROKEN$/);
  assert.equal(await runToEnd(page), 'violation');
  assert.match(await page.locator('#check-status').innerText(), /^VIOLATION/);
  assert.deepEqual(
    (await verdicts(page)).find((v) => v[0] === 'chosen value stable'),
    ['chosen value stable', 'violated'],
  );
  const trail = page.locator('li.check-trail[data-kind="counterexample"]');
  assert.match(await trail.innerText(), /Counterexample: a shortest run that breaks an invariant \(13 steps\)\. chosen value stable violated: n2 accepted "B" at 1\.1 although "A" was chosen at 1\.0/);
  await shotDialog(page, 'check-3-violation');

  // Copy link puts the run's address on the clipboard.
  await trail.locator('button[data-action="copy"]').click();
  await page.locator('#check-message[data-state="copied"]').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /#s=[A-Za-z0-9_-]+$/);

  await trail.locator('button[data-action="replay"]').click();
  await page.locator('#check').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.scenario-title').innerText(), 'Counterexample: a shortest run that breaks an invariant');
  assert.equal(new URL(page.url()).hash, new URL(copied).hash, 'the address is the run\'s link');
  const end = await clockStep(page);
  assert.equal(end, 24, 'the stage opens at the violating step');
  const stable = page.locator('#safety [data-invariant="chosen-stable"]');
  assert.equal(await stable.getAttribute('data-ok'), 'false', 'the safety panel is red');
  assert.match(await page.locator('#caption').innerText(), /^Checker step 13 of 13: n1 -> n2: Accept 1\.1 "B" delivered\. chosen value stable is violated/);
  await shot('check-4-replayed');
  // One step back, before n2 accepts "B", every check is green again.
  await page.locator('button#step-back').click();
  assert.equal(await clockStep(page), end - 1);
  assert.equal(await stable.getAttribute('data-ok'), 'true');
  await finish();
});

test('closing the dialog keeps the check running: reopened, it shows the progress, then the result', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await openCheck(page);
  // A long check (depth-first, see above), closed while it runs.
  await page.locator('#check-preset').selectOption(TWO_PROPOSERS);
  await page.locator('#check-rounds').fill('2');
  await page.locator('#check-dfs').check();
  await page.locator('#check-start').click();
  const running = page.locator('#check-status[data-state="running"]');
  await running.waitFor({ timeout: 30_000 });
  const before = Number(await running.getAttribute('data-unique'));
  await page.locator('#check .dialog-close').click();
  await page.locator('#check').waitFor({ state: 'detached' });
  await page.waitForTimeout(1500);
  await openCheck(page);
  // The same search, further on: not cancelled, not started afresh.
  await running.waitFor({ timeout: 5_000 });
  const after = Number(await running.getAttribute('data-unique'));
  assert.ok(after > before, `the search went on while the dialog was closed: ${before} then ${after} states`);
  assert.equal(await page.locator('#check-preset').inputValue(), TWO_PROPOSERS, 'the form shows the running check\'s preset');
  assert.equal(await page.locator('#check-rounds').inputValue(), '2', 'and its bounds');
  assert.ok(await page.locator('#check-dfs').isChecked(), 'and its strategy');
  assert.ok(await page.locator('#check-start').isDisabled(), 'Start is disabled while it runs');
  assert.match(await page.locator('#check-config').innerText(), /^2 proposers, 3 acceptors, 1 learner/);
  await shotDialog(page, 'check-5-reopened-running');
  await page.locator('#check-cancel').click();
  await page.locator('#check-result[data-ending="cancelled"]').waitFor({ timeout: 5_000 });

  // A small check, closed at once after Start (while the worker may still be loading): it
  // finishes with the dialog closed, and reopening shows its result.
  await page.locator('#check-preset').selectOption(ONE_PROPOSER);
  await page.locator('#check-rounds').fill('1');
  await page.locator('#check-start').click();
  await page.keyboard.press('Escape');
  await page.locator('#check').waitFor({ state: 'detached' });
  await page.waitForTimeout(3000);
  await openCheck(page);
  const result = page.locator('#check-result');
  await result.waitFor({ timeout: 30_000 });
  assert.equal(await result.getAttribute('data-ending'), 'complete');
  assert.equal(await page.locator('#check-status').getAttribute('data-unique'), '8818');
  assert.equal(await page.locator('#check-preset').inputValue(), ONE_PROPOSER);
  assert.ok(await page.locator('#check-start').isEnabled(), 'Start is enabled again');
  await shotDialog(page, 'check-6-reopened-result');
  await finish();
});

test('bad bounds are refused with a message', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await openCheck(page);
  await page.locator('#check-rounds').fill('99');
  await page.locator('#check-start').click();
  const message = page.locator('#check-message[data-state="failed"]');
  await message.waitFor({ timeout: 30_000 });
  assert.equal(await message.innerText(), 'rounds: 99 is outside 1 to 10');
  assert.ok(await page.locator('#check-start').isEnabled());
  await finish();
});

for (const scheme of ['light', 'dark']) {
  test(`keyboard (m) opens the dialog; it keeps focus, fits 375 px and closes with Escape (${scheme})`, async (t) => {
    const { page, shot, finish } = await openPage(t, { viewport: { width: 375, height: 740 }, colorScheme: scheme });
    await waitForApp(page);
    await page.locator('body').focus();
    await page.keyboard.press('m');
    await page.locator('#check').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), scheme);
    assert.ok(await page.evaluate(() => document.querySelector('#check').contains(document.activeElement)), 'focus moved into the dialog');
    // Tab through every control: focus stays inside and each focused control shows it.
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { inside: document.querySelector('#check').contains(el), outline: s.outlineStyle, id: el.id || el.tagName };
      });
      assert.ok(f.inside, `Tab left the dialog at ${f.id}`);
      assert.notEqual(f.outline, 'none', `no visible focus on ${f.id}`);
    }
    // Every control has a name a screen reader can say.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('#check input, #check select, #check button')]
        .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
        .map((el) => el.id),
    );
    assert.deepEqual(unnamed, []);
    const widths = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      dialog: document.querySelector('#check').getBoundingClientRect().right,
      widest: Math.max(...[...document.querySelectorAll('#check *')].map((e) => e.getBoundingClientRect().right)),
    }));
    assert.ok(widths.doc <= 375 && widths.dialog <= 375 && widths.widest <= 375, `overflow at 375 px: ${JSON.stringify(widths)}`);
    await shot(`check-phone-${scheme}-0-form`, { fullPage: false });
    await shotDialog(page, `check-phone-${scheme}-0-dialog`);
    await page.locator('#check-preset').selectOption(ONE_PROPOSER);
    await page.locator('#check-start').click();
    await page.locator('#check-result').waitFor({ timeout: 60_000 });
    const right = await page.evaluate(() => Math.max(...[...document.querySelectorAll('#check *')].map((e) => e.getBoundingClientRect().right)));
    assert.ok(right <= 375, `the result sticks out: ${right}`);
    await page.locator('#check-result').scrollIntoViewIfNeeded();
    await shot(`check-phone-${scheme}-1-result`, { fullPage: false });
    await shotDialog(page, `check-phone-${scheme}-2-dialog`);
    await page.keyboard.press('Escape');
    await page.locator('#check').waitFor({ state: 'detached' });
    await finish();
  });
}
