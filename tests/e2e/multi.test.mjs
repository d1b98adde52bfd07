// The Multi-Paxos mode (#mode=multi, issue 10): its own wasm (multi.js, multi_bg.wasm) and
// stylesheet, fetched when the mode opens and never with the page. Opened by its address, and
// by the switch in the single-decree page's header (the time from the click to the mode's first
// frame is printed: the target is at most 1 s on localhost); back to single-decree by its switch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, stopServer } from './lib/harness.mjs';

after(stopServer);

/** What the mode's first frame shows (its stage, drawn from the model's first frame). */
const FIRST_FRAME = 'main#multi';
const MODE_FILES = /\/multi(\.js|_bg\.wasm|\.css)$/;

test('the single-decree page does not fetch the Multi-Paxos mode', async (t) => {
  const { page, finish } = await openPage(t);
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  await waitForApp(page);
  await page.waitForTimeout(500);
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.deepEqual([...fetched, ...loaded].filter((u) => MODE_FILES.test(u)), [], 'the mode was fetched with the page');
  assert.equal(await page.locator(FIRST_FRAME).count(), 0);
  await finish();
});

test('#mode=multi opens the Multi-Paxos mode, not the single-decree app', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#mode=multi' });
  await page.locator(FIRST_FRAME).waitFor({ state: 'visible' });
  assert.equal(await page.locator('main#playground').count(), 0, 'the single-decree app is mounted too');
  assert.match(await page.locator('main#multi .scenario-title').innerText(), /Multi-Paxos/);
  const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href ?? ''));
  assert.ok(sheets.some((h) => /\/multi\.css$/.test(h)), `multi.css is not linked: ${sheets}`);
  assert.equal(await page.locator('#boot').isVisible(), false, 'the loading state is still shown');
  await shot('multi-open');
  await finish();
});

test('the header switch opens the mode in place, quickly, and its own switch goes back', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  const link = page.locator('a#open-multi');
  assert.match(await link.innerText(), /Multi-Paxos · key-value store/);
  // Timed in the page: from the click to the first frame of the mode in #app.
  await page.evaluate((selector) => {
    addEventListener('click', () => { window.__clicked = performance.now(); }, { capture: true, once: true });
    new MutationObserver((_, observer) => {
      if (document.querySelector(selector)) {
        window.__shown = performance.now();
        observer.disconnect();
      }
    }).observe(document.getElementById('app'), { childList: true, subtree: true });
  }, FIRST_FRAME);
  await link.click();
  await page.waitForFunction(() => window.__shown !== undefined);
  const ms = await page.evaluate(() => window.__shown - window.__clicked);
  console.log(`# switch to Multi-Paxos: ${ms.toFixed(0)} ms from the click to the first frame (target <= 1000)`);
  assert.ok(ms <= 1000, `the switch took ${ms.toFixed(0)} ms`);
  assert.equal(new URL(page.url()).hash, '#mode=multi');
  assert.equal(await page.locator('main#playground').count(), 0, 'the single-decree app is still mounted');

  await page.locator('a#open-single').click();
  await waitForApp(page);
  assert.equal(new URL(page.url()).hash, '');
  assert.equal(await page.locator('main#multi').count(), 0);
  await finish();
});

test('Back from the mode reopens the single-decree page', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await page.locator('a#open-multi').click();
  await page.locator(FIRST_FRAME).waitFor({ state: 'visible' });
  await page.goBack();
  await waitForApp(page);
  assert.equal(await page.locator('main#multi').count(), 0);
  await finish();
});

test('a mode that cannot load shows the load-error panel with the reason', async (t) => {
  const { page, context, shot, finish } = await openPage(t, {
    urlPath: 'about:blank',
    expectProblems: [/multi_bg\.wasm/, /Failed to fetch|WebAssembly|wasm|Failed to load resource/i],
  });
  await context.route(/multi_bg\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const { baseUrl } = await import('./lib/harness.mjs');
  await page.goto(`${await baseUrl()}#mode=multi`);
  const panel = page.locator('#load-error');
  await panel.waitFor({ state: 'visible' });
  assert.match(await panel.innerText(), /could not start/i);
  assert.match(await panel.locator('pre').innerText(), /\S/, 'no reason given');
  await shot('multi-load-failure');
  await finish();
});
