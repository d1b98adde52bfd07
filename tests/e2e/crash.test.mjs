// Crashing an acceptor by clicking: select it on the stage, press crash in the inspector; the node
// is shown down and the crash appears in the event log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, stopServer } from './lib/harness.mjs';

after(stopServer);

test('crashing an acceptor by clicking shows it down and logs the crash', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);

  const acceptor = page.locator('g.node[data-role="acceptor"]').first();
  const id = await acceptor.getAttribute('data-node');
  assert.equal(await acceptor.getAttribute('data-up'), 'true', 'the acceptor starts up');
  await acceptor.click();
  const crash = page.locator('#inspector button[data-action="crash"]');
  await crash.waitFor({ state: 'visible' });
  await shot('crash-0-selected');
  await crash.click();

  const node = page.locator(`g.node[data-node="${id}"]`);
  await page.waitForFunction((id) => document.querySelector(`g.node[data-node="${id}"]`)?.getAttribute('data-up') === 'false', id);
  assert.equal(await node.getAttribute('data-up'), 'false');
  const rows = page.locator('#log li[data-step]');
  await page.waitForFunction(() => [...document.querySelectorAll('#log li[data-step]')].some((li) => /crash/i.test(li.textContent)));
  const crashRows = (await rows.allInnerTexts()).filter((text) => /crash/i.test(text));
  assert.ok(crashRows.length > 0, 'no crash in the log');
  // The inspector now offers to recover the node instead.
  await page.locator('#inspector button[data-action="recover"]').waitFor({ state: 'visible' });
  await shot('crash-1-down');
  await finish();
});
