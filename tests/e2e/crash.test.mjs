// Crashing an acceptor by clicking: select it on the stage, press crash in the inspector; the node
// is shown down, the crash appears in the event log, and a down node shows only its durable state.
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

// Issue 11: a crashed node shows only what survives the crash, its disk. A proposer that was
// preparing loses its phase and value (it shows the round on its disk); an acceptor keeps its
// promise and accepted proposal; the screen reader's label says the same.
test('a crashed node shows only its durable state', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  // Back to the start: on a busy machine the run may have played far before the pause landed.
  await page.keyboard.press('Home');
  await page.waitForFunction(() => /step 0\b/.test(document.querySelector('#clock').textContent));
  const proposer = page.locator('g.node[data-node="0"]');
  const phase = proposer.locator('[data-field="phase"]');
  for (let i = 0; i < 40 && !/preparing|accepting/.test(await phase.textContent()); i++) {
    await page.locator('button#step-forward').click();
  }
  assert.match(await phase.textContent(), /^(preparing|accepting) 1\.0 "A"/, 'n0 is at work on "A"');
  await proposer.click();
  await page.locator('#inspector button[data-action="crash"]').click();
  await page.waitForFunction(() => document.querySelector('g.node[data-node="0"]')?.getAttribute('data-up') === 'false');
  assert.equal(await phase.textContent(), 'round 1 on disk');
  const text = await proposer.locator('text').allTextContents();
  assert.ok(!text.some((s) => /preparing|accepting|"A"/.test(s)), `a down proposer shows volatile state: ${text}`);
  const label = await proposer.getAttribute('aria-label');
  assert.match(label, /down \(crashed\)/);
  assert.doesNotMatch(label, /preparing|accepting|"A"/, 'the label does not say what the node lost');

  // An acceptor that promised keeps its promise on disk, down or up.
  const acceptor = page.locator('g.node[data-node="2"]');
  for (let i = 0; i < 40 && !/promised 1\.0/.test(await acceptor.locator('[data-field="promised"]').textContent()); i++) {
    await page.locator('button#step-forward').click();
  }
  const before = await acceptor.locator('[data-field="promised"], [data-field="accepted"]').allTextContents();
  await acceptor.click();
  await page.locator('#inspector button[data-action="crash"]').click();
  await page.waitForFunction(() => document.querySelector('g.node[data-node="2"]')?.getAttribute('data-up') === 'false');
  assert.deepEqual(await acceptor.locator('[data-field="promised"], [data-field="accepted"]').allTextContents(), before);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('crash-2-durable-only', { fullPage: false });
  await finish();
});
