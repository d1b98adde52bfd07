// The Multi-Paxos mode teaches as the single-decree page does (issue 10): Play in a lesson
// pauses at each caption and the status line says so; the "?" key and the header's "?" button
// list this mode's shortcuts, which work, and the log's cells are reached and opened by keyboard;
// a phone (375 x 812) draws the narrow stage, whose smallest text is at least 11 CSS pixels,
// lists the nodes' lines under it, does not scroll sideways, and keeps the space-time diagram's
// lane names in view when it scrolls; presentation mode (f, ?present; Esc leaves). One page for
// the file; screenshots light and dark. Then prediction prompts in the lessons (answered wrong by
// keyboard, right by a click) and a teacher's caption, which the copied link carries to a new page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, stopServer, baseUrl } from './lib/harness.mjs';

after(stopServer);

const FIRST_FRAME = 'main#multi #mstage .m-node.replica';
const step = async (page) => Number(await page.locator('main#multi').getAttribute('data-step'));
const playing = async (page) => (await page.locator('#mplay').getAttribute('aria-pressed')) === 'true';

async function openLesson(page, slug) {
  await page.goto('about:blank');
  await page.goto(`${await baseUrl()}#mode=multi&lesson=${slug}`);
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
}

/** Seeks the paused run to `s` with the scrubber, as a person drags it (past the recorded end too). */
async function seek(page, s) {
  await page.locator('#mscrub').evaluate((e, v) => {
    e.max = String(Math.max(Number(e.max), v));
    e.value = String(v);
    e.dispatchEvent(new Event('input', { bubbles: true }));
  }, s);
  await page.locator(`main#multi[data-step="${s}"]`).waitFor();
}

/** Presses Play and waits until the run stops by itself. */
async function playUntilItStops(page) {
  await page.locator('#mplay').click();
  await page.locator('#mplay[aria-pressed="false"]').waitFor({ timeout: 30_000 });
}

/** The smallest text on the stage, in CSS pixels as drawn: each text's font size times the scale. */
function smallestStageText() {
  const svg = document.querySelector('#mstage');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')]
    .filter((t) => t.getBBox().width > 0 && getComputedStyle(t).display !== 'none')
    .map((t) => ({ px: parseFloat(getComputedStyle(t).fontSize) * scale, text: t.textContent }));
  sizes.sort((a, b) => a.px - b.px);
  return { scale, count: sizes.length, smallest: sizes[0] };
}

