// Message labels never cover a node's text or another label, at any paused moment: for the
// default run and for every lesson, on the full page, in the embed (720 x 480) and on a phone
// (375 x 812). Each run is stepped one event at a time with the page's own key (→) from step 0;
// after each step the bounding boxes of every visible message label (`.msg-label`) and every
// text of a node (`.node text`) are measured in the browser and intersected. Labels must also
// stay shown: at every step with tokens in flight some label is drawn, and at least
// NAMED_MIN of all token sightings are named by a label (its own, or a stack's "3 × ..."); a
// label that finds no free spot is left out rather than drawn over text.
//
// LABELS_REPORT=1 prints the per-run counts (the figures in the closing note).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, stopServer } from './lib/harness.mjs';

after(stopServer);

const LESSONS = [
  'happy-path', 'competing-proposers', 'dueling-proposers', 'dueling-backoff', 'proposer-crash', 'acceptor-crashes',
  'lossy-network', 'partition', 'forgetful-acceptor', 'small-quorums', 'checker-shortest-break',
];
const REPORT = process.env.LABELS_REPORT === '1';
/** Steps at most per run: the default run ends (nothing left to happen) well before. */
const STEPS_MAX = 120;
/** Share of token sightings that must carry a label (measured: 0.88 to 1 per run). */
const NAMED_MIN = 0.85;

/** Measures the stage in the page: overlaps, labels, tokens. Runs in the browser. */
function measure() {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
  };
  // Half a pixel of tolerance: boxes that merely touch do not cover each other.
  const hit = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5;
  const visible = (e) => e.textContent.trim() !== '' && getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none';
  const labelEls = [...document.querySelectorAll('#stage .msg-label')].filter(visible);
  const labels = labelEls.map(box);
  const texts = [...document.querySelectorAll('#stage .node text')].filter(visible).map(box);
  const stage = box(document.querySelector('#stage'));
  let onNode = 0;
  let onLabel = 0;
  let outside = 0;
  for (const [i, l] of labels.entries()) {
    onNode += texts.filter((t) => hit(l, t)).length;
    onLabel += labels.slice(i + 1).filter((m) => hit(l, m)).length;
    if (l.x0 < stage.x0 - 0.5 || l.x1 > stage.x1 + 0.5 || l.y0 < stage.y0 - 0.5 || l.y1 > stage.y1 + 0.5) outside += 1;
  }
  const tokens = document.querySelectorAll('#stage .msg').length;
  // A stack's label names several tokens (data-count); a plain label names its own.
  const named = labelEls.reduce((n, e) => n + Number(e.dataset.count ?? 1), 0);
  const clock = document.querySelector('#clock')?.textContent ?? '';
  return { step: Number((clock.match(/step\s+(\d+)/) ?? [])[1]), onNode, onLabel, outside, labels: labels.length, tokens, named };
}

/**
 * Steps the paused run from 0 to `end` (or until it stops moving), measuring each step, in one
 * evaluate: the page's own keys (Home, then → per step) go to the document's key listener as
 * they do from a keyboard, and the page is measured once the render that shows the new step is
 * done. (Paused, a step renders once and nothing moves after it.) One round trip for the whole
 * walk instead of three a step: the three views' walks took 95 s of the test run, now about 30.
 */
async function walk(page, end) {
  const run = `(async (last, measure) => {
    const step = () => Number((document.querySelector('#clock').textContent.match(/step\\s+(\\d+)/) ?? [])[1]);
    const key = (k) => document.dispatchEvent(new KeyboardEvent('keydown', { key: k, code: k, bubbles: true, cancelable: true }));
    // Yew renders in a microtask after the key's action: a macrotask later the page shows it.
    const until = async (done) => {
      const t0 = performance.now();
      while (!done()) {
        if (performance.now() - t0 > 2000) return false;
        await new Promise((r) => setTimeout(r, 0));
      }
      return true;
    };
    key('Home');
    if (!(await until(() => step() === 0))) throw new Error('Home did not go to step 0');
    const rows = [measure()];
    for (let i = 0; i < last; i += 1) {
      const before = rows.at(-1).step;
      key('ArrowRight');
      if (!(await until(() => step() !== before))) break; // the run has nothing left to do
      rows.push(measure());
    }
    return rows;
  })(${Math.min(end, STEPS_MAX)}, ${measure.toString()})`;
  return page.evaluate(run);
}

