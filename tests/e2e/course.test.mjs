// The sample course page (dist/course.html): both embedded playgrounds load, the host page's
// buttons drive the second one through postMessage, and its events (ready, time, chosen,
// violation) arrive. Also the embed options themselves, and junk messages being ignored.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, stopServer } from './lib/harness.mjs';

after(stopServer);

const events = (page, pred) => page.evaluate((src) => window.receivedEvents.filter(new Function('e', `return ${src}`)), pred);
// Waits for an event matching `pred` among those received after the first `from`.
const waitEvent = (page, pred, from = 0) =>
  page.waitForFunction(
    ([src, from]) => window.receivedEvents.slice(from).some(new Function('e', `return ${src}`)),
    [pred, from],
  );
const received = (page) => page.evaluate(() => window.receivedEvents.length);

test('the course page: both playgrounds load and the host drives one through postMessage', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: 'course.html', viewport: { width: 1100, height: 1600 } });
  const lesson = page.frameLocator('#lesson-frame');
  const driven = page.frameLocator('#driven-frame');
  await lesson.locator('#stage').waitFor({ state: 'visible' });
  await driven.locator('#stage').waitFor({ state: 'visible' });
  await waitEvent(page, "e.type === 'ready' && e.id === 'lesson'");
  await waitEvent(page, "e.type === 'ready' && e.id === 'driven'");
  assert.match(await lesson.locator('#caption').innerText(), /Welcome/);
  assert.equal(await driven.locator('#play').count(), 0, 'controls=none shows no play button');

  // Play: time events arrive and a value is chosen.
  await page.locator('#host-play').click();
  await waitEvent(page, "e.id === 'driven' && e.type === 'time' && e.step > 5");
  await waitEvent(page, "e.id === 'driven' && e.type === 'chosen'");
  const [chosen] = await events(page, "e.id === 'driven' && e.type === 'chosen'");
  assert.match(chosen.value, /^[A-Z]$/);
  assert.equal(await driven.locator('#chosen').innerText(), `Chosen: "${chosen.value}"`);

  // Pause: the time events stop.
  await page.locator('#host-pause').click();
  await page.waitForTimeout(300);
  const count = (await events(page, "e.id === 'driven' && e.type === 'time'")).length;
  await page.waitForTimeout(700);
  assert.equal((await events(page, "e.id === 'driven' && e.type === 'time'")).length, count, 'paused: no more time events');

  // Load a lesson, seek, play on to its violations.
  await page.locator('#host-load').click();
  await driven.locator('#caption-bar').waitFor({ state: 'visible' });
  const before = await received(page);
  await page.locator('#host-seek').click();
  await waitEvent(page, "e.id === 'driven' && e.type === 'time' && e.step === 20", before);
  assert.match(await driven.locator('#caption').innerText(), /\S/);
  assert.equal(await page.locator('#step').innerText(), '20');
  // Play in a lesson pauses at each caption: press it again until the violation shows.
  for (let i = 0; i < 5 && (await events(page, "e.id === 'driven' && e.type === 'violation'")).length === 0; i++) {
    await page.locator('#host-play').click();
    await page.waitForTimeout(1500);
  }
  await waitEvent(page, "e.id === 'driven' && e.type === 'violation'");
  const [violation] = await events(page, "e.id === 'driven' && e.type === 'violation'");
  assert.equal(violation.invariant, 'promise-monotonic');
  assert.match(violation.detail, /\S/);
  assert.match(await page.locator('#violation').innerText(), /promise-monotonic/);
  await shot('course-0-driven');
  await finish();
});

test('junk messages are ignored with a warning; the playground keeps working', async (t) => {
  const { page, problems, finish } = await openPage(t, { urlPath: 'course.html' });
  const driven = page.frameLocator('#driven-frame');
  await driven.locator('#stage').waitFor({ state: 'visible' });
  await waitEvent(page, "e.type === 'ready' && e.id === 'driven'");
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.evaluate(() => {
    const w = document.querySelector('#driven-frame').contentWindow;
    for (const junk of [null, 42, 'play', { type: 'fly' }, { type: 'seek', step: -3 }, { nested: [[[[]]]] }]) w.postMessage(junk, '*');
    w.postMessage({ type: 'load', scenario: 'AAAA' }, '*');
  });
  await driven.locator('#error-banner').waitFor({ state: 'visible' });
  assert.match(await driven.locator('#error-banner').innerText(), /could not be opened/);
  await page.waitForFunction(() => true);
  assert.ok(warnings.filter((w) => /ignored a message/.test(w)).length >= 5, `warnings: ${warnings.join(' | ')}`);
  const before = await received(page);
  await page.locator('#host-seek').click();
  await waitEvent(page, "e.id === 'driven' && e.type === 'time' && e.step === 20", before);
  assert.deepEqual(problems, []);
  await finish();
});

test('embed options: controls, autoplay, start step, theme', async (t) => {
  const { page, shot, finish } = await openPage(t, {
    urlPath: '?embed&lesson=happy-path&controls=minimal&autoplay=0&t=5&theme=dark',
    viewport: { width: 640, height: 420 },
  });
  await page.locator('#stage').waitFor({ state: 'visible' });
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await page.locator('#scrubber').count(), 0, 'minimal controls: no scrubber');
  assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'false');
  assert.match(await page.locator('#clock').innerText(), /^step 5 /);
  assert.equal(await page.locator('.topbar').count(), 0, 'no page chrome in an iframe');
  await shot('course-1-embed-minimal');
  // Play plays: the run moves on (in a lesson it stops again at the next caption, which can
  // come before a look at the button would, so the test waits for the clock instead).
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(/^step (\d+) /.exec(document.querySelector('#clock').textContent)?.[1]) > 5);
  await finish();
});

test('the Embed dialog writes an iframe snippet that opens this run', async (t) => {
  const { page, finish } = await openPage(t, { urlPath: '#lesson=partition' });
  await page.locator('#stage').waitFor({ state: 'visible' });
  await page.locator('#open-embed').click();
  await page.locator('#embed-controls').selectOption('none');
  const snippet = await page.locator('#embed-snippet').inputValue();
  assert.match(snippet, /^<iframe src="[^"]+\?embed&amp;lesson=partition&amp;controls=none&amp;autoplay=1"/);
  const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  await page.goto(src);
  await page.locator('#caption-bar').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#play').count(), 0);
  await finish();
});