test('Multi-Paxos teaches as single-decree does: captions, keys and help, a phone', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#mode=multi', viewport: { width: 1280, height: 800 } });
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });

  await t.test('Play in a lesson narrates up to the next caption and pauses exactly there', async () => {
    await openLesson(page, 'multi-electing-a-leader');
    assert.equal(await page.locator('#mstatus').innerText(), '', 'no status before Play');
    await page.locator('#mspeed').fill(await page.locator('#mspeed').getAttribute('max'));
    await playUntilItStops(page);
    assert.equal(await step(page), 10);
    assert.match(await page.locator('#mcaption').innerText(), /^r2's timeout runs out first/);
    assert.equal(await page.locator('#mstatus').innerText(), 'Paused at caption 2 of 4: read it, then press Play (or Step) to go on.');
    await playUntilItStops(page);
    assert.equal(await step(page), 11, 'a caption one step (and no tick) later is read too');
    assert.match(await page.locator('#mcaption').innerText(), /^A moment later r4's runs out too/);
    await playUntilItStops(page);
    assert.equal(await step(page), 25);
    assert.match(await page.locator('#mstatus').innerText(), /^Paused at the last caption \(4 of 4\)/);
    // Step clears the status; after the last caption Play runs on.
    await page.locator('#mfwd').click();
    assert.equal(await page.locator('#mstatus').innerText(), '');
    await page.locator('#mplay').click();
    await page.waitForFunction(() => Number(document.querySelector('main#multi').dataset.step) > 40);
    assert.equal(await playing(page), true, 'free play after the story');
    await page.locator('#mplay').click();
  });

  await t.test('the ? key and button list the shortcuts, which work, and the log is reached by keyboard', async () => {
    await openLesson(page, 'multi-steady-state');
    await seek(page, 60);
    await page.locator('body').press('?');
    const dialog = page.locator('#mhelp-dialog');
    await dialog.waitFor();
    const keys = await dialog.locator('#mshortcuts th').allInnerTexts();
    assert.deepEqual(keys.map((k) => k.replace(/\s+/g, ' ').trim()), ['Space', '→', '←', 'Home', 'End', 'd', 't', 'f', '?', 'Esc']);
    assert.ok((await dialog.locator('#mfocus-keys tr').count()) >= 4, 'the log and stage keys');
    await shot('multi-teach-help-desktop-light', { fullPage: false });
    await page.keyboard.press('Escape');
    assert.equal(await dialog.count(), 0, 'Esc closes the help');
    await page.locator('#mhelp').click();
    await dialog.waitFor();
    await page.keyboard.press('Space');
    assert.equal(await playing(page), false, 'keys do not reach the run behind the dialog');
    await page.keyboard.press('Escape');
    // The keys the help lists.
    await page.locator('body').press('Home');
    assert.equal(await step(page), 0);
    await page.locator('body').press('End');
    assert.equal(await step(page), 60, 'the end of the recorded run');
    await page.locator('body').press('ArrowLeft');
    assert.equal(await step(page), 59);
    await page.locator('body').press('ArrowRight');
    assert.equal(await step(page), 60);
    await page.locator('body').press('d');
    assert.match(await page.locator('#merror').innerText(), /Select a message in flight first/);
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.locator('body').press('t');
    assert.notEqual(await page.evaluate(() => document.documentElement.dataset.theme), before);
    await page.locator('body').press('t');
    // The log: one Tab stop per strip; the arrows move along it and between strips; Enter opens
    // the slot's history.
    const first = page.locator('#mlog .m-row[data-replica="0"] .m-cell').first();
    assert.equal(await first.getAttribute('tabindex'), '0');
    assert.equal(await page.locator('#mlog .m-cell[tabindex="0"]').count(), 5, 'a Tab stop per replica');
    await first.focus();
    const slot0 = Number(await first.getAttribute('data-slot'));
    const focused = () => page.evaluate(() => {
      const e = document.activeElement;
      return { slot: Number(e.dataset.slot), replica: e.parentElement.dataset.replica, outline: getComputedStyle(e).outlineStyle };
    });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await focused(), { slot: slot0 + 2, replica: '0', outline: 'solid' });
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await focused(), { slot: slot0 + 2, replica: '1', outline: 'solid' });
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focused()).slot, slot0 + 1);
    assert.equal(await step(page), 60, 'the arrows on a cell move the focus, not the run');
    await page.keyboard.press('Enter');
    await page.locator(`#minspector[data-slot="${slot0 + 1}"]`).waitFor();
    assert.match(await page.locator('#minspector h2').innerText(), new RegExp(`${slot0 + 1}`));
  });

  await t.test('a phone draws the narrow stage with text at least 11 pixels, and sticky lane names', async () => {
    await openLesson(page, 'multi-leader-crash');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.locator('#mstage.narrow').waitFor();
    await seek(page, 230);
    const text = await page.evaluate(smallestStageText);
    assert.ok(text.count >= 8, `texts on the stage: ${text.count}`);
    assert.ok(text.smallest.px >= 11, `"${text.smallest.text}" is ${text.smallest.px.toFixed(1)}px (scale ${text.scale.toFixed(2)})`);
    assert.ok(await page.locator('#mstage .m-tlabel').count() > 0, 'messages with labels at step 230');
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(width <= 375, `the page is ${width}px wide`);
    // The nodes' lines, under the stage.
    assert.equal(await page.locator('#mnode-lines li').count(), 8);
    assert.match(await page.locator('#mnode-lines li[data-node="4"]').innerText(), /^r4 crashed/);
    assert.equal(await page.locator('#mstage .m-node .field').count(), 0, 'no lines under the nodes on the narrow stage');
    for (const scheme of ['light', 'dark']) {
      if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== scheme) await page.locator('#mtheme').click();
      await page.locator('#mstage').scrollIntoViewIfNeeded();
      await shot(`multi-teach-phone-stage-${scheme}`, { fullPage: false });
    }
    // The space-time diagram scrolled sideways keeps its lane names in view.
    const scroller = page.locator('#mst-scroll');
    await scroller.scrollIntoViewIfNeeded();
    await scroller.evaluate((e) => { e.scrollLeft = e.scrollWidth; });
    const names = await page.evaluate(() => {
      const box = document.querySelector('#mst-scroll').getBoundingClientRect();
      return [...document.querySelectorAll('.m-st-names span')].map((s) => {
        const r = s.getBoundingClientRect();
        return { text: s.textContent, inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5, px: parseFloat(getComputedStyle(s).fontSize) };
      });
    });
    assert.ok((await scroller.evaluate((e) => e.scrollLeft)) > 100, 'the diagram scrolls sideways on a phone');
    assert.deepEqual(names.map((n) => n.text), ['r0', 'r1', 'r2', 'r3', 'r4', 'c0', 'c1', 'c2']);
    assert.ok(names.every((n) => n.inside && n.px >= 11), JSON.stringify(names));
    await shot('multi-teach-phone-spacetime-dark', { fullPage: false });
    // Wide again: the wide stage, the lines under its nodes.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('#mstage:not(.narrow) .m-node .field').first().waitFor();
    assert.equal(await page.locator('#mnode-lines').count(), 0);
  });

  await t.test('presentation mode: larger text, the stage fills the screen, Esc leaves', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openLesson(page, 'multi-leader-crash');
    await seek(page, 233);
    const before = await page.locator('#mcaption').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    await page.locator('body').press('f');
    await page.locator('main#multi.m-present').waitFor();
    for (const hidden of ['#mlog', '#mspacetime', '.m-tools', '.m-side', '#mexport', '#mpresent', '#mcopy']) {
      assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} shows while presenting`);
    }
    for (const shown of ['#mcaption', '#mplay', '#mfwd', '#mleave-present', '#mtheme']) {
      assert.ok(await page.locator(shown).isVisible(), `${shown} is hidden while presenting`);
    }
    const after = await page.locator('#mcaption').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(after >= before * 1.3, `caption ${before}px, presenting ${after}px`);
    const fill = await page.evaluate(() => {
      const r = document.querySelector('#mstage').getBoundingClientRect();
      return { bottom: r.bottom, height: r.height, width: r.width, page: document.scrollingElement.scrollHeight };
    });
    assert.ok(fill.height >= 0.5 * 900 && fill.page <= 900 + 1, `the stage does not fill the screen: ${JSON.stringify(fill)}`);
    for (const scheme of ['light', 'dark']) {
      if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== scheme) await page.locator('#mtheme').click();
      await shot(`multi-teach-present-${scheme}`, { fullPage: false });
    }
    await page.locator('body').press('f');
    assert.equal(await page.locator('main#multi.m-present').count(), 0, 'f again leaves');
    await page.locator('#mpresent').click();
    await page.locator('main#multi.m-present').waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('main#multi.m-present').count(), 0, 'Esc leaves');
    // ?present opens a lesson presenting.
    await page.goto(`${await baseUrl()}?present#mode=multi&lesson=multi-steady-state`);
    await page.locator('main#multi.m-present #mstage .m-node.replica').first().waitFor();
  });

  await finish();
});

