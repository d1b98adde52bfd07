// The Multi-Paxos mode's lessons, configuration and partitions by hand (issue 10): every lesson
// opened by its link plays to its expected outcome (the outcomes the native tests assert in
// src/view/multi/tests.rs and lesson_tests.rs, seen here on the page); the lessons list opens a
// lesson; the Configure dialog changes the run and says what is wrong in words; a replica is cut
// off by hand and healed. Screenshots of the dialog and the list, light and dark, desktop and phone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, stopServer, baseUrl } from './lib/harness.mjs';

after(stopServer);

const FIRST_FRAME = 'main#multi #mstage .m-node.replica';
const step = async (page) => Number(await page.locator('main#multi').getAttribute('data-step'));
const playing = async (page) => (await page.locator('#mplay').getAttribute('aria-pressed')) === 'true';
const leader = (page) => page.locator('#mstage .m-node.leader');
const verdict = (page) => page.locator('#mverdict').getAttribute('data-verdict');

async function openMulti(t, options = {}) {
  const opened = await openPage(t, { urlPath: '#mode=multi', ...options });
  await opened.page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
  return opened;
}

/** Opens a lesson by its link in the page already open (a new load of the address). */
async function openLesson(page, slug) {
  await page.goto('about:blank');
  await page.goto(`${await baseUrl()}#mode=multi&lesson=${slug}`);
  await page.locator(FIRST_FRAME).first().waitFor({ state: 'visible' });
}

/** Plays at the fastest speed until the step reaches `by` or the run pauses by itself (other
 *  than at a caption: Play in a lesson pauses at each, and is pressed again there). */
async function playTo(page, by, ms = 60_000) {
  const speed = page.locator('#mspeed');
  await speed.fill(await speed.getAttribute('max'));
  if (!(await playing(page))) await page.locator('#mplay').click();
  const until = Date.now() + ms;
  // Plays on from every caption the lesson pauses at, and stops where the run stopped for any
  // other reason (a broken property). The step, Play's state and the status are read at once:
  // a run read as short of `by` and then as paused may have moved in between and paused at
  // `by` itself.
  const snapshot = () =>
    page.evaluate(() => ({
      step: Number(document.querySelector('main#multi').dataset.step),
      playing: document.querySelector('#mplay').getAttribute('aria-pressed') === 'true',
      caption: /^Paused at (the last )?caption/.test(document.querySelector('#mstatus')?.textContent ?? ''),
    }));
  for (let now = await snapshot(); now.step < by; now = await snapshot()) {
    assert.ok(Date.now() < until, `step ${now.step} of ${by} after ${ms} ms`);
    if (!now.playing) {
      if (!now.caption) break;
      await page.locator('#mplay').click();
    }
    await page.waitForTimeout(100);
  }
  await pause(page);
}

/** Pauses the run. Play is a toggle and a lesson pauses by itself at a caption, so a click meant
 *  to pause can land just after it did and play again: click until it stays paused. */
async function pause(page) {
  for (let i = 0; (await playing(page)) && i < 10; i++) {
    await page.locator('#mplay').click();
    await page.waitForTimeout(50);
  }
  assert.equal(await playing(page), false, 'paused');
}

async function seek(page, to) {
  await pause(page);
  await page.locator('#mscrub').fill(String(to));
  assert.equal(await step(page), to);
}

async function leaderIs(page, node, ballot) {
  assert.equal(await leader(page).count(), 1, 'one leader');
  assert.equal(await leader(page).getAttribute('data-node'), String(node));
  if (ballot) assert.equal(await leader(page).locator('.crown text').textContent(), `leader ${ballot}`);
}

/** Each lesson: the step its moment is reached by, whether the run pauses there by itself (a
 *  broken variant turning red), what its last caption says, and what the page shows then. */