function summarise(name, rows) {
  const s = {
    name,
    steps: rows.length,
    stepsLabelOnNode: rows.filter((r) => r.onNode > 0).length,
    stepsLabelOnLabel: rows.filter((r) => r.onLabel > 0).length,
    labelOnNode: rows.reduce((n, r) => n + r.onNode, 0),
    labelOnLabel: rows.reduce((n, r) => n + r.onLabel, 0),
    outside: rows.reduce((n, r) => n + r.outside, 0),
    tokens: rows.reduce((n, r) => n + r.tokens, 0),
    named: rows.reduce((n, r) => n + Math.min(r.named, r.tokens), 0),
    unlabelledSteps: rows.filter((r) => r.tokens > 0 && r.labels === 0).map((r) => r.step),
  };
  if (REPORT) console.log(JSON.stringify(s));
  return s;
}

function check(s) {
  assert.ok(s.steps > 1, `${s.name}: the run did not step`);
  assert.ok(s.tokens > 0, `${s.name}: no message was ever in flight: nothing was measured`);
  assert.equal(s.labelOnNode, 0, `${s.name}: labels cover node text at ${s.stepsLabelOnNode} of ${s.steps} steps`);
  assert.equal(s.labelOnLabel, 0, `${s.name}: labels cover each other at ${s.stepsLabelOnLabel} of ${s.steps} steps`);
  assert.equal(s.outside, 0, `${s.name}: labels stick out of the stage`);
  assert.deepEqual(s.unlabelledSteps, [], `${s.name}: tokens in flight but no label at these steps`);
  assert.ok(s.named >= NAMED_MIN * s.tokens, `${s.name}: ${s.tokens - s.named} of ${s.tokens} token sightings carry no label`);
}

const VIEWS = [
  { name: 'page', viewport: { width: 1280, height: 800 }, query: '' },
  { name: 'embed', viewport: { width: 720, height: 480 }, query: '?embed&controls=minimal&autoplay=0' },
  { name: 'phone', viewport: { width: 375, height: 812 }, query: '', hasTouch: true, isMobile: true },
];

for (const view of VIEWS) {
  test(`${view.name}: no label covers node text or another label, at any paused step of the default run and every lesson`, async (t) => {
    const { viewport, query, name, ...options } = view;
    const { page, shot, finish } = await openPage(t, { urlPath: query, viewport, ...options });
    await waitForApp(page);
    await pause(page);
    const results = [];
    results.push(summarise(`${name} default run`, await walk(page, STEPS_MAX)));
    for (const slug of LESSONS) {
      await page.evaluate((s) => {
        location.hash = `lesson=${s}`;
      }, slug);
      await page.waitForFunction((s) => document.querySelector('#lesson-expect')?.dataset.lesson === s, slug);
      const end = Number(await page.locator('#lesson-end').getAttribute('data-step'));
      results.push(summarise(`${name} ${slug}`, await walk(page, end)));
    }
    // A busy moment of the last lesson, to look at.
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowRight');
    await shot(`labels-${name}`, { fullPage: false });
    for (const s of results) check(s);
    await finish();
  });
}

// A label drawn over a link line mid-flight read as struck through: its halo (a stroke painted
// under the text, in the stage's background colour) must be wide enough to cut the line, in
// both themes: at least 0.4 of the font size on each side of the glyphs' outline (5 px at 11.5).
for (const scheme of ['light', 'dark']) {
  test(`the labels' halo is the stage's background colour and wide enough to cut a line, ${scheme}`, async (t) => {
    const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=happy-path', colorScheme: scheme });
    await waitForApp(page);
    await pause(page);
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
    await page.locator('#stage .msg-label').first().waitFor();
    const h = await page.evaluate(() => {
      const label = document.querySelector('#stage .msg-label');
      const s = getComputedStyle(label);
      let e = document.querySelector('#stage');
      while (e && ['transparent', 'rgba(0, 0, 0, 0)'].includes(getComputedStyle(e).backgroundColor)) e = e.parentElement;
      return { stroke: s.stroke, width: parseFloat(s.strokeWidth), size: parseFloat(s.fontSize), order: s.paintOrder,
        background: getComputedStyle(e).backgroundColor };
    });
    assert.equal(h.stroke, h.background, 'the halo is the colour behind the stage');
    assert.match(h.order, /^stroke/);
    assert.ok(h.width >= 0.4 * h.size, `halo ${h.width}px for ${h.size}px text`);
    await shot(`labels-halo-${scheme}`, { fullPage: false });
    await finish();
  });
}
