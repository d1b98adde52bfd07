// Keyboard only (Tab, Enter, Space, arrows, c): play and pause, step forward and back, select an
// acceptor and crash it, then recover it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

test('play, step and crash work from the keyboard alone', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  const playing = async () => (await page.locator('button#play').getAttribute('aria-pressed')) === 'true';
  await page.locator('body').focus();

  // Space toggles play/pause (the page may autoplay: flip twice and see both states).
  const before = await playing();
  await page.keyboard.press('Space');
  await page.waitForFunction((b) => (document.querySelector('#play').getAttribute('aria-pressed') === 'true') !== b, before);
  await page.keyboard.press('Space');
  await page.waitForFunction((b) => (document.querySelector('#play').getAttribute('aria-pressed') === 'true') === b, before);
  if (await playing()) await page.keyboard.press('Space');
  assert.equal(await playing(), false, 'Space did not pause');

  // Arrows step one event forward and back.
  const start = await clockStep(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await clockStep(page), start + 2, 'ArrowRight did not step forward');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await clockStep(page), start + 1, 'ArrowLeft did not step back');
  await shot('keyboard-0-stepped');

  // Tab to an acceptor, Enter selects it, c crashes it and c again recovers it.
  let id;
  for (let i = 0; i < 300 && !id; i++) {
    await page.keyboard.press('Tab');
    id = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.matches?.('g.node[data-role="acceptor"], g.node[data-role="server"]') ? el.dataset.node : undefined;
    });
  }
  assert.ok(id, 'Tab never reached an acceptor on the stage');
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { outline: s.outlineStyle, shadow: s.boxShadow, filter: s.filter };
  });
  assert.ok(outline.outline !== 'none' || outline.shadow !== 'none' || outline.filter !== 'none', `no visible focus on the node: ${JSON.stringify(outline)}`);
  await page.keyboard.press('Enter');
  await page.locator('#inspector button[data-action="crash"]').waitFor({ state: 'visible' });
  await shot('keyboard-1-selected');
  await page.keyboard.press('c');
  const up = () => page.locator(`g.node[data-node="${id}"]`).getAttribute('data-up');
  await page.waitForFunction((id) => document.querySelector(`g.node[data-node="${id}"]`)?.getAttribute('data-up') === 'false', id);
  await shot('keyboard-2-crashed');
  await page.keyboard.press('c');
  await page.waitForFunction((id) => document.querySelector(`g.node[data-node="${id}"]`)?.getAttribute('data-up') === 'true', id);
  assert.equal(await up(), 'true');
  await finish();
});
