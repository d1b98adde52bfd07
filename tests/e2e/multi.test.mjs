// The Multi-Paxos mode (#mode=multi, issue 10): its own wasm (multi.js, multi_bg.wasm) and
// stylesheet, fetched when the mode opens and never with the page. Opened by its address, and
// by the switch in the single-decree page's Configure dialog (the time from the click to the mode's first
// frame is printed: the target is at most 1 s on localhost); back to single-decree by its switch.
// Then the page itself (src/ui/multi): election, slots, stores, history, crash, links, keys, themes, phones.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, stopServer, baseUrl } from './lib/harness.mjs';

after(stopServer);

/** What the mode's first frame shows (its stage, drawn from the model's first frame). */
const FIRST_FRAME = 'main#multi #mstage .m-node.replica';
const MODE_FILES = /\/multi(\.js|_bg\.wasm|\.css)$/;

test('the single-decree page does not fetch the Multi-Paxos mode', async (t) => {
  const { page, finish } = await openPage(t);
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  await waitForApp(page);
  await page.waitForTimeout(500);
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.deepEqual([...fetched, ...loaded].filter((u) => MODE_FILES.test(u)), [], 'the mode was fetched with the page');
  assert.equal(await page.locator(FIRST_FRAME).count(), 0);
  await finish();
});

test('#mode=multi opens the Multi-Paxos mode, not the single-decree app', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#mode=multi' });
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
  assert.equal(await page.locator('main#playground').count(), 0, 'the single-decree app is mounted too');
  assert.match(await page.locator('main#multi .scenario-title').innerText(), /Multi-Paxos/);
  const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href ?? ''));
  assert.ok(sheets.some((h) => /\/multi\.css$/.test(h)), `multi.css is not linked: ${sheets}`);
  assert.equal(await page.locator('#boot').isVisible(), false, 'the loading state is still shown');
  await shot('multi-open');
  await finish();
});

test('the switch in Configure opens the mode quickly, and its own switch goes back', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await page.locator('#open-config').click();
  const link = page.locator('a#open-multi');
  assert.match(await link.innerText(), /Multi-Paxos · key-value store/);
  // From the click to the mode's first frame (the page reloads with the new address and loads
  // the mode instead of the single-decree app), timed from here: an upper bound.
  const clicked = Date.now();
  await link.click();
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
  const ms = Date.now() - clicked;
  // Reported, not asserted: a speed target lives in scripts/bench (its `switch` section reads
  // this line), never in a test on a shared, noisy machine.
  console.log(`# switch to Multi-Paxos: ${ms.toFixed(0)} ms from the click to the first frame (target <= 1000)`);
  assert.equal(new URL(page.url()).hash, '#mode=multi');
  assert.equal(await page.locator('main#playground').count(), 0, 'the single-decree app is still mounted');

  await page.locator('a#open-single').click();
  await waitForApp(page);
  assert.equal(new URL(page.url()).hash, '');
  assert.equal(await page.locator('main#multi').count(), 0);
  await finish();
});

test('Back from the mode reopens the single-decree page', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await page.locator('#open-config').click();
  await page.locator('a#open-multi').click();
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
  await page.goBack();
  await waitForApp(page);
  assert.equal(await page.locator('main#multi').count(), 0);
  await finish();
});

