// The help (src/ui/help.rs) and presentation mode (src/ui/shortcuts.rs, www/style.css).
// - A first visit to the bare page opens the help by itself, once; links, lessons, embeds and
//   presentation mode never do. "?" opens it; its invitation opens the first lesson.
// - Presentation mode (f, ?present; Esc leaves): the stage fills the screen under the caption and
//   the time controls, the panels are hidden, and PageDown/PageUp, n/p and the arrows turn a
//   lesson's captions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

const counterIs = (page, text) =>
  page.waitForFunction((t) => document.querySelector('#caption-counter')?.textContent === t, text);
const presenting = (page) => page.evaluate(() => document.querySelector('main#playground').classList.contains('present'));

test('a first visit to the bare page opens the help, and the next visit does not', async (t) => {
  const { page, shot, finish } = await openPage(t, { firstVisit: true });
  await waitForApp(page);
  const help = page.locator('#help');
  await help.waitFor({ state: 'visible' });
  assert.equal(await page.locator('#help-title').innerText(), 'How to read this page');
  // What it explains, from index.html's template: ballots, message kinds, twins, drops, crashes,
  // ticks, the safety panel.
  const text = await help.innerText();
  for (const words of [/round r of proposer n/, /Prepare/, /Accepted/, /Twins/, /Drops/, /Crashed nodes/, /ticks/, /safety panel/]) {
    assert.match(text, words);
  }
  // The shortcuts table is the key table itself: the new keys are in it.
  const keys = await help.locator('table.shortcuts kbd').allInnerTexts();
  for (const key of ['PgDn', 'n', 'PgUp', 'p', 'f', '?', 'Esc']) assert.ok(keys.includes(key), `${key} is listed`);
  assert.ok(await page.evaluate(() => document.querySelector('#help').contains(document.activeElement)), 'focus is in the help');
  assert.match(await page.locator('#run-status').innerText(), /dialog is open/, 'the run waits behind the help');
  await shot('help-0-first-visit', { fullPage: false });
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');

  await page.reload();
  await waitForApp(page);
  await page.waitForTimeout(800);
  assert.equal(await page.locator('[role="dialog"]').count(), 0, 'the help opened again on the second visit');
  await finish();
});

test('"?" opens the help, and its invitation opens the first lesson', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  assert.equal(await page.locator('[role="dialog"]').count(), 0, 'a visitor who has seen the help is not shown it again');
  await page.locator('#open-help').click();
  await page.locator('#help').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.locator('#help').waitFor({ state: 'detached' });
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('?');
  await page.locator('#help').waitFor({ state: 'visible' });
  await page.locator('#help-lesson').click();
  await page.locator('#help').waitFor({ state: 'detached' });
  await page.locator('#caption-bar').waitFor({ state: 'visible' });
  assert.equal(new URL(page.url()).hash, '#lesson=happy-path');
  assert.equal(await page.locator('#lesson-expect').getAttribute('data-lesson'), 'happy-path');
  assert.equal(await page.locator('#caption-counter').innerText(), '1 of 10');
  await shot('help-1-first-lesson', { fullPage: false });
  await finish();
});

for (const urlPath of ['#lesson=happy-path', '?lesson=partition', '?embed', '?embed&lesson=happy-path', '?present']) {
  test(`a first visit to ${urlPath} does not open the help`, async (t) => {
    const { page, finish } = await openPage(t, { urlPath, firstVisit: true });
    await waitForApp(page);
    await page.waitForTimeout(800);
    assert.equal(await page.locator('[role="dialog"]').count(), 0);
    await finish();
  });
}

