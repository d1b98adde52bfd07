// Issue 11, highlights tied to the story (view::marks): the quorum that chose a value lights up,
// a proposer that adopts a value it did not propose wears a badge, a caption outlines the nodes
// and emphasises the message kinds it names, each proposer's retry timer is a ring that empties,
// and the inspector says what the current step changed on the selected node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { RESULTS, openPage, waitForApp, play, fastest, clockStep, setRange, stopServer } from './lib/harness.mjs';

after(stopServer);

/** Clicks Next until the caption matches `re` (each Next plays on to the next caption). */
async function nextUntil(page, re) {
  for (let i = 0; i < 20 && !re.test(await page.locator('#caption').innerText()); i++) {
    const before = await page.locator('#caption-counter').innerText();
    // A prediction prompt (src/scenario/lessons): the first Next reveals its answer.
    if ((await page.locator('#caption-next[data-edit="reveal"]').count()) > 0) await page.locator('#caption-next').click();
    await page.locator('#caption-next').click();
    await page.waitForFunction((b) => document.querySelector('#caption-counter').textContent !== b, before);
    await page.waitForFunction(() => document.querySelector('button#play').getAttribute('aria-pressed') === 'false');
  }
  assert.match(await page.locator('#caption').innerText(), re);
}

/** Pauses the run, even if it starts or stops by itself meanwhile. */
async function hold(page) {
  const play = page.locator('button#play');
  for (let i = 0; i < 10 && (await play.getAttribute('aria-pressed')) === 'true'; i++) {
    await play.click();
    await page.waitForTimeout(100);
  }
  assert.equal(await play.getAttribute('aria-pressed'), 'false', 'the run did not pause');
}

for (const scheme of ['light', 'dark']) {
  test(`the quorum that chose the value lights up in the default run (${scheme})`, async (t) => {
    const { page, shot, finish } = await openPage(t, { colorScheme: scheme });
    await waitForApp(page);
    // (The page may autoplay: hold it still, then play at full speed.)
    await hold(page);
    await setRange(page, '#scrubber', 0);
    assert.equal(await page.locator('#stage g.node.quorum').count(), 0, 'nothing is chosen yet');
    await fastest(page);
    await play(page);
    await page.waitForFunction(() => /Chosen: "[A-Z]+"/.test(document.querySelector('#chosen')?.textContent ?? ''), null, {
      timeout: 60_000,
    });
    await hold(page);
    // The run may have ended between reading Play's state and the click, and Play at the end
    // plays it again from step 0: go to the run's end, where the value is chosen.
    await setRange(page, '#scrubber', Number(await page.locator('#scrubber').getAttribute('max')));
    await page.waitForFunction(() => /Chosen: "[A-Z]+"/.test(document.querySelector('#chosen')?.textContent ?? ''));
    const chosen = (await page.locator('#chosen').innerText()).match(/Chosen: "([A-Z]+)"/)[1];
    const quorum = page.locator('#stage g.node.quorum');
    assert.equal(await quorum.count(), 2, 'a majority of the three acceptors');
    for (const node of await quorum.all()) {
      assert.equal(await node.getAttribute('data-role'), 'acceptor');
      assert.match(await node.getAttribute('aria-label'), new RegExp(`in the quorum that chose "${chosen}"`));
      assert.match(await node.locator('.box').evaluate((b) => getComputedStyle(b).filter), /drop-shadow/, 'the halo');
      assert.match(await node.locator('[data-field="accepted"]').textContent(), new RegExp(`"${chosen}"`));
    }
    assert.match(await page.locator('.legend').innerText(), /Green halo/);
    await shot(`marks-quorum-${scheme}`);
    await finish();
  });
}

