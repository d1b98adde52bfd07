// One dialog system (src/ui/dialog.rs) for every dialog: it is a labelled, modal dialog; focus
// moves into it when it opens; Tab and Shift+Tab stay inside it (also from outside it); keys do
// not drive the run behind it; Escape and a click on the backdrop close it; focus returns to the
// button that opened it (or, opened from the keyboard on the page's body, to its header button).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

// opener, dialog, heading
const DIALOGS = [
  ['#copy-link', '#share', 'Share this run'],
  ['#open-lessons', '#lessons', 'Lessons'],
  ['#open-embed', '#embed', 'Embed this run'],
  ['#open-config', '#config', 'Configure a new world'],
  ['#open-check', '#check', 'Check every interleaving'],
  ['#open-help', '#help', 'How to read this page'],
];

const focusInside = (page, dialog) => page.evaluate((sel) => document.querySelector(sel).contains(document.activeElement), dialog);
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

test('every dialog: modal, labelled, keeps focus, closes with Escape and the backdrop, returns focus', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  for (const [opener, dialog, heading] of DIALOGS) {
    await page.locator(opener).click();
    const box = page.locator(dialog);
    await box.waitFor({ state: 'visible' });
    assert.equal(await page.locator('[role="dialog"]').count(), 1, `${dialog}: one dialog at a time`);
    assert.equal(await box.getAttribute('role'), 'dialog');
    assert.equal(await box.getAttribute('aria-modal'), 'true');
    const label = await page.evaluate((sel) => {
      const ids = document.querySelector(sel).getAttribute('aria-labelledby').split(' ');
      return ids.map((id) => document.getElementById(id)?.textContent).join(' ');
    }, dialog);
    assert.equal(label, heading, `${dialog} is labelled by its heading`);
    assert.ok(await focusInside(page, dialog), `${dialog}: focus moved into the dialog`);

    // Tab forward through more controls than the dialog has, then back: focus never leaves.
    const controls = await box.locator('button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea').count();
    for (let i = 0; i < controls + 2; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await focusInside(page, dialog), `${dialog}: Tab left the dialog after ${i + 1} presses`);
    }
    for (let i = 0; i < controls + 2; i++) {
      await page.keyboard.press('Shift+Tab');
      assert.ok(await focusInside(page, dialog), `${dialog}: Shift+Tab left the dialog after ${i + 1} presses`);
    }
    // Focus fallen out of the dialog (a click on its text) comes back in with Tab.
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('Tab');
    assert.ok(await focusInside(page, dialog), `${dialog}: Tab from the body goes into the dialog`);
    // Keys do not step the run behind the dialog.
    const step = await clockStep(page);
    await page.locator(`${dialog} .dialog-close`).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await clockStep(page), step, `${dialog}: ArrowRight stepped the run behind the dialog`);
    await shot(`dialogs-${dialog.slice(1)}`, { fullPage: false });

    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    assert.equal('#' + (await focusedId(page)), opener, `${dialog}: Escape returns focus to its opener`);

    // The backdrop closes it too; a click inside does not.
    await page.locator(opener).click();
    await box.waitFor({ state: 'visible' });
    await box.locator('h2').click();
    assert.ok(await box.isVisible(), `${dialog}: a click inside closed it`);
    await page.mouse.click(5, 5); // the backdrop covers the page
    await box.waitFor({ state: 'detached' });
    assert.equal('#' + (await focusedId(page)), opener, `${dialog}: closing returns focus to its opener`);
  }
  await finish();
});

test('a dialog opened from the keyboard on the page returns focus to its header button', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  for (const [key, dialog, opener] of [['m', '#check', 'open-check'], ['?', '#help', 'open-help']]) {
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press(key);
    await page.locator(dialog).waitFor({ state: 'visible' });
    assert.ok(await focusInside(page, dialog));
    await page.keyboard.press('Escape');
    await page.locator(dialog).waitFor({ state: 'detached' });
    assert.equal(await focusedId(page), opener);
  }
  await finish();
});