test('presentation mode: f toggles it, and the caption keys drive a lesson', async (t) => {
  const { page, finish } = await openPage(t, { urlPath: '#lesson=happy-path', viewport: { width: 1280, height: 720 } });
  await waitForApp(page);
  await page.keyboard.press('f');
  assert.ok(await presenting(page), 'f presents');
  for (const hidden of ['.panels', '.side-area', '#open-config']) {
    assert.ok(!(await page.locator(hidden).isVisible()), `${hidden} is hidden while presenting`);
  }
  for (const shown of ['#caption', '#caption-next', 'button#play', '#clock', '#leave-present']) {
    assert.ok(await page.locator(shown).isVisible(), `${shown} stays visible`);
  }
  // The stage fills what the caption and the controls leave, all in the screen.
  const stage = await page.locator('#stage').boundingBox();
  assert.ok(stage.height > 720 * 0.4, `the stage is ${stage.height} px high`);
  assert.ok(stage.y + stage.height <= 720 + 1, 'the stage fits in the screen');

  await counterIs(page, '1 of 10');
  await page.keyboard.press('PageDown');
  await counterIs(page, '2 of 10');
  await page.keyboard.press('PageDown'); // plays on, animated, and pauses at the caption
  await counterIs(page, '3 of 10');
  await page.waitForFunction(() => document.querySelector('button#play').getAttribute('aria-pressed') === 'false');
  await page.keyboard.press('PageUp');
  await counterIs(page, '2 of 10');
  await page.keyboard.press('ArrowRight'); // presenting a lesson, the arrows turn captions
  await counterIs(page, '3 of 10');
  await page.waitForFunction(() => document.querySelector('button#play').getAttribute('aria-pressed') === 'false');
  await page.keyboard.press('ArrowLeft');
  await counterIs(page, '2 of 10');
  await page.keyboard.press('n');
  await counterIs(page, '3 of 10');
  await page.waitForFunction(() => document.querySelector('button#play').getAttribute('aria-pressed') === 'false');
  await page.keyboard.press('p');
  await counterIs(page, '2 of 10');

  await page.keyboard.press('f');
  assert.ok(!(await presenting(page)), 'f again leaves');
  assert.ok(await page.locator('.panels').isVisible());
  // Outside presentation mode the arrows step one event at once, as before (Next would play on,
  // animated, for a second before the step changed).
  const step = await clockStep(page);
  await page.keyboard.press('ArrowRight');
  assert.equal(await clockStep(page), step + 1);
  assert.equal(await page.locator('button#play').getAttribute('aria-pressed'), 'false');
  await finish();
});

for (const scheme of ['light', 'dark']) {
  test(`?present with a lesson opens presenting; Esc and the button leave (${scheme})`, async (t) => {
    const { page, shot, finish } = await openPage(t, {
      urlPath: '?present&lesson=happy-path',
      viewport: { width: 1280, height: 720 },
      colorScheme: scheme,
    });
    await waitForApp(page);
    assert.ok(await presenting(page), '?present presents');
    await page.keyboard.press('PageDown');
    await counterIs(page, '2 of 10');
    await page.keyboard.press('PageDown');
    await counterIs(page, '3 of 10');
    await page.waitForFunction(() => document.querySelector('button#play').getAttribute('aria-pressed') === 'false');
    await shot(`help-present-${scheme}`, { fullPage: false });
    await page.keyboard.press('Escape');
    assert.ok(!(await presenting(page)), 'Esc leaves');
    await page.keyboard.press('f');
    assert.ok(await presenting(page));
    await page.locator('#leave-present').click();
    assert.ok(!(await presenting(page)), 'the button leaves');
    await finish();
  });

  test(`the help on a phone (${scheme})`, async (t) => {
    const { page, shot, finish } = await openPage(t, { firstVisit: true, viewport: { width: 375, height: 812 }, colorScheme: scheme, isMobile: true, hasTouch: true });
    await waitForApp(page);
    await page.locator('#help').waitFor({ state: 'visible' });
    const width = await page.evaluate(() => document.querySelector('#help').getBoundingClientRect().width);
    assert.ok(width <= 375, `the help is ${width} px wide on a 375 px screen`);
    assert.ok(await page.locator('#help-lesson').isVisible(), 'the invitation is on the first screen');
    await shot(`help-phone-${scheme}`, { fullPage: false });
    await page.locator('#help-lesson').scrollIntoViewIfNeeded();
    await page.locator('#help table.shortcuts').scrollIntoViewIfNeeded();
    await shot(`help-phone-shortcuts-${scheme}`, { fullPage: false });
    await finish();
  });
}
