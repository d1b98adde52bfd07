// Bad input is refused with a message, and the page keeps working: an impossible configuration
// (99 acceptors, over the per-role limit) shows #error-banner; the current world stays and steps.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

test('an invalid configuration shows the error banner and the page keeps working', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  const nodesBefore = await page.locator('#stage g.node').count();

  await page.locator('#open-config').click();
  const dialog = page.locator('#config');
  await dialog.waitFor({ state: 'visible' });
  const acceptors = page.locator('#cfg-acceptors');
  if (!(await acceptors.isVisible())) await page.locator('#cfg-servers').uncheck();
  await acceptors.fill('99');
  await page.locator('button#reset').click();

  const banner = page.locator('#error-banner');
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.match(await banner.innerText(), /\S/, 'the error banner is empty');
  await shot('bad-input-0-error');

  // Close the dialog; the old world is still there and still runs.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#stage g.node').count(), nodesBefore, 'the stage changed after a refused configuration');
  const step = await clockStep(page);
  await page.locator('button#step-forward').click();
  assert.equal(await clockStep(page), step + 1, 'stepping no longer works after the error');
  await shot('bad-input-1-still-working');
  await finish();
});