const LESSONS = [
  ['multi-electing-a-leader', 25, false, /r4 leads with ballot 1\.4/, (p) => leaderIs(p, 4, '1.4')],
  ['multi-steady-state', 74, false, /Three commands are in flight/, async (p) => {
    await leaderIs(p, 4, '1.4');
    const inFlight = await p.locator('#mlog .m-row[data-replica="4"] .m-cell.accepted').count();
    assert.ok(inFlight >= 3, `${inFlight} slots accepted at r4 and not yet chosen`);
  }],
  ['multi-log-to-store', 252, false, /c0 reads x=2 at version 2/, async (p) => {
    assert.equal(await verdict(p), 'green');
    assert.match(await p.locator('#mverdict').innerText(), /4 operations, 4 completed/);
    const x = p.locator('#mkv table[data-replica="4"] tbody tr').first();
    assert.equal(await x.locator('td.value').innerText(), '2');
  }],
  ['multi-leader-crash', 233, false, /r3 leads with 2\.3/, async (p) => {
    await leaderIs(p, 3, '2.3');
    assert.match(await p.locator('#mstage .m-node[data-node="4"]').getAttribute('class'), /\bdown\b/);
    assert.notEqual(await verdict(p), 'red');
  }],
  ['multi-catch-up', 900, false, /installs a snapshot/, async (p) => {
    assert.doesNotMatch(await p.locator('#mkv table[data-replica="1"]').getAttribute('class'), /\blags\b/);
    assert.equal(await p.locator('#mstage .m-node.cut').count(), 0, 'healed');
  }],
  ['multi-partitioned-leader', 408, false, /it steps down, follows r3/, (p) => leaderIs(p, 3, '2.3')],
  ['multi-retries-at-most-once', 314, true, /the history turns red/, async (p) => {
    assert.equal(await verdict(p), 'red');
    assert.ok((await p.locator('#mhistory .m-op-bar.violation').count()) >= 1, 'the operations involved are marked');
  }],
  ['multi-leases', 409, true, /a stale read/, async (p) => {
    assert.equal(await verdict(p), 'red');
    assert.match(await p.locator('#mstage .m-node[data-node="4"]').getAttribute('class'), /\bcut\b/);
    assert.equal(await leader(p).count(), 2, 'r4 and r3 both lead in their own eyes');
  }],
  ['multi-dueling-leaders', 39, false, /r4's ballot 1\.4 is the highest/, (p) => leaderIs(p, 4, '1.4')],
  ['multi-model-checker', 27, true, /Step 16: r1 puts x=2 in slot 0/, async (p) => {
    const broken = p.locator('#msafety li[data-ok="false"]');
    assert.equal(await broken.count(), 1);
    assert.match(await broken.innerText(), /broken at step 26/);
    // The run is the checker's 16 steps and nothing more.
    await p.locator('#mfwd').click();
    assert.equal(await step(p), 27, 'the scripted run ends with the script');
  }],
];

test('every lesson opened by its link plays to its expected outcome', async (t) => {
  const { page, finish } = await openMulti(t);
  for (const [slug, by, pauses, last, outcome] of LESSONS) {
    await openLesson(page, slug);
    assert.equal(await playing(page), false, `${slug} opens paused`);
    assert.match(await page.locator('#mcaption').innerText(), /\w/, `${slug}: a caption at step 0`);
    await playTo(page, by);
    if (pauses) {
      assert.equal(await step(page), by, `${slug} pauses by itself where it turns red`);
      assert.match(await page.locator('#mnotice').innerText(), /Paused at step \d+: a safety property broke/);
    } else {
      await seek(page, by);
    }
    assert.match(await page.locator('#mcaption').innerText(), last, `${slug}: the last caption`);
    await outcome(page);
  }
  await finish();
});

test('the lessons list opens any lesson with its captions, and marks the one on screen', async (t) => {
  const { page, finish } = await openMulti(t);
  await page.locator('#mlessons').click();
  const items = page.locator('#mlesson-list li');
  assert.equal(await items.count(), 10);
  const titles = await items.locator('a').allInnerTexts();
  assert.match(titles[0], /^1\. Electing a leader/);
  assert.match(titles[7], /^8\. Leases and a stale read/);
  assert.match(titles[9], /^10\. The model checker finds a lost write/);
  assert.ok((await items.locator('.lesson-desc').allInnerTexts()).every((s) => s.endsWith('.')), 'one-line summaries');
  await items.nth(7).locator('a').click();
  await page.waitForFunction(() => location.hash === '#mode=multi&lesson=multi-leases');
  assert.equal(await page.locator('#mlessons-dialog').count(), 0, 'the list closes');
  await page.locator('#mcaption').waitFor();
  assert.match(await page.locator('#mcaption').innerText(), /Leases are on, 200 ticks long/);
  assert.match(await page.locator('main#multi .scenario-title').innerText(), /Leases and a stale read \(broken\)/);
  assert.equal(await playing(page), false, 'a lesson opens paused');
  // Captions follow the run as it plays.
  await playTo(page, 102);
  await seek(page, 102);
  assert.match(await page.locator('#mcaption').innerText(), /^c1 reads x\. Under its lease r4 answers/);
  // Lesson 10 from the list; the list marks it as open; choosing it again starts it afresh.
  await page.locator('#mlessons').click();
  await page.locator('#mlesson-list li[data-lesson="multi-model-checker"] a').click();
  await page.waitForFunction(() => location.hash.endsWith('lesson=multi-model-checker'));
  await page.locator('#mfwd').click();
  assert.equal(await step(page), 1);
  await page.locator('#mlessons').click();
  const current = page.locator('#mlesson-list a[aria-current="true"]');
  assert.equal(await current.count(), 1);
  assert.match(await current.innerText(), /^10\./);
  await current.click();
  assert.equal(await step(page), 0, 'the same lesson again starts afresh');
  assert.match(await page.locator('#mcaption').innerText(), /^Found by the model checker/);
  await finish();
});

test('the Configure dialog changes the run and says in words what is wrong', async (t) => {
  const { page, finish } = await openMulti(t);
  await page.locator('#mconfigure').click();
  const dialog = page.locator('#mconfig-dialog');
  await dialog.waitFor();
  // Every control is labelled, and the broken variants say so.
  const unlabelled = await dialog.locator('input, select').evaluateAll((els) =>
    els.filter((e) => !e.labels || e.labels.length === 0 || !e.labels[0].innerText.trim()).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  const variants = await dialog.locator('#mc-variant option').allInnerTexts();
  assert.equal(variants.length, 4);
  assert.ok(variants.slice(1).every((v) => v.startsWith('Broken: ')), variants.join(' | '));
  // Quorums that need not meet are refused, with the reason.
  await dialog.locator('#mc-q1').fill('2');
  await dialog.locator('#mconfig-apply').click();
  assert.match(await dialog.locator('#mconfig-error').innerText(),
    /A Phase 1 quorum of 2 and a Phase 2 quorum of 3 need not share a replica among 5/);
  await dialog.locator('#mc-heartbeat').fill('soon');
  await dialog.locator('#mconfig-apply').click();
  assert.match(await dialog.locator('#mconfig-error').innerText(), /Heartbeat interval must be a whole number, not "soon"/);
  // A valid configuration: 3 replicas, 2 clients, flexible quorums, a lease; the run restarts.
  for (const [id, v] of [['replicas', '3'], ['clients', '2'], ['q1', '3'], ['q2', '1'], ['heartbeat', '3'], ['reads', '80'], ['writes', '20']]) {
    await dialog.locator(`#mc-${id}`).fill(v);
  }
  await dialog.locator('#mc-lease').check();
  await dialog.locator('#mconfig-apply').click();
  assert.equal(await dialog.count(), 0, 'the dialog closes');
  assert.equal(await step(page), 0);
  assert.equal(await page.locator('#mstage .m-node.replica').count(), 3);
  assert.equal(await page.locator('#mstage .m-node.client').count(), 2);
  assert.match(await page.locator('main#multi .scenario-title').innerText(), /Your configuration/);
  await playTo(page, 200);
  assert.equal(await leader(page).count(), 1, 'a leader under the new configuration');
  // The link on screen carries it: reopening the dialog shows the values applied.
  await page.locator('#mconfigure').click();
  assert.equal(await page.locator('#mc-q2').inputValue(), '1');
  assert.equal(await page.locator('#mc-lease').isChecked(), true);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#mconfig-dialog').count(), 0);
  await finish();
});

test('a replica cut off by hand stays out until healed', async (t) => {
  const { page, finish } = await openMulti(t);
  await playTo(page, 40);
  const id = await leader(page).getAttribute('data-node');
  assert.ok(id !== null, 'a leader by step 40');
  await page.locator('#mc-cut').selectOption(id);
  await page.locator('#mcut').click();
  const node = page.locator(`#mstage .m-node[data-node="${id}"]`);
  assert.match(await node.getAttribute('class'), /\bcut\b/);
  assert.match(await node.getAttribute('aria-label'), /cut off by a partition/);
  // Only the replica cut off from the majority is marked, not the nodes on the majority side.
  assert.equal(await page.locator('#mstage .m-node.cut').count(), 1, 'one node marked cut off');
  assert.doesNotMatch(await page.locator('#mstage .m-node.leader').first().getAttribute('class'), /\bdown\b/);
  // The others elect a new leader without it.
  const at = await step(page);
  await playTo(page, at + 400);
  const others = await page.locator('#mstage .m-node.leader').evaluateAll((ns) => ns.map((n) => n.dataset.node));
  assert.ok(others.some((n) => n !== id), `a leader among the others: ${others}`);
  await page.locator('#mheal').click();
  assert.equal(await page.locator('#mstage .m-node.cut').count(), 0, 'healed');
  await finish();
});

for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 375, height: 812 }]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`screenshots of the Configure dialog and the lessons list: ${name}, ${colorScheme}`, async (t) => {
      const { page, shot, finish } = await openMulti(t, { viewport, colorScheme, urlPath: '#mode=multi&lesson=multi-leases' });
      for (const [button, dialog, file] of [['#mconfigure', '#mconfig-dialog', 'config'], ['#mlessons', '#mlessons-dialog', 'lessons']]) {
        await page.locator(button).click();
        await page.locator(dialog).waitFor();
        const overflow = await page.evaluate((sel) => {
          const d = document.querySelector(sel);
          return Math.max(document.documentElement.scrollWidth - innerWidth, d.scrollWidth - d.clientWidth);
        }, dialog);
        assert.ok(overflow <= 0, `${file}: ${overflow}px wider than the ${name} viewport`);
        await shot(`multi-${file}-${name}-${colorScheme}`, { fullPage: false });
        await page.keyboard.press('Escape');
        assert.equal(await page.locator(dialog).count(), 0);
      }
      await shot(`multi-tools-${name}-${colorScheme}`, { fullPage: false });
      await finish();
    });
  }
}
