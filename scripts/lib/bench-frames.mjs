// Main-thread work per frame in the Multi-Paxos mode (issue 10: p95 at most 16.7 ms in headless
// Chromium), for `scripts/bench frames`: the release build (dist/, or E2E_DIST) opened on the
// link in frames-link.txt (5 replicas, 3 clients, 500 slots in the log, 150 messages in
// flight; tests/native/multi_links.rs pins that state), played at the default speed.
//
// How a frame is measured: a requestAnimationFrame loop installed before the page's own scripts
// (so its callback runs first in every frame) notes performance.now() and posts a
// MessageChannel message; the message is a task that runs once the frame's work is done: the
// page's animation callback (the model's step and the frame built by view::multi::frame), Yew's
// render and the browser's style, layout and paint on the main thread. The time between the two
// is that frame's main-thread work, in wall-clock time. On a busy machine that time also counts
// the moments the main thread waited for a core, so the same window is traced too (Chromium's
// devtools.timeline and disabled-by-default-devtools.timeline events): the main thread's CPU time (`tdur`) of every task from one
// frame's animation task to the next is that frame's work in CPU time ("cpu"), which the
// machine's load does not inflate. BENCH_FRAMES_RUNS runs (default 3) of BENCH_FRAMES_SECS
// seconds (default 5) each, after a second of warm-up; p50, p95 and max per run, then the
// median of each over the runs.
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, CHROMIUM_ARGS, SEEN_HELP, baseUrl, stopServer } from '../../tests/e2e/lib/harness.mjs';

const RUNS = Number(process.env.BENCH_FRAMES_RUNS ?? 3);
const SECS = Number(process.env.BENCH_FRAMES_SECS ?? 5);
const VIEW = process.env.BENCH_FRAMES_VIEW ?? 'top';
const link = (await readFile(path.join(ROOT, 'scripts/lib/frames-link.txt'), 'utf8')).trim();

/** Installed before the page's scripts: the per-frame probe described above. */
function probe() {
  window.__frameMs = [];
  window.__measuring = false;
  let start = null;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    if (start !== null && window.__measuring) window.__frameMs.push(performance.now() - start);
    start = null;
  };
  const tick = () => {
    start = performance.now();
    channel.port2.postMessage(0);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Per-frame main-thread CPU milliseconds from a devtools.timeline trace (see above). */
function cpuPerFrame(events) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const tasks = mine.filter((e) => e.name === 'RunTask').sort((a, b) => a.ts - b.ts);
  const fires = mine.filter((e) => e.name === 'FireAnimationFrame').map((e) => e.ts);
  const starts = tasks.filter((t) => fires.some((f) => f >= t.ts && f <= t.ts + t.dur)).map((t) => t.ts);
  const frames = [];
  for (let i = 0; i + 1 < starts.length; i += 1) {
    const work = tasks.filter((t) => t.ts >= starts[i] && t.ts < starts[i + 1]).reduce((n, t) => n + (t.tdur ?? t.dur), 0);
    frames.push(work / 1000);
  }
  return frames;
}

const summary = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { frames: ms.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) };
};
const show = (r) => (r.frames === 0 ? 'no frames' : `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const results = [];
try {
  for (let run = 1; run <= RUNS; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(SEEN_HELP);
    await context.addInitScript(probe);
    const page = await context.newPage();
    await page.goto(new URL(link, await baseUrl()).href);
    await page.locator('main#multi #mstage .m-node.replica').first().waitFor({ state: 'visible', timeout: 60_000 });
    const state = await page.evaluate(() => ({
      tokens: document.querySelectorAll('#mstage .m-token').length,
      newest: document.querySelector('#mlog .m-log-head .hint')?.textContent ?? '',
    }));
    // BENCH_FRAMES_VIEW=log: the logs, the stores and the history scrolled into view (the
    // stage above the fold then), so that the panels below the diagram draw on every step.
    if (VIEW === 'log') await page.evaluate(() => document.querySelector('#mlog').scrollIntoView({ block: 'start' }));
    await page.locator('#mplay').click();
    await page.waitForTimeout(1000);
    const cdp = await context.newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    await page.evaluate(() => {
      window.__frameMs = [];
      window.__measuring = true;
    });
    await page.waitForTimeout(SECS * 1000);
    const ms = await page.evaluate(() => {
      window.__measuring = false;
      return window.__frameMs;
    });
    const traced = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
    await cdp.send('Tracing.end');
    await traced;
    const playing = await page.locator('#mplay').getAttribute('aria-pressed');
    await context.close();
    const r = { wall: summary(ms), cpu: summary(cpuPerFrame(events)) };
    results.push(r);
    console.log(
      `run ${run}: ${r.wall.frames} frames in ${SECS} s (${state.tokens} messages in flight at the start; ${state.newest}; ` +
        `still playing: ${playing}): wall ${show(r.wall)}; cpu ${show(r.cpu)}`,
    );
  }
} finally {
  await browser.close();
  await stopServer();
}
const med = (kind) => ({
  p50: median(results.map((r) => r[kind].p50)),
  p95: median(results.map((r) => r[kind].p95)),
  max: median(results.map((r) => r[kind].max)),
});
console.log(`frames (${VIEW === 'log' ? 'the logs in view' : 'the top of the page'}): median of ${RUNS} runs: wall ${show(med('wall'))}; cpu ${show(med('cpu'))} (target: p95 <= 16.7 ms)`);
console.log(`machine load while measuring: ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')}`);
