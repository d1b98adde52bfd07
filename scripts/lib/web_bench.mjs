// The page's performance figures (issue 3), measured on the release build in Debian's headless
// Chromium: frame time under load, transfer size, navigation to the first animated frame, and
// W1 throughput in wasm as a ratio of native. Run by scripts/bench after `trunk build --release`
// (it serves dist/ on a free 127.0.0.1 port). Figures are printed, never asserted: the targets
// are shown next to them. Exits non-zero only when a measurement could not be made.
//
//   node scripts/lib/web_bench.mjs [--native-off M/s] [--native-on M/s] [--instances N] [--seconds S] [--loads K]
//                                  [--check-states N] [--native-check STATES/s] [--check-preset I]
//                                  [--check-drops N] [--check-duplicates N] [--check-crashes N] [--check-dfs]
//   node scripts/lib/web_bench.mjs --transfer-only     (the page's bytes only)
//   node scripts/lib/web_bench.mjs --check-only        (the model checker in the tools worker only)
//   node scripts/lib/web_bench.mjs --frames-only       (main-thread work per frame only)

import { chromium } from 'playwright-core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, SEEN_HELP, baseUrl, distDir, stopServer } from '../../tests/e2e/lib/harness.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const SECONDS = Number(args.seconds ?? 6);
const LOADS = Number(args.loads ?? 7);
const INSTANCES = Number(args.instances ?? 100000);
// The checker bench: by default 2 proposers, 3 acceptors, 1 learner, 1 round, breadth-first,
// stopped by the state limit (`paxos check --rounds 1 --max-states N` natively); scripts/bench
// passes the settings of its depth-first search (below).
const CHECK_STATES = Number(args['check-states'] ?? 300000);
// The search's settings (the Check dialog's preset index, fault budgets, strategy), so the bench
// can run the native bench's search in the page too: `--check-preset 1 --check-drops 1
// --check-duplicates 1 --check-crashes 1 --check-dfs` is `paxos check --strategy dfs
// --proposers 1 --rounds 1 --drops 1 --duplicates 1 --crashes 1`.
const CHECK = {
  preset: Number(args['check-preset'] ?? 3),
  drops: Number(args['check-drops'] ?? 0),
  duplicates: Number(args['check-duplicates'] ?? 0),
  crashes: Number(args['check-crashes'] ?? 0),
  dfs: process.argv.includes('--check-dfs'),
};

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const median = (xs) => quantile(xs, 0.5);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function withPage(fn, { viewport = { width: 1280, height: 800 } } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'paxos-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  try {
    await context.addInitScript(SEEN_HELP); // a fresh profile would open the help over the page
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const result = await fn(page, context);
    if (errors.length) result.errors = errors;
    return result;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** The on-demand files: the tools worker (JSON import/export, trace export, the W1 bench). */
const ON_DEMAND = /^tools(-worker\.js|\.js|_bg\.wasm)$/;

/**
 * (b) Bytes of the page, raw and gzip -9: (1) what the page loads at start, index.html and the
 * wasm, JS and CSS it references; (2) what it loads on demand, the tools worker's files. The
 * CDP count of what the local server sent during a page load checks (1): it must not include
 * any file of (2).
 */
async function transfer(url) {
  const dist = distDir();
  const files = readdirSync(dist)
    .filter((f) => statSync(path.join(dist, f)).isFile())
    .map((f) => {
      const data = readFileSync(path.join(dist, f));
      return { file: f, raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
    });
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const referenced = new Set([...html.matchAll(/(?:href|src)=["']?\.?\/?([^"'\s>]+)/g)].map((m) => m[1]));
  const start = files.filter((f) => f.file === 'index.html' || (referenced.has(f.file) && /\.(wasm|js|css)$/.test(f.file)));
  const demand = files.filter((f) => ON_DEMAND.test(f.file));
  const sent = await withPage(async (p) => {
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Network.enable');
    const urls = new Map();
    let bytes = 0;
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      urls.set(e.requestId, `${urls.get(e.requestId)} (${e.encodedDataLength} B)`);
    });
    await p.goto(url);
    await p.waitForSelector('#stage');
    await p.waitForTimeout(500);
    const list = [...urls.values()].map((u) => u.replace(url, '').replace(/^ \(/, 'index.html ('));
    return { bytes, list, tools: list.filter((u) => /tools/.test(u)) };
  });
  const sum = (fs, k) => fs.reduce((s, f) => s + f[k], 0);
  return {
    files,
    start,
    demand,
    gzip: sum(start, 'gzip'),
    raw: sum(start, 'raw'),
    demandGzip: sum(demand, 'gzip'),
    demandRaw: sum(demand, 'raw'),
    sent: sent.bytes,
    requests: sent.list,
    toolsAtStart: sent.tools,
  };
}

/** (c) Navigation to `performance.mark("first-frame")`, fresh profile per load. */
async function firstFrame(url) {
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    const t = await withPage(async (page) => {
      await page.goto(url);
      await page.waitForFunction(() => performance.getEntriesByName('first-frame').length > 0, null, { timeout: 30_000 });
      return { ms: await page.evaluate(() => performance.getEntriesByName('first-frame')[0].startTime) };
    });
    times.push(t.ms);
  }
  return { times, median: median(times) };
}

/**
 * (a) Frames under load (?bench=load). Two views of the same seconds:
 * - main-thread work per frame, from a Chromium trace: the top-level tasks (script, the wasm
 *   reducer and render, style, layout, paint) between one BeginMainThreadFrame and the next;
 * - the interval between requestAnimationFrame callbacks, what a person sees as smoothness.
 */
async function frames(url) {
  return withPage(async (page) => {
    await page.goto(new URL('?bench=load', url).href);
    await page.waitForFunction(() => performance.getEntriesByName('first-frame').length > 0, null, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    const cdp = await page.context().newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', {
      traceConfig: {
        includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame', '__metadata'],
      },
    });
    const sampled = page.evaluate((seconds) => new Promise((resolve) => {
      const deltas = [];
      const counts = [];
      let last;
      const end = performance.now() + seconds * 1000;
      const tick = (now) => {
        if (last !== undefined) deltas.push(now - last);
        last = now;
        if (deltas.length % 10 === 0) counts.push(document.querySelectorAll('#stage g.msg').length);
        if (now < end) requestAnimationFrame(tick);
        else resolve({ deltas, counts });
      };
      requestAnimationFrame(tick);
    }), SECONDS);
    const { deltas, counts } = await sampled;
    await cdp.send('Tracing.end');
    await done;
    const playing = await page.locator('button#play').getAttribute('aria-pressed');
    return { work: workPerFrame(events), deltas, counts, playing };
  });
}

/**
 * Main-thread time of each rendering task: a top-level task on the renderer's main thread that
 * ran an animation frame or painted. It holds the rAF callback (the wasm reducer and the Yew
 * render, with their microtasks), style, layout and paint: the work that must fit in 16.7 ms.
 */
function workPerFrame(events) {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const tasks = onMain.filter((e) => /(^|::)RunTask$/.test(e.name)).sort((a, b) => a.ts - b.ts);
  const marks = onMain
    .filter((e) => ['FireAnimationFrame', 'Paint', 'UpdateLayoutTree', 'Layout'].includes(e.name))
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const work = [];
  let m = 0;
  for (const task of tasks) {
    while (m < marks.length && marks[m] < task.ts) m++;
    if (m < marks.length && marks[m] <= task.ts + (task.dur ?? 0)) work.push((task.dur ?? 0) / 1000);
  }
  return work;
}

/** (d) W1 in wasm (?bench=w1): the page's tools worker runs `workload::Runner` and reports JSON. */
async function w1(url) {
  return withPage(async (page) => {
    await page.goto(new URL(`?bench=w1&instances=${INSTANCES}`, url).href);
    await page.waitForSelector('#bench-result[data-done="true"]', { timeout: 300_000 });
    return JSON.parse(await page.locator('#bench-result').innerText());
  });
}

/**
 * (e) The model checker in the tools worker, driven through the page's Check dialog: unique
 * states per second (the worker's own clock, from the start of the search to its report).
 */
async function checkRate(url) {
  return withPage(async (page) => {
    await page.goto(url);
    await page.waitForSelector('#stage');
    await page.locator('#open-check').click();
    await page.locator('#check-preset').selectOption(String(CHECK.preset));
    await page.locator('#check-rounds').fill('1');
    for (const fault of ['drops', 'duplicates', 'crashes']) await page.locator(`#check-${fault}`).fill(String(CHECK[fault]));
    await page.locator('#check-dfs').setChecked(CHECK.dfs);
    await page.locator('#check-max_states').fill(String(CHECK_STATES));
    await page.locator('#check-max_mib').fill('2048');
    await page.locator('#check-start').click();
    await page.waitForSelector('#check-result', { timeout: 600_000 });
    const status = page.locator('#check-status');
    const unique = Number(await status.getAttribute('data-unique'));
    const ms = Number(await status.getAttribute('data-elapsed-ms'));
    const ending = await page.locator('#check-result').getAttribute('data-ending');
    return { unique, ms, ending, rate: (unique * 1000) / ms };
  });
}

function checkRow(row, check) {
  const native = Number(args['native-check']);
  const ratio = native > 0
    ? `${(check.rate / native).toFixed(2)}x of native ${Math.round(native)} states/s (target >= 0.5x)`
    : 'native figure not given (--native-check)';
  row('model checker in Chromium (tools worker), unique states/s', `${Math.round(check.rate)} (${check.unique} states, ${check.ms} ms, ${check.ending})`, ratio);
}

function report({ bytes, first, frame, w1run, check }) {
  const rows = [];
  const row = (what, value, target) => rows.push([what, value, target ?? '']);
  const work = frame.work;
  row('frame: main-thread work per frame p50 / p95', `${median(work).toFixed(2)} / ${quantile(work, 0.95).toFixed(2)} ms (${work.length} frames)`, 'p95 <= 16.7 ms');
  row('frame: rAF interval p50 / p95 / max', `${median(frame.deltas).toFixed(2)} / ${quantile(frame.deltas, 0.95).toFixed(2)} / ${Math.max(...frame.deltas).toFixed(2)} ms`, '');
  row('frame: messages drawn in flight min / median', `${Math.min(...frame.counts)} / ${median(frame.counts)} (playing: ${frame.playing})`, '>= 150');
  row('transfer at start: html + wasm/js/css it references, gzip -9', `${kb(bytes.gzip)} (${bytes.gzip} B)`, '<= 300 KB');
  row('transfer at start: same files raw', kb(bytes.raw), '');
  row('transfer at start: bytes the local server sent (no compression)', kb(bytes.sent), `tools files fetched at start: ${bytes.toolsAtStart.length ? bytes.toolsAtStart.join(', ') : 'none'}`);
  row('transfer on demand (tools worker: js + wasm), gzip -9', `${kb(bytes.demandGzip)} (${bytes.demandGzip} B)`, 'fetched on first import/export/bench');
  row('transfer on demand: same files raw', kb(bytes.demandRaw), '');
  row('first animated frame, median of loads', `${first.median.toFixed(0)} ms (${first.times.map((t) => t.toFixed(0)).join(', ')})`, '<= 1000 ms');
  for (const run of w1run.runs) {
    const wasm = run.deliveries_per_sec / 1e6;
    const native = Number(args[`native-${run.recording}`]);
    const ratio = native > 0 ? `${(wasm / native).toFixed(2)}x of native ${native.toFixed(2)} M/s` : 'native figure not given';
    row(`W1 wasm (tools worker), recording ${run.recording}`, `${wasm.toFixed(2)} M deliveries/s (${run.instances} instances, ${run.elapsed_ms.toFixed(0)} ms)`, ratio);
  }
  if (check) checkRow(row, check);
  const width = rows.reduce((w, r) => Math.max(w, r[0].length), 0);
  const width2 = rows.reduce((w, r) => Math.max(w, r[1].length), 0);
  console.log(`\n${'measure'.padEnd(width)}  ${'value'.padEnd(width2)}  target / comparison`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(width)}  ${b.padEnd(width2)}  ${c}`);
  const list = (title, fs) => {
    console.log(`\n${title} (raw, gzip -9):`);
    for (const f of fs) console.log(`  ${f.file.padEnd(44)} ${String(f.raw).padStart(8)} B ${String(f.gzip).padStart(8)} B`);
  };
  list('loaded at start', bytes.start);
  list('loaded on demand', bytes.demand);
  list('other dist files', bytes.files.filter((f) => !bytes.start.includes(f) && !bytes.demand.includes(f)));
  console.log(`\nrequests during a page load: ${bytes.requests.join(', ')}`);
}

try {
  const url = await baseUrl();
  if (args['transfer-only'] !== undefined || process.argv.includes('--transfer-only')) {
    const b = await transfer(url);
    console.log(JSON.stringify({ start: b.start, gzip: b.gzip, demand: b.demand, demandGzip: b.demandGzip, sent: b.sent, requests: b.requests }, null, 1));
    process.exit(0);
  }
  if (process.argv.includes('--frames-only')) {
    // Main-thread work per frame only (?bench=load): to compare two builds in one session, run
    // it on each in turn (E2E_DIST names the build).
    const frame = await frames(url);
    const work = frame.work;
    console.log(`frame: main-thread work per frame p50 / p95: ${median(work).toFixed(2)} / ${quantile(work, 0.95).toFixed(2)} ms (${work.length} frames, ${distDir()})`);
    process.exit(0);
  }
  if (args['check-only'] !== undefined || process.argv.includes('--check-only')) {
    const rows = [];
    const check = await checkRate(url);
    if (check.errors) console.log(`page errors during the check: ${check.errors.join(' | ')}`);
    checkRow((...r) => rows.push(r), check);
    for (const r of rows) console.log(`${r[0]}: ${r[1]}; ${r[2]}`);
    process.exit(0);
  }
  const bytes = await transfer(url);
  const first = await firstFrame(url);
  const frame = await frames(url);
  const w1run = await w1(url);
  const check = await checkRate(url);
  for (const [name, r] of Object.entries({ frame, w1run, check })) if (r.errors) console.log(`page errors during ${name}: ${r.errors.join(' | ')}`);
  report({ bytes, first, frame, w1run, check });
} finally {
  await stopServer();
}
