// A failed load never leaves a blank page: when the wasm cannot be fetched, the page replaces its
// loading state with an error panel that says so and offers a reload.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, stopServer } from './lib/harness.mjs';

after(stopServer);

test('a wasm that fails to load shows an error panel, not a blank page', async (t) => {
  const { page, context, shot, unexpected, finish } = await openPage(t, {
    urlPath: 'about:blank',
    expectProblems: [/_bg\.wasm/, /Failed to fetch|WebAssembly|wasm|Failed to load resource/i],
  });
  await context.route(/_bg\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const { baseUrl } = await import('./lib/harness.mjs');
  await page.goto(await baseUrl());
  const panel = page.locator('#load-error');
  await panel.waitFor({ state: 'visible' });
  assert.match(await panel.innerText(), /could not start/i);
  assert.ok(await page.locator('#load-error button').isVisible(), 'no reload button');
  assert.equal(await page.locator('#boot').count(), 0, 'the loading state is still shown');
  await shot('load-failure');
  assert.deepEqual(unexpected(), []);
  await finish();
});