/** The page is no wider than its viewport, and each of these is inside it. */
async function fitsTheWidth(page, selectors) {
  const width = page.viewportSize().width;
  assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= width, 'no sideways scrolling');
  for (const sel of selectors) {
    for (const box of await page.locator(sel).evaluateAll((es) => es.map((e) => e.getBoundingClientRect().toJSON()))) {
      assert.ok(box.left >= 0 && box.right <= width + 0.5 && box.width > 0, `${sel} is cut off: ${JSON.stringify(box)}`);
    }
  }
}

/** Shoots the part in view in both themes, with the keyboard on `focus` if given; the page is
 * left in the light theme. */
async function shootBoth(page, shot, name, selector, focus) {
  for (const scheme of ['dark', 'light']) {
    // The t key, not a click: after a key the focus moved by a script is drawn (:focus-visible).
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== scheme) {
      await page.evaluate(() => document.activeElement?.blur()); // not a t typed into the caption
      await page.locator('body').press('t');
    }
    if (focus) await page.locator(focus).focus();
    await page.locator(selector).scrollIntoViewIfNeeded();
    await shot(`${name}-${scheme}`, { fullPage: false });
  }
}

test('Multi-Paxos lessons ask before they tell, and a teacher\'s caption travels in the link', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#mode=multi', viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });

  await t.test('a prompt answered wrong by keyboard says so, with the answer and why; Play goes on', async () => {
    await openLesson(page, 'multi-leader-crash');
    await seek(page, 213);
    assert.equal(await page.locator('#prompt').count(), 0, 'no question before its caption');
    await seek(page, 214);
    await page.locator('#prompt').waitFor({ state: 'visible' });
    assert.match(await page.locator('#prompt-question').innerText(), /^Predict: r4 had write z=6 accepted in slot 7 .* what will it put in slot 7\?$/);
    const choices = page.locator('#prompt .prompt-choice');
    assert.deepEqual(await choices.allInnerTexts(), ["write z=6 again, r4's command", 'A no-op, to close the gap', "The next client's new command"]);
    assert.equal(await page.locator('#prompt-answer').count(), 0, 'the answer waits for a pick');
    await choices.nth(1).focus();
    assert.equal(await choices.nth(1).evaluate((e) => getComputedStyle(e).outlineStyle), 'solid', 'a visible focus');
    await shootBoth(page, shot, 'multi-teach-prompt-asked-desktop', '#mteach', '#prompt .prompt-choice[data-edit="1"]');
    await page.keyboard.press('Enter');
    const answer = page.locator('#prompt-answer');
    await answer.waitFor();
    assert.equal(await answer.getAttribute('data-state'), 'wrong');
    assert.match(await answer.innerText(), /^Not quite: the answer is write z=6 again, r4's command\. r3's promises report/);
    assert.equal(await choices.nth(1).getAttribute('aria-pressed'), 'true');
    assert.ok(await choices.nth(0).isDisabled(), 'one pick per question');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'mplay', 'the keyboard goes on from Play');
    await shootBoth(page, shot, 'multi-teach-prompt-wrong-desktop', '#mteach', '#mplay');
    // Play goes on to the caption that tells, and pauses there; the question is gone.
    await page.keyboard.press('Enter');
    await page.locator('#mplay[aria-pressed="false"]').waitFor({ timeout: 30_000 });
    assert.equal(await step(page), 233);
    assert.match(await page.locator('#mcaption').innerText(), /^r3 leads with 2\.3\. The promises reported what r4 had got accepted/);
    assert.equal(await page.locator('#prompt').count(), 0);
  });

  await t.test('Play pauses at a question; a prompt answered right, on a phone', async () => {
    await openLesson(page, 'multi-dueling-leaders');
    await page.locator('#mspeed').fill(await page.locator('#mspeed').getAttribute('max'));
    await playUntilItStops(page);
    await playUntilItStops(page);
    assert.equal(await step(page), 13);
    assert.equal(await page.locator('#mstatus').innerText(), 'Paused at caption 3 of 4, a question: pick an answer, then press Play (or Step) to go on.');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.locator('#mstage.narrow').waitFor();
    await fitsTheWidth(page, ['#prompt', '#prompt .prompt-choice', '#caption-add']);
    await shootBoth(page, shot, 'multi-teach-prompt-asked-phone', '#mteach');
    await page.locator('#prompt .prompt-choice', { hasText: 'r4' }).click();
    assert.equal(await page.locator('#prompt-answer').getAttribute('data-state'), 'right');
    assert.match(await page.locator('#prompt-answer').innerText(), /^Right: r4: its ballot is the highest\. Each replica promises/);
    await fitsTheWidth(page, ['#prompt-answer']);
    await shootBoth(page, shot, 'multi-teach-prompt-right-phone', '#mteach');
    // Going on without a pick reveals the answer too: Step once past a question.
    await page.setViewportSize({ width: 1440, height: 900 });
    await openLesson(page, 'multi-leases');
    await seek(page, 381);
    await page.locator('#mfwd').click();
    assert.equal(await page.locator('#prompt-answer').getAttribute('data-state'), 'shown');
    assert.match(await page.locator('#prompt-answer').innerText(), /^The answer: x=1, from r4's own store\./);
  });

  await t.test('a teacher adds a caption; the copied link opens with it; it is edited and deleted', async () => {
    await page.goto('about:blank');
    await page.goto(`${await baseUrl()}#mode=multi`);
    await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
    assert.equal(await page.locator('#mcaption').count(), 0, 'the default run has no captions');
    if (await playing(page)) await page.locator('#mplay').click();
    await seek(page, 40);
    await page.locator('#caption-add').click();
    assert.equal(await page.locator('label[for="caption-text"]').innerText(), 'Caption shown from step 40 on');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'caption-text', 'the keyboard goes to the text');
    await page.locator('#caption-text').fill('x'.repeat(2001));
    await page.locator('#caption-save').click();
    assert.match(await page.locator('#caption-error').innerText(), /at most 2000 bytes/);
    const text = 'Look: <b>r4</b> leads & pipelines "three" slots.';
    await page.locator('#caption-text').fill(text);
    await shootBoth(page, shot, 'multi-teach-editor-desktop', '#mteach', '#caption-text');
    await page.setViewportSize({ width: 375, height: 812 });
    await fitsTheWidth(page, ['#caption-editor', '#caption-save', '#caption-cancel', '#caption-error']);
    await shootBoth(page, shot, 'multi-teach-editor-phone', '#mteach', '#caption-text');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('#caption-save').click();
    assert.equal(await page.locator('#mcaption').innerText(), text);
    assert.equal(await page.locator('#mcaption b').count(), 0, 'markup in a caption stays text');
    assert.equal(await page.locator('#caption-add').innerText(), 'Edit the caption at this step');
    await shootBoth(page, shot, 'multi-teach-caption-added-desktop', '#mteach');

    await page.locator('#mcopy').click();
    const link = await page.locator('#mlink').inputValue();
    assert.match(link, /#mode=multi&m=A3/, 'a link of format 3');
    const other = await openPage(t, { urlPath: link.slice(link.indexOf('#')), viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await other.page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
    assert.equal(await step(other.page), 40);
    assert.equal(await other.page.locator('#mcaption').innerText(), text);
    await other.shot('multi-teach-caption-opened-dark', { fullPage: false });
    await other.page.locator('#caption-add').click();
    assert.equal(await other.page.locator('#caption-text').inputValue(), text);
    await other.page.locator('#caption-text').fill('Edited.');
    await other.page.locator('#caption-save').click();
    assert.equal(await other.page.locator('#mcaption').innerText(), 'Edited.');
    await other.page.locator('#caption-add').click();
    await other.page.locator('#caption-delete').click();
    await other.page.locator('#mcaption').waitFor({ state: 'detached' });
    assert.equal(await other.page.locator('#caption-add').innerText(), 'Add a caption at this step');
    await other.finish();
  });

  await finish();
});
