// Main-thread work per frame in the Multi-Paxos mode (issue 10: p95 at most 16.7 ms in headless
// Chromium), for `scripts/bench frames`: the release build (dist/, or E2E_DIST) opened on the
// link in frames-link.txt (5 replicas, 3 clients, 500 slots in the log, 150 messages in
// flight; tests/multi_links.rs pins that state), played at the default speed.
//
// How a frame is measured: a requestAnimationFrame loop installed before the page's own scripts
// (so its callback runs first in every frame) notes performance.now() and posts a
// MessageChannel message; the message is a task that runs once the frame's work is done: the
// page's animation callback (the model's step and the frame built by view::multi::frame), Yew's
// render and the browser's style, layout and paint on the main thread. The time between the two
// is that frame's main-thread work. BENCH_FRAMES_RUNS runs (default 3) of BENCH_FRAMES_SECS
// seconds (default 5) each, after a second of warm-up; p50, p95 and max per run, then the
// median of each over the runs.
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, CHROMIUM_ARGS, SEEN_HELP, baseUrl, stopServer } from '../../tests/e2e/lib/harness.mjs';

const RUNS = Number(process.env.BENCH_FRAMES_RUNS ?? 3);
const SECS = Number(process.env.BENCH_FRAMES_SECS ?? 5);
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
    await page.locator('#mplay').click();
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      window.__frameMs = [];
      window.__measuring = true;
    });
    await page.waitForTimeout(SECS * 1000);
    const ms = await page.evaluate(() => {
      window.__measuring = false;
      return window.__frameMs;
    });
    const playing = await page.locator('#mplay').getAttribute('aria-pressed');
    await context.close();
    const sorted = [...ms].sort((a, b) => a - b);
    const r = { frames: ms.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) };
    results.push(r);
    console.log(
      `run ${run}: ${r.frames} frames in ${SECS} s (${state.tokens} messages in flight at the start; ${state.newest}; still playing: ${playing}): ` +
        `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`,
    );
  }
} finally {
  await browser.close();
  await stopServer();
}
const p95 = median(results.map((r) => r.p95));
console.log(
  `frames: median of ${RUNS} runs: p50 ${median(results.map((r) => r.p50)).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, ` +
    `max ${median(results.map((r) => r.max)).toFixed(2)} ms (target: p95 <= 16.7 ms)`,
);