for (const [name, options] of [
  ['desktop light', { colorScheme: 'light' }],
  ['desktop dark', { colorScheme: 'dark' }],
  ['phone', { colorScheme: 'light', viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }],
]) {
  test(`a proposer that adopts a value wears a badge, and the caption outlines what it names (${name})`, async (t) => {
    const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=competing-proposers', ...options });
    await waitForApp(page);
    await hold(page);
    // "n0 sends Accept(1.0, "A")": n0 is outlined and the Accept tokens in flight are emphasised.
    await nextUntil(page, /n0 sends Accept/);
    assert.equal(await page.locator('#stage g.node.named').count(), 1);
    assert.equal(await page.locator('#stage g.node.named').getAttribute('data-node'), '0');
    const named = page.locator('#stage g.msg.named');
    assert.ok((await named.count()) > 0, 'Accept tokens in flight are emphasised');
    for (const kind of await named.evaluateAll((ms) => ms.map((m) => m.dataset.kind))) assert.equal(kind, 'accept');
    assert.equal(await page.locator('#stage g.msg:not(.named)[data-kind="accept"]').count(), 0);
    assert.equal(await page.locator('#stage .adopt-badge').count(), 0, 'n0 proposes its own value');
    await shot(`marks-caption-${name.replace(' ', '-')}`);

    await nextUntil(page, /n1 has a majority of promises/);
    const n1 = page.locator('#stage g.node[data-node="1"]');
    assert.equal((await n1.locator('.adopt-badge').textContent()).trim(), 'adopted "A"');
    assert.match(await n1.getAttribute('aria-label'), /adopted "A" \(a value from a promise, not its own\)/);
    assert.equal(await page.locator('#stage .adopt-badge').count(), 1);
    assert.match(await n1.getAttribute('class'), /\bnamed\b/);
    assert.match(await n1.evaluate((n) => getComputedStyle(n).outlineStyle), /dashed/, 'the outline shows');
    // The log row of that step says so too.
    const step = await clockStep(page);
    assert.match(await page.locator(`#log li[data-step="${step}"]`).allTextContents().then((t) => t.join('\n')),
      /n1 starts phase 2: \(1\.1, "A"\), a value adopted from a promise/);
    // The badge sits inside n1's box (a proposer's box has a free line) and no label covers it.
    const [badge, box] = await Promise.all([n1.locator('.adopt-badge rect').boundingBox(), n1.locator('.box').boundingBox()]);
    assert.ok(badge.y >= box.y && badge.y + badge.height <= box.y + box.height + 0.5, JSON.stringify({ badge, box }));
    await shot(`marks-adopted-${name.replace(' ', '-')}`);
    await page.locator('#stage').screenshot({ path: `${RESULTS}/marks-adopted-stage-${name.replace(' ', '-')}.png` });
    for (const label of await page.locator('#stage .msg-label').all()) {
      const l = await label.boundingBox();
      const apart = l.x + l.width <= badge.x || badge.x + badge.width <= l.x || l.y + l.height <= badge.y || badge.y + badge.height <= l.y;
      assert.ok(apart, `a label covers the badge: ${await label.textContent()} ${JSON.stringify({ l, badge })}`);
    }
    await finish();
  });
}

test('a proposer with an armed retry timer shows a ring that empties', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await hold(page);
  await setRange(page, '#scrubber', 0);
  assert.equal(await clockStep(page), 0);
  assert.equal(await page.locator('#stage g.timer').count(), 0, 'no timer before any request');
  await page.locator('button#step-forward').click(); // n0's client asks for "A": phase 1, timer armed
  const ring = page.locator('#stage g.timer[data-node="0"]');
  await ring.waitFor();
  const left = async () => Number((await ring.locator('.timer-arc').getAttribute('stroke-dasharray')).split(' ')[0]);
  assert.equal(await left(), 100, 'full when armed');
  assert.match(await page.locator('#stage g.node[data-node="0"]').getAttribute('aria-label'), /retry timer fires at t=\d+/);
  for (let i = 0; i < 4; i++) await page.locator('button#step-forward').click();
  const now = await left();
  assert.ok(now < 100 && now > 0, `the ring empties as time passes: ${now}`);
  assert.match(await ring.locator('.timer-arc').getAttribute('stroke-dasharray'), /^\d+\.\d 100$/);
  await shot('marks-timer');
  await finish();
});

test('the inspector shows what the current step changed on a node', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await hold(page);
  await setRange(page, '#scrubber', 0);
  await page.locator('button#step-forward').click();
  assert.equal(await clockStep(page), 1);
  await page.locator('#stage g.node[data-node="0"]').click();
  const diff = page.locator('#inspector .insp-diff');
  assert.equal(await diff.locator('h4').textContent(), 'What step 1 changed');
  const rows = await diff.locator('dd').allInnerTexts();
  const fields = await diff.locator('dt').allInnerTexts();
  const i = fields.indexOf("client's value");
  assert.ok(i >= 0, fields.join(', '));
  assert.equal(rows[i], '- → "A"');
  assert.equal(rows[fields.indexOf('phase')], 'idle (no client value) → 1: preparing');
  // An acceptor the step did not touch says so.
  await page.locator('#stage g.node[data-node="2"]').click();
  assert.match(await diff.innerText(), /Nothing on this node\./);
  await shot('marks-inspector-diff');
  await finish();
});
