// The default run reaches a chosen value, shown on the page, and the learner shows the same value.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, play, fastest, stopServer } from './lib/harness.mjs';

after(stopServer);

test('the default run reaches a chosen value shown on the page', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await shot('chosen-0-start');
  assert.doesNotMatch(await page.locator('#chosen').innerText(), /Chosen:/, 'a value is chosen before the run started');

  await fastest(page);
  await play(page);
  await page.waitForFunction(() => /Chosen: "[A-Z]+"/.test(document.querySelector('#chosen')?.textContent ?? ''), null, {
    timeout: 60_000,
  });
  const chosen = (await page.locator('#chosen').innerText()).match(/Chosen: "([A-Z]+)"/)[1];
  await shot('chosen-1-chosen');

  // Every learner that learned shows the chosen value (agreement, as the page displays it).
  const learners = page.locator('g.node[data-role="learner"] [data-field="learned"], g.node[data-role="server"] [data-field="learned"]');
  await page.waitForFunction(
    (value) => [...document.querySelectorAll('g.node [data-field="learned"]')].some((e) => e.textContent.includes(`"${value}"`)),
    chosen,
    { timeout: 60_000 },
  );
  for (const text of await learners.allTextContents()) {
    if (/"[A-Z]+"/.test(text)) assert.match(text, new RegExp(`"${chosen}"`), `a learner shows another value: ${text}`);
  }
  await finish();
});
