// A phone-sized viewport (375 x 740, touch): nothing overflows sideways, the time controls are
// visible and inside the screen, and tapping them works.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

const WIDTH = 375;

test('the page is usable at 375 px width', async (t) => {
  const { page, shot, finish } = await openPage(t, { viewport: { width: WIDTH, height: 740 }, hasTouch: true, isMobile: true });
  await waitForApp(page);
  const overflow = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(overflow.doc <= overflow.inner && overflow.body <= overflow.inner, `horizontal overflow: ${JSON.stringify(overflow)}`);

  for (const selector of ['button#play', 'button#step-back', 'button#step-forward', 'input#scrubber', '#stage', '#chosen']) {
    const el = page.locator(selector);
    await el.scrollIntoViewIfNeeded();
    assert.ok(await el.isVisible(), `${selector} is not visible`);
    const box = await el.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= WIDTH + 0.5, `${selector} sticks out of the screen: ${JSON.stringify(box)}`);
  }
  await shot('phone-0-start', { fullPage: false });

  // Touch: tap pause/play and step.
  const play = page.locator('button#play');
  const pressed = await play.getAttribute('aria-pressed');
  await play.tap();
  // The page redraws the button after the tap's task: wait for it (under load it lags).
  const changed = await page
    .waitForFunction((p) => document.querySelector('button#play').getAttribute('aria-pressed') !== p, pressed, { timeout: 5000 })
    .then(() => true, () => false);
  assert.ok(changed, 'tapping play did nothing');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.tap();
  const step = await clockStep(page);
  await page.locator('button#step-forward').tap();
  assert.equal(await clockStep(page), step + 1, 'tapping step did not step');
  await shot('phone-1-stepped', { fullPage: false });
  await finish();
});
