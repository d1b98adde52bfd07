// Time travel on screen: step until an acceptor has promised two different ballots, then scrub
// back with the scrubber to a step where it showed the earlier one: the stage shows it again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, clockStep, setRange, stopServer } from './lib/harness.mjs';

after(stopServer);

const promisedTexts = (page) =>
  page.$$eval('g.node[data-role="acceptor"], g.node[data-role="server"]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.dataset.node, n.querySelector('[data-field="promised"]')?.textContent.trim()])),
  );

test('scrubbing back restores an acceptor\'s earlier promised ballot', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  await setRange(page, '#scrubber', 0);
  assert.equal(await clockStep(page), 0, 'the scrubber did not move the cursor to the start');

  // seen[node] = [{ step, text }] each time the node's promised text changed.
  const seen = {};
  let found;
  for (let i = 0; i < 400 && !found; i++) {
    const step = await clockStep(page);
    for (const [node, text] of Object.entries(await promisedTexts(page))) {
      assert.ok(text !== undefined, `acceptor ${node} has no [data-field=promised]`);
      const list = (seen[node] ??= []);
      if (list.at(-1)?.text !== text) list.push({ step, text });
      const ballots = list.filter((e) => !/promised\s*-\s*$/.test(e.text));
      if (ballots.length >= 2) found = { node, earlier: ballots.at(-2), later: ballots.at(-1) };
    }
    if (!found) await page.locator('button#step-forward').click();
  }
  assert.ok(found, `no acceptor promised two ballots within 400 steps: ${JSON.stringify(seen)}`);
  const { node, earlier, later } = found;
  assert.notEqual(earlier.text, later.text);
  const shown = () => page.locator(`g.node[data-node="${node}"] [data-field="promised"]`).textContent();
  assert.equal((await shown()).trim(), later.text);
  await shot('scrub-0-later');

  await setRange(page, '#scrubber', earlier.step);
  await page.waitForFunction((step) => new RegExp(`step\\s+${step}\\b`).test(document.querySelector('#clock')?.textContent ?? ''), earlier.step);
  assert.equal((await shown()).trim(), earlier.text, `scrubbing to step ${earlier.step} did not restore ${earlier.text}`);
  assert.equal(Number(await page.locator('#scrubber').inputValue()), earlier.step);
  await shot('scrub-1-earlier');
  await finish();
});
