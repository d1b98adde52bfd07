// Shared by the browser tests: opens the release build in Debian's headless Chromium (driven by
// playwright-core, never a downloaded browser), in a fresh browser context per test (one
// Chromium per test file, started on first use: a context is as isolated as a fresh profile,
// with its own storage, cache and permissions, and costs a fraction of a browser's start), and
// collects every page error, console error and HTTP error so a test fails on any of them.
//
// The page comes from E2E_BASE_URL (scripts/test serves dist/ and sets it); without it, this
// module serves dist/ itself on a free port, so `node --test tests/e2e/` also works by hand
// after `trunk build --release`.

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const RESULTS = path.join(ROOT, 'test-results');

// Flags from TOOLCHAIN.md: keep Chromium off the network and away from the GPU.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Marks the help as seen (src/ui/help.rs), run before the page's own scripts in every document
 * the test opens: a fresh profile is a first visit, and on the bare page the help would open by
 * itself over what a test drives.
 */
export const SEEN_HELP = () => {
  try {
    localStorage.setItem('paxos-playground-help-seen', '1');
  } catch {
    // A document without storage (a browser error page, an opaque origin): nothing to mark.
  }
};

/** The build under test: dist/, or E2E_DIST (e.g. a variant build the bench compares). */
export const distDir = () => path.resolve(process.env.E2E_DIST ?? path.join(ROOT, 'dist'));

let served; // { url, child } when this process serves dist/ itself

async function serveDist() {
  const dist = distDir();
  assert.ok(existsSync(path.join(dist, 'index.html')), `${dist}/index.html is missing: run \`trunk build --release\` first`);
  const child = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '-d', dist, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/port (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`static server exited with ${code}: ${out}`)));
  });
  process.on('exit', () => child.kill());
  return { url: `http://127.0.0.1:${port}/`, child };
}

export async function baseUrl() {
  if (process.env.E2E_BASE_URL) return process.env.E2E_BASE_URL;
  served ??= serveDist();
  return (await served).url;
}

/** Stops this process's own static server, if it started one (call from a file's `after`). */
export async function stopServer() {
  if (!served) return;
  const { child } = await served;
  child.kill();
  served = undefined;
}

let browser;
/** This file's Chromium, started on first use and closed when the file's tests are done. */
function sharedBrowser() {
  browser ??= chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  return browser;
}
after(async () => {
  if (browser) await (await browser).close();
  browser = undefined;
});

/**
 * Opens `urlPath` of the page in a fresh browser context (a first visitor's storage, cache and
 * permissions). Returns the page, the list of
 * problems seen so far (page errors, console errors, failed requests, HTTP >= 400), `shot(name)`
 * that saves test-results/<name>.png, and `finish()` that asserts no problem was seen and closes.
 * `expectProblems` lists regexps of problems a test provokes on purpose; `firstVisit` leaves the
 * context as a first visitor's (otherwise the help, which opens by itself on a first visit to the
 * bare page, counts as seen: see SEEN_HELP); other options go to the browser context (hasTouch,
 * isMobile, reducedMotion...).
 */
export async function openPage(t, { urlPath = '', viewport = { width: 1280, height: 800 }, expectProblems = [], firstVisit = false, ...contextOptions } = {}) {
  const context = await (await sharedBrowser()).newContext({ viewport, ...contextOptions });
  let closing;
  const close = () => (closing ??= context.close());
  t.after(close);

  const problems = [];
  if (!firstVisit) await context.addInitScript(SEEN_HELP);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // The browser's own fetch of the tab's icon, cut short when the test navigates on.
    if (/\/favicon[^/]*\.svg$/.test(r.url()) && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.setDefaultTimeout(20_000);
  await page.goto(new URL(urlPath, await baseUrl()).href);

  const shot = async (name, { fullPage = true } = {}) => {
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage });
  };
  const unexpected = () => problems.filter((p) => !expectProblems.some((re) => re.test(p)));
  const finish = async () => {
    assert.deepEqual(unexpected(), [], 'the page reported problems');
    await close();
  };
  return { page, context, problems, unexpected, shot, finish };
}

/** Waits until the playground has rendered its stage. */
export async function waitForApp(page) {
  await page.waitForSelector('main#playground #stage', { state: 'visible' });
}

/** Pauses the run if it is playing (the page may autoplay), so the state holds still. */
export async function pause(page) {
  const play = page.locator('button#play');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  assert.equal(await play.getAttribute('aria-pressed'), 'false', 'the run did not pause');
}

/** Starts the run if it is paused. */
export async function play(page) {
  const button = page.locator('button#play');
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  assert.equal(await button.getAttribute('aria-pressed'), 'true', 'the run did not start');
}

/** The cursor step shown by `#clock` ("step N · t=T"). */
export async function clockStep(page) {
  const text = await page.locator('#clock').innerText();
  const m = text.match(/step\s+(\d+)/);
  assert.ok(m, `#clock does not show a step: ${JSON.stringify(text)}`);
  return Number(m[1]);
}

/** Sets a range input (the scrubber, the speed slider) as a person dragging it would. */
export async function setRange(page, selector, value) {
  await page.locator(selector).fill(String(value));
}

/** Moves the speed slider to its fastest setting. */
export async function fastest(page) {
  const speed = page.locator('input#speed');
  await speed.fill(await speed.getAttribute('max'));
}