test('a mode that cannot load shows the load-error panel with the reason', async (t) => {
  const { page, context, shot, finish } = await openPage(t, {
    urlPath: 'about:blank',
    expectProblems: [/multi_bg\.wasm/, /Failed to fetch|WebAssembly|wasm|Failed to load resource/i],
  });
  await context.route(/multi_bg\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const { baseUrl } = await import('./lib/harness.mjs');
  await page.goto(`${await baseUrl()}#mode=multi`);
  const panel = page.locator('#load-error');
  await panel.waitFor({ state: 'visible' });
  assert.match(await panel.innerText(), /could not start/i);
  assert.match(await panel.locator('pre').innerText(), /\S/, 'no reason given');
  await shot('multi-load-failure');
  await finish();
});

// ---- The mode's page on the model's frames (view::multi) ----

/** Opens the mode and waits for its first frame. */
async function openMulti(t, options = {}) {
  const opened = await openPage(t, { urlPath: '#mode=multi', ...options });
  await opened.page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
  return opened;
}

const step = async (page) => Number(await page.locator('main#multi').getAttribute('data-step'));
const fastest = async (page) => page.locator('#mspeed').fill(await page.locator('#mspeed').getAttribute('max'));
async function setPlaying(page, on) {
  const button = page.locator('#mplay');
  if ((await button.getAttribute('aria-pressed')) !== String(on)) await button.click();
  // (The page redraws after the click's action on a busy main thread: wait for it, briefly.)
  await page
    .waitForFunction((want) => document.querySelector('#mplay').getAttribute('aria-pressed') === want, String(on), { timeout: 5_000 })
    .catch(() => {});
  assert.equal(await button.getAttribute('aria-pressed'), String(on));
}
const leader = (page) => page.locator('#mstage .m-node.leader');

/** Plays until `done()` holds (or fails after `ms`); in a lesson, Play pauses at each caption
 *  (the status line says so), and is pressed again there. `watch`: the panel watched, scrolled
 *  into view once the speed is set (a panel out of view waits while the run plays). */
async function playUntil(page, done, what, ms = 30_000, watch = null) {
  await fastest(page);
  if (watch) await page.locator(watch).scrollIntoViewIfNeeded();
  const until = Date.now() + ms;
  // Play, and play on wherever the run paused (at the fastest speed a lesson reaches its next
  // caption within a frame or two, so Play may be seen pressed for a moment only). Play's state
  // and the status are read at once.
  while (!(await done())) {
    assert.ok(Date.now() < until, `never: ${what} (step ${await step(page)})`);
    const now = await page.evaluate(() => ({
      playing: document.querySelector('#mplay').getAttribute('aria-pressed') === 'true',
      status: document.querySelector('#mstatus')?.textContent ?? '',
    }));
    if (!now.playing && (now.status === '' || /^Paused at (the last )?caption/.test(now.status))) {
      await page.locator('#mplay').click();
      if (watch) await page.locator(watch).scrollIntoViewIfNeeded();
    }
    await page.waitForTimeout(100);
  }
  await setPlaying(page, false);
}

test('a leader is elected and slots fill on every replica\'s strip', async (t) => {
  const { page, shot, finish } = await openMulti(t);
  await playUntil(page, async () => (await leader(page).count()) === 1, 'a leader');
  assert.match(await leader(page).locator('.crown text').textContent(), /^leader \d+\.\d+$/);
  const rows = page.locator('#mlog .m-row[data-replica]');
  assert.equal(await rows.count(), 5);
  // Watched as a person would: a panel out of view waits while the run plays (ui::multi::seen).
  await playUntil(page, async () => {
    const applied = await rows.evaluateAll((rs) => rs.map((r) => r.querySelectorAll('.m-cell.applied').length));
    return applied.every((n) => n >= 3);
  }, 'three applied slots on every replica', 30_000, '#mlog');
  // The stores follow the log: some key has a version on every replica.
  const versions = await page.locator('#mkv .m-store').evaluateAll((ts) =>
    ts.map((t) => Math.max(...[...t.querySelectorAll('tbody tr td:last-child')].map((c) => Number(c.textContent)))));
  assert.ok(versions.every((v) => v >= 1), `a store without a write: ${versions}`);
  await shot('multi-elected');
  await finish();
});

test('a write then a read by hand: the read returns the value, the history stays green', async (t) => {
  const { page, finish } = await openMulti(t);
  await setPlaying(page, false);
  await page.locator('#mworkload').click();
  assert.equal(await page.locator('#mworkload').isChecked(), false);
  const c0 = page.locator('.m-client-list li').first();
  const idle = async () => (await c0.getAttribute('data-busy')) === 'false' && (await leader(page).count()) === 1;
  await playUntil(page, idle, 'c0 idle under a leader');
  await page.locator('#mclient').selectOption('0');
  await page.locator('#mop').selectOption('write');
  await page.locator('#mkey').selectOption('0');
  await page.locator('#mvalue').selectOption('7');
  await page.locator('#msend').click();
  assert.equal(await c0.getAttribute('data-busy'), 'true', 'the write was not handed to c0');
  await playUntil(page, idle, 'the write answered');
  await page.locator('#mop').selectOption('read');
  await page.locator('#msend').click();
  await playUntil(page, idle, 'the read answered');
  const lane = page.locator('#mhistory .m-lane').first();
  const bars = await lane.locator('.m-op-bar').allInnerTexts();
  assert.ok(bars.some((b) => /^write x=7 → ok \(v\d+\)$/.test(b)), `no answered write in ${JSON.stringify(bars)}`);
  assert.ok(bars.some((b) => /^read x → 7 \(v\d+\)$/.test(b)), `no read of 7 in ${JSON.stringify(bars)}`);
  assert.equal(await page.locator('#mverdict').getAttribute('data-verdict'), 'green');
  // A click on the read's bar seeks to its call.
  const bar = lane.locator('.m-op-bar', { hasText: /^read x → 7/ }).first();
  const call = Number((await bar.getAttribute('aria-label')).match(/go to step (\d+)$/)[1]);
  assert.ok(call < (await step(page)));
  await bar.click();
  assert.equal(await step(page), call, 'the click did not seek to the read\'s call');
  await finish();
});

test('crashing the leader: another replica is elected and marked', async (t) => {
  const { page, shot, finish } = await openMulti(t);
  await playUntil(page, async () => (await leader(page).count()) === 1, 'a leader');
  const old = await leader(page).getAttribute('data-node');
  await leader(page).click();
  const crashed = page.locator(`#mstage .m-node[data-node="${old}"]`);
  assert.ok((await crashed.getAttribute('class')).includes('down'), 'the leader did not crash');
  await playUntil(page, async () => {
    const now = leader(page);
    return (await now.count()) === 1 && (await now.getAttribute('data-node')) !== old;
  }, 'a new leader');
  assert.match(await crashed.textContent(), /down/);
  assert.equal(await page.locator('#mverdict').getAttribute('data-verdict'), 'green');
  await shot('multi-new-leader');
  // Keyboard: Enter on the crashed replica recovers it.
  await crashed.focus();
  await page.keyboard.press('Enter');
  assert.ok(!(await crashed.getAttribute('class')).includes('down'), 'Enter did not recover it');
  await finish();
});

test('the copied link reopens the same run at the same step with the same verdict', async (t) => {
  const { page, context, finish } = await openMulti(t);
  await playUntil(page, async () => (await leader(page).count()) === 1, 'a leader');
  // A crash by hand (the link must carry it), by keyboard: a message token resting on the
  // leader's centre can take a click meant for the node (seen once in a fresh-clone run).
  await leader(page).focus();
  await page.keyboard.press('Enter');
  await page.locator('#mstage .m-node.down').first().waitFor();
  await playUntil(page, async () => (await step(page)) > 150, 'step 150');
  await page.locator('#mcopy').click();
  const link = await page.locator('#mlink').inputValue();
  assert.match(link, /#mode=multi&m=[^&]+&at=\d+$/);
  const before = {
    step: await step(page),
    clock: await page.locator('#mclock').innerText(),
    verdict: await page.locator('#mverdict').innerText(),
    stores: await page.locator('#mkv').innerText(),
    // The run stops wherever step 150 is passed, which may be during an election: no leader then.
    leader: (await leader(page).count()) ? await leader(page).getAttribute('data-node') : null,
  };
  const other = await context.newPage();
  await other.goto(link);
  await other.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
  assert.equal(await other.locator('#mplay').getAttribute('aria-pressed'), 'false', 'a shared moment opens paused');
  const after = {
    step: await step(other),
    clock: await other.locator('#mclock').innerText(),
    verdict: await other.locator('#mverdict').innerText(),
    stores: await other.locator('#mkv').innerText(),
    leader: (await other.locator('#mstage .m-node.leader').count())
      ? await other.locator('#mstage .m-node.leader').getAttribute('data-node')
      : null,
  };
  assert.deepEqual(after, before);
  await finish();
});

test('keyboard: Space plays and pauses, the arrows step', async (t) => {
  const { page, finish } = await openMulti(t);
  await setPlaying(page, false);
  await page.locator('#mstage').click({ position: { x: 5, y: 5 } });
  const s = await step(page);
  await page.keyboard.press('ArrowRight');
  assert.equal(await step(page), s + 1);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await step(page), s);
  await page.keyboard.press(' ');
  assert.equal(await page.locator('#mplay').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press(' ');
  assert.equal(await page.locator('#mplay').getAttribute('aria-pressed'), 'false');
  await finish();
});

for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 375, height: 812 }]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`screenshot: ${name}, ${colorScheme}`, async (t) => {
      const { page, shot, finish } = await openMulti(t, { viewport, colorScheme });
      await playUntil(page, async () => (await page.locator('#mlog .m-cell.applied').count()) >= 25, 'slots applied', 30_000, '#mlog');
      await page.evaluate(() => window.scrollTo(0, 0));
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), colorScheme);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the ${name} viewport`);
      await shot(`multi-${name}-${colorScheme}`);
      await finish();
    });
  }
}

// (Lessons opened by their links, with their captions and outcomes: multi-lessons.test.mjs.)

test('while it plays, the panels out of view wait, and draw the step once in view or paused', async (t) => {
  const { page, finish } = await openMulti(t, { viewport: { width: 1440, height: 900 } });
  await setPlaying(page, false);
  const shown = () => page.locator('#mlog .m-log-head .hint').textContent();
  const newest = async () => Number((await shown()).match(/newest (\d+)/)?.[1] ?? -1);
  assert.ok(await page.evaluate(() => document.querySelector('#mlog').getBoundingClientRect().top > innerHeight), 'the logs are in view: nothing to test');
  const before = await shown();
  await fastest(page);
  await setPlaying(page, true);
  const start = await step(page);
  // Played on until slots were proposed: the logs below the fold still show the step they had.
  const until = Date.now() + 30_000;
  while ((await step(page)) < start + 400) {
    assert.ok(Date.now() < until, 'the run did not move');
    await page.waitForTimeout(100);
  }
  assert.equal(await shown(), before, 'the logs out of view drew steps while playing');
  // Scrolled into view while playing, they draw the current step at once.
  await page.locator('#mlog').scrollIntoViewIfNeeded();
  await page.waitForFunction((was) => document.querySelector('#mlog .m-log-head .hint').textContent !== was, before);
  assert.ok((await newest()) >= 0, `no slot yet: ${await shown()}`);
  // Paused out of view, the panels show the step on screen: scrolling to them changes nothing.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  await setPlaying(page, false);
  await page.waitForTimeout(200);
  const paused = await shown();
  await page.locator('#mlog').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  assert.equal(await shown(), paused, 'paused, the logs out of view did not show the step on screen');
  await finish();
});
test('a slot or a client fills the inspector', async (t) => {
  const { page, finish } = await openMulti(t, { urlPath: '#mode=multi&lesson=multi-electing-a-leader' });
  assert.equal(await page.locator('#minspector h2').innerText(), 'Inspector');
  await playUntil(page, async () => (await page.locator('#mlog .m-cell.applied').count()) >= 5, 'applied slots', 30_000, '#mlog');
  await page.locator('#mlog .m-slot').first().click();
  const title = await page.locator('#minspector h2').innerText();
  assert.notEqual(title, 'Inspector', 'a click on a slot selected nothing');
  assert.ok((await page.locator('#minspector li').count()) >= 1, 'the slot has no story');
  // By keyboard: a message token may sit on the client at this step, and a click there picks it.
  await page.locator('#mstage .m-node.client').first().focus();
  await page.keyboard.press('Enter');
  assert.notEqual(await page.locator('#minspector h2').innerText(), title, 'a click on a client selected nothing');
  await page.locator('#minspector button', { hasText: 'Clear' }).click();
  assert.equal(await page.locator('#minspector h2').innerText(), 'Inspector');
  await finish();
});
