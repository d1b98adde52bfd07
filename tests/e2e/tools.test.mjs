// The tools worker: JSON import and export, the trace export, the embed API's JSON `load` and
// the W1 bench live in a second wasm that the page fetches only on first use. The page loads and
// runs without it; when its files cannot be fetched, import says so clearly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, baseUrl, stopServer } from './lib/harness.mjs';

after(stopServer);

const TOOLS = /\/tools(-worker\.js|\.js|_bg\.wasm)$/;
const DEFAULT_TITLE = 'Two proposers, one value';

for (const [what, blocked] of [['every file', TOOLS], ['only the wasm', /\/tools_bg\.wasm$/]]) {
  test(`with the tools worker's files blocked (${what}), the page runs and import says why it cannot`, async (t) => {
    const { page, context, shot, unexpected, finish } = await openPage(t, {
      urlPath: 'about:blank',
      expectProblems: [/tools/],
    });
    const asked = [];
    await context.route(blocked, (route) => {
      asked.push(route.request().url());
      return route.fulfill({ status: 404, body: 'gone' });
    });
    page.on('request', (r) => TOOLS.test(r.url()) && asked.push(r.url()));
    await page.goto(await baseUrl());
    await waitForApp(page);
    await pause(page);
    for (let i = 0; i < 5; i++) await page.locator('button#step-forward').click();
    assert.deepEqual(asked, [], 'the page fetched the tools worker before it was needed');
    await page.locator('#copy-link').click();
    const file = JSON.stringify({ version: 1, title: 'Never opened', seed: 3 });
    await page.locator('#import-file').setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    const banner = page.locator('#error-banner');
    await banner.waitFor({ state: 'visible' });
    assert.match(await banner.innerText(), /tools .*could not be loaded/);
    assert.match(await banner.innerText(), /default scenario is open instead/);
    assert.equal(await page.locator('.scenario-title').innerText(), DEFAULT_TITLE);
    assert.ok(asked.length > 0, 'import asked for the worker');
    await shot(`tools-blocked-${what.replace(/\W+/g, '-')}`);
    assert.deepEqual(unexpected(), []);
    await finish();
  });
}

test('import shows "loading tools" until the worker answers, then opens the file', async (t) => {
  const { page, context, finish } = await openPage(t, { urlPath: 'about:blank' });
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await context.route(/\/tools_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(await baseUrl());
  await waitForApp(page);
  await page.locator('#copy-link').click();
  const file = JSON.stringify({ version: 1, title: 'From a file', seed: 3 });
  await page.locator('#import-file').setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await page.locator('#tools-status').waitFor({ state: 'visible' });
  assert.match(await page.locator('#tools-status').innerText(), /Loading tools/);
  release();
  await page.waitForFunction(() => document.querySelector('.scenario-title')?.textContent === 'From a file');
  await finish();
});

test('the embed API loads a JSON scenario through the worker, and reports a bad one', async (t) => {
  const { page, finish } = await openPage(t, { urlPath: 'course.html' });
  const driven = page.frameLocator('#driven-frame');
  await driven.locator('#stage').waitFor({ state: 'visible' });
  await page.waitForFunction(() => window.receivedEvents.some((e) => e.type === 'ready' && e.id === 'driven'));
  await page.evaluate(() => {
    const w = document.querySelector('#driven-frame').contentWindow;
    w.postMessage({ type: 'load', scenario: { version: 1, title: 'From the host', seed: 9 } }, '*');
  });
  await driven.locator('section.stage-area[aria-label="From the host"]').waitFor();
  await page.evaluate(() => {
    const w = document.querySelector('#driven-frame').contentWindow;
    w.postMessage({ type: 'load', scenario: '{"version": 1, "seed": "x"}' }, '*');
  });
  const banner = driven.locator('#error-banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.innerText(), /could not be opened: .*line 1 column/);
  await finish();
});

test('W1 in wasm runs in the tools worker (?bench=w1)', async (t) => {
  const { page, finish } = await openPage(t, { urlPath: '?bench=w1&instances=300' });
  await page.waitForSelector('#bench-result[data-done="true"]', { timeout: 60_000 });
  assert.equal(await page.locator('#bench-result').getAttribute('data-failed'), 'false');
  const result = JSON.parse(await page.locator('#bench-result').innerText());
  assert.equal(result.workload, 'W1');
  assert.deepEqual(result.runs.map((r) => [r.recording, r.instances]), [['off', 300], ['on', 300]]);
  assert.ok(result.runs.every((r) => r.delivered > 0 && r.elapsed_ms >= 0));
  await finish();
});
