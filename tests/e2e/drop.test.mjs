// Dropping a message: step until a message is in flight, select its token, press drop; the token
// disappears, a drop mark shows where it died, and the log shows the drop.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, stopServer } from './lib/harness.mjs';

after(stopServer);

test('dropping a message removes its token and logs the drop', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);

  // A token a person can click: one not covered by a node (a token sits on its sender when it
  // is sent and on its receiver when it arrives).
  const clickableToken = () =>
    page.evaluate(() => {
      for (const g of document.querySelectorAll('#stage g.msg[data-msg]')) {
        const r = (g.querySelector('circle, path, rect, polygon') ?? g).getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        if (hit && g.contains(hit)) return g.dataset.msg;
      }
      return undefined;
    });
  let id;
  for (let i = 0; i < 50 && !(id = await clickableToken()); i++) await page.locator('button#step-forward').click();
  assert.ok(id, 'no clickable message in flight after 50 steps');
  const token = page.locator(`#stage g.msg[data-msg="${id}"]`);
  const kind = await token.getAttribute('data-kind');
  assert.match(kind, /^(prepare|promise|nack|accept|accepted|decided)$/);
  const dropsBefore = await page.locator('#log li[data-step]').filter({ hasText: /drop/i }).count();
  await token.locator('circle, path, rect, polygon').first().click(); // the token's mark, not its label
  const drop = page.locator('#inspector button[data-action="drop"]');
  await drop.waitFor({ state: 'visible' });
  await shot('drop-0-selected');
  await drop.click();

  await page.waitForFunction((id) => !document.querySelector(`#stage g.msg[data-msg="${id}"]`), id);
  assert.equal(await page.locator(`#stage g.msg[data-msg="${id}"]`).count(), 0, 'the dropped token is still drawn');
  await page.waitForFunction(
    (before) => [...document.querySelectorAll('#log li[data-step]')].filter((li) => /drop/i.test(li.textContent)).length > before,
    dropsBefore,
  );
  assert.ok((await page.locator('#stage g.drop-mark').count()) > 0, 'no drop mark on the stage');
  await shot('drop-1-dropped');
  await finish();
});
