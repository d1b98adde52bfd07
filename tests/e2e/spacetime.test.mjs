// Issue 11: the space-time diagram shows the whole run on request (zoom out, scroll back, a count
// of the events before the window), a second quorum for the value chosen before reads "still";
// the exports are one click away in the header and carry the run's title, seed and trace hash;
// lesson cards keep what a lesson demonstrates behind a toggle.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { openPage, waitForApp, pause, clockStep, RESULTS, stopServer } from './lib/harness.mjs';

after(stopServer);

const marks = (page) => page.locator('#spacetime-marks .st-chosen').evaluateAll((els) => els.map((e) => e.textContent));
const axis = (page) => page.locator('#spacetime .st-axis text:not(.st-axis-name)').evaluateAll((els) => els.map((e) => Number(e.textContent)));
const panelShot = async (page, name) => {
  await mkdir(RESULTS, { recursive: true });
  await page.locator('.spacetime-panel').screenshot({ path: path.join(RESULTS, `${name}.png`) });
};

async function partitionAtTheEnd(t, options = {}) {
  const opened = await openPage(t, { urlPath: '#lesson=partition', ...options });
  await waitForApp(opened.page);
  await pause(opened.page);
  await opened.page.locator('#lesson-end').click();
  return opened;
}

test('after the partition heals, the diagram says "still"; zooming out shows what the window left out', async (t) => {
  const { page, shot, finish } = await partitionAtTheEnd(t);
  const earlier = page.locator('#st-earlier');
  assert.ok(Number(await earlier.getAttribute('data-count')) > 10, 'the window starts well into the run');
  assert.match(await earlier.innerText(), /^Earlier: \d+ events, scroll back$/);
  assert.deepEqual(await marks(page), ['still "B" (quorum at 3.0)'], 'a second quorum for "B" is no new choice');
  assert.ok(Math.min(...(await axis(page))) > 0);
  // The chosen markers are drawn over the veil of the future (the last layer of the stack).
  assert.equal(await page.locator('.spacetime-stack > svg:last-child').getAttribute('id'), 'spacetime-marks');
  await panelShot(page, 'spacetime-1-window-still');

  const out = page.locator('#st-zoom-out');
  for (let i = 0; i < 6 && (await out.isEnabled()); i++) await out.click();
  assert.equal(await out.isDisabled(), true, 'zoomed out as far as it goes');
  assert.match(await page.locator('#st-range').innerText(), /^Whole run: \d+ ticks$/);
  assert.equal(Math.min(...(await axis(page))), 0, 'the whole run starts at t=0');
  assert.equal(await earlier.count(), 0, 'nothing is left out');
  assert.deepEqual(await marks(page), ['"B" chosen at 1.1', 'still "B" (quorum at 3.0)']);
  await panelShot(page, 'spacetime-2-whole-run');
  await shot('spacetime-2-whole-run-page', { fullPage: false });

  // Back in, then scroll back with the keyboard: the earlier events come into view.
  const zoomIn = page.locator('#st-zoom-in');
  while (await zoomIn.isEnabled()) await zoomIn.click();
  const before = Number(await earlier.getAttribute('data-count'));
  const start = Math.min(...(await axis(page)));
  await earlier.focus();
  await page.keyboard.press('Enter');
  assert.ok(Math.min(...(await axis(page))) < start, 'the window moved back');
  assert.ok(Number(await earlier.getAttribute('data-count')) <= before, 'no more events are before it');
  const later = page.locator('#st-later');
  assert.match(await later.innerText(), /^Later: \d+ events$/);
  while ((await earlier.count()) > 0) await earlier.click();
  assert.equal(Math.min(...(await axis(page))), 0);
  assert.deepEqual(await marks(page), ['"B" chosen at 1.1'], 'scrolled back to the first decision');
  await panelShot(page, 'spacetime-3-scrolled-back');
  while ((await later.count()) > 0) await later.click();
  assert.deepEqual(await marks(page), ['still "B" (quorum at 3.0)'], 'following the clock again');
  await finish();
});

test('the Export… menu saves the diagram and the stage as SVG and PNG with the title, seed and trace hash', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  for (let i = 0; i < 12; i++) await page.locator('button#step-forward').click();
  const hash = await page.locator('#trace-hash').innerText();
  const step = await clockStep(page);
  const title = await page.locator('.scenario-title').innerText();
  await page.locator('#export-menu > summary').click();
  const save = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(id).click()]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    return { name: download.suggestedFilename(), body: Buffer.concat(chunks) };
  };
  const facts = new RegExp(`>seed \\d+ · trace hash ${hash} · step ${step} at t=\\d+</text>`);
  const diagram = await save('#menu-svg');
  assert.equal(diagram.name, 'two-proposers-one-value.svg');
  const svg = diagram.body.toString();
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes(`>${title}</text>`), 'the title');
  assert.match(svg, facts);
  for (const name of ['Prepare', 'Promise', 'Accept', 'Accepted', 'chosen']) assert.ok(svg.includes(`>${name}</text>`), `legend: ${name}`);
  assert.match(svg, /id="spacetime"/);
  assert.match(svg, /stroke:\s*rgb/, 'computed colours are inlined');
  const stage = await save('#menu-stage-svg');
  assert.equal(stage.name, 'two-proposers-one-value-stage.svg');
  assert.match(stage.body.toString(), facts);
  assert.match(stage.body.toString(), /id="stage"/);
  assert.ok(stage.body.toString().includes(`>${title}</text>`));
  for (const id of ['#menu-png', '#menu-stage-png']) {
    const png = await save(id);
    assert.deepEqual([...png.body.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], `${id}: a PNG file`);
    assert.ok(png.body.length > 5000, `${id}: the PNG has content (${png.body.length} bytes)`);
  }
  await finish();
});

test('lesson cards keep what a lesson demonstrates behind a toggle', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await page.locator('#open-lessons').click();
  const first = page.locator('#lesson-list li').first();
  const spoiler = first.locator('.lesson-expect');
  assert.equal(await spoiler.isVisible(), false, 'hidden until asked');
  assert.equal(await page.locator('#lesson-list .lesson-expect:visible').count(), 0);
  await first.locator('summary').focus();
  await page.keyboard.press('Enter');
  assert.equal(await spoiler.isVisible(), true);
  assert.match(await spoiler.innerText(), /^Shows: .* at step \d+/);
  await finish();
});

for (const [scheme, viewport, label] of [
  ['light', { width: 1280, height: 800 }, 'desktop-light'],
  ['dark', { width: 1280, height: 800 }, 'desktop-dark'],
  ['light', { width: 375, height: 812 }, 'phone-light'],
  ['dark', { width: 375, height: 812 }, 'phone-dark'],
]) {
  test(`screenshots: the whole run and the export menu (${label})`, async (t) => {
    const { page, shot, finish } = await partitionAtTheEnd(t, { viewport, colorScheme: scheme });
    await panelShot(page, `spacetime-4-${label}-window`);
    await page.locator('#st-zoom-out').click();
    await page.locator('#st-zoom-out').click();
    await panelShot(page, `spacetime-4-${label}-whole`);
    await page.locator('#export-menu > summary').click();
    assert.ok(await page.locator('#menu-stage-png').isVisible());
    const box = await page.locator('.export-pop').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `the menu is on screen: ${JSON.stringify(box)}`);
    await shot(`spacetime-5-${label}-export-menu`, { fullPage: false });
    await finish();
  });
}
