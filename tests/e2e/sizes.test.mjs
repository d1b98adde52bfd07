// Legible at the sizes people use: the embed at its suggested 720 x 480, a projector at
// 1280 x 720, a phone at 375 x 812. At each, a lesson's node text is at least 11 px as drawn
// (font size times the stage's scale, measured in the browser), Play, the caption and its
// Next button lie inside the viewport, and so does the stage's top. Screenshots:
// test-results/size-embed-720x480.png, size-projector-1280x720.png, size-phone-375x812.png.
//
// SIZES_REPORT=1 prints the measured figures.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, stopServer } from './lib/harness.mjs';

after(stopServer);

const MIN_PX = 11;
const SIZES = [
  { name: 'embed-720x480', viewport: { width: 720, height: 480 }, path: '?embed&controls=minimal&autoplay=0&lesson=' },
  { name: 'projector-1280x720', viewport: { width: 1280, height: 720 }, path: '#lesson=' },
  { name: 'phone-375x812', viewport: { width: 375, height: 812 }, path: '#lesson=', hasTouch: true, isMobile: true },
];
// Three acceptors (most lessons) and five (the largest lesson cluster).
const LESSONS = ['happy-path', 'acceptor-crashes'];

/** In the browser: the smallest node text as drawn, and where things are. */
function measure() {
  const svg = document.querySelector('#stage');
  const scale = svg.getScreenCTM().a; // px per SVG unit
  const sizes = [...svg.querySelectorAll('.node text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  const box = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  };
  return {
    minPx: Math.min(...sizes),
    texts: sizes.length,
    scale,
    viewport: { width: innerWidth, height: innerHeight },
    play: box('button#play'),
    caption: box('#caption'),
    next: box('#caption-next'),
    stage: box('#stage'),
    area: box('.stage-area'),
  };
}

const inside = (b, v) => b && b.top >= -0.5 && b.left >= -0.5 && b.bottom <= v.height + 0.5 && b.right <= v.width + 0.5;

for (const size of SIZES) {
  test(`${size.name}: node text >= ${MIN_PX} px and the controls inside the viewport`, async (t) => {
    const { name, path, viewport, ...options } = size;
    for (const slug of LESSONS) {
      const { page, shot, finish } = await openPage(t, { urlPath: path + slug, viewport, ...options });
      await waitForApp(page);
      await page.locator('#caption').waitFor({ state: 'visible' });
      // A busy moment: messages in flight.
      for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
      const m = await page.evaluate(measure);
      if (process.env.SIZES_REPORT === '1') console.log(JSON.stringify({ size: name, slug, ...m }));
      if (slug === LESSONS[0]) await shot(`size-${name}`, { fullPage: false });
      assert.ok(m.texts >= 4, `${name} ${slug}: no node text measured`);
      assert.ok(m.minPx >= MIN_PX, `${name} ${slug}: node text ${m.minPx.toFixed(2)} px`);
      for (const what of ['play', 'caption', 'next']) {
        assert.ok(inside(m[what], m.viewport), `${name} ${slug}: ${what} outside the viewport: ${JSON.stringify(m[what])}`);
      }
      assert.ok(m.stage.top < m.viewport.height - 120, `${name} ${slug}: the stage starts below the first screen`);
      // On a phone the stage takes at least the lower 40% of the first screen (it began at 693 of
      // 812 px before the phone layout of www/style.css).
      if (name.startsWith('phone')) assert.ok(m.stage.top <= m.viewport.height * 0.6, `${name} ${slug}: the stage starts at ${m.stage.top} px`);
      if (name.startsWith('projector')) assert.ok(m.stage.bottom <= m.viewport.height, `${name} ${slug}: the stage is cut off`);
      await finish();
    }
  });
}
