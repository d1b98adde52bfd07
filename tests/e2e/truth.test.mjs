// Issue 11, "Wrong today: make it true": what the page says at the moments that matter is true.
// One step convention everywhere (clock, log, safety panel, lessons, t=), old links open where
// they did, a violating node keeps its red ring inside a partition's colour, captions point at
// something on screen, Play in a lesson stops at every caption and the page says why it stopped,
// the texts people read, focus after a delivered token, and dialogs that hold the run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, clockStep, stopServer, pause, fastest } from './lib/harness.mjs';


after(stopServer);

const stopped = (page) => page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
const colourOf = (page, value) => page.evaluate((v) => {
  const probe = document.createElement('span');
  probe.style.color = v;
  document.body.append(probe);
  const c = getComputedStyle(probe).color;
  probe.remove();
  return c;
}, value);

test('one step convention: the clock, the log, the lesson, the safety panel and t= say the same step', async (t) => {
  // The happy path chooses "A" at step 9: the clock says 9, the log's row says 9, the lesson says 9.
  const { page, shot, finish } = await openPage(t, { urlPath: '?lesson=happy-path&t=9' });
  await waitForApp(page);
  assert.equal(await clockStep(page), 9);
  assert.equal(await page.locator('#chosen').innerText(), 'Chosen: "A"');
  const row = page.locator('#log li', { hasText: '"A" is chosen' });
  assert.equal(await row.getAttribute('data-step'), '9');
  assert.equal(await row.getAttribute('aria-current'), 'step', 'the row of the step the clock shows');
  assert.match(await row.textContent(), /\b9\b/);
  // "#" names messages only (message #7); a step reads as a step.
  assert.equal(await row.locator('.log-step').textContent(), 'step 9');
  assert.match(await page.locator('#lesson-expect').innerText(), /"A" is chosen at step 9;/);
  await shot('truth-0-step-9', { fullPage: false });
  // t=8 is the moment before: nothing chosen, no such row yet.
  await page.goto(new URL('?lesson=happy-path&t=8', page.url()).href);
  await waitForApp(page);
  assert.equal(await clockStep(page), 8);
  assert.equal(await page.locator('#chosen').innerText(), 'No value chosen yet');
  assert.equal(await page.locator('#log li', { hasText: 'is chosen' }).count(), 0);
  // The lesson list says the same numbers.
  await page.locator('#open-lessons').click();
  await page.locator('#lesson-list li[data-lesson="happy-path"] summary').click(); // behind a spoiler toggle
  assert.match(await page.locator('#lesson-list li[data-lesson="happy-path"]').innerText(), /"A" is chosen at step 9/);
  await finish();
});

test('the safety panel and the caption box name the step the clock shows, and seek to it', async (t) => {
  const { page, finish } = await openPage(t, { urlPath: '?lesson=small-quorums&t=30' });
  await waitForApp(page);
  const link = page.locator('#safety [data-invariant="agreement"] .violation button').first();
  assert.match(await link.innerText(), /^step 23 /);
  assert.match(await page.locator('#caption-safety').innerText(), /chosen value stable violated at step 22; agreement violated at step 23\./);
  await link.click();
  assert.equal(await clockStep(page), 23);
  assert.equal(await page.locator('#chosen').getAttribute('data-state'), 'violated');
  await page.locator('#step-back').click();
  assert.equal(await page.locator('#safety [data-invariant="agreement"]').getAttribute('data-ok'), 'true');
  await finish();
});

const RECORDED = [
 {
  "what": "happy-path",
  "link": "#s=AnjadVTNbtNAEI6BolIJJCQeYOiFVrJWTQqXcIpEkZBQ4YDUA6etPY6X2Ltmd1PXD4DEhTtCHDjxLrwVM7u241aQixPvZub7m3k8F_ChRChl03TQSF_-Sd5phMaaxji0KfjSIoLMMmy8sS4FQ8cVSqv5VEKDtsDMg0bfGrsR8NpUlWnDtStZbREKa2q6mFUKtX_mwOLnLToP3lBxhNrU9B7wCm0H2uQIG21aB8qDcpCVBEMvCRA20mLKyGrl6EuENDwxT_u7aY8uF0lyN5kleZ4c_Epms9ne3uzWJ0niY_9g9jO5wCojKE_hfc8d9Em6Iw56noJegNQ56NM0PHsZQD8XcBbw1-icXCN4uUEHeC0zX3XwArzKNk5QaTqHc7wO7It_KjWRJ8dMOWW0SL4mq15AkG7jRn8II1_sf8Lh6lDwq4bbwaWk-h7m4gSOrNkSYKbACp8cB_ykVu4YFEsb7lGtaMTAm5QvJVWewyWulXbizpdk1Z-RJIMd02YC3nhorfL0lg3urwRCym2gUNZ5DhZqItsQK7eM1HVQg523WGy5qtTdUJmkIr6-lDo0uadGMyYdjIBz1tMUXL-mXLsxIFzMl0qvoUPq70L8lN1RIDDGUpJJA2kJlo22iPvfEtKUS41X-0zX8pMhoh0cLbjl6fEg12KQi-CM8GL9AGQHKrQIaKhHLbvRS-UdmJaiH-U-ItIpG3ws9i-mDsRKDnYXqBqdIY9QzKnHqiKHjC8HQ2J4wlk5jrN48COh_0_HbkqRe7Hei-MderJK-lDDyRp7qwLpm5NMir_srxXoedNorCA3SAvlEjO5DYQpkDw1NwLI9Y3OUDz8PriQUZa5-WpAccuNoCZVi91vMArZjHJMFk6rSJlXNGw5r5EQDOnDkYtfyT4XfRt7Oq-qKionHn18O26C_yAkIpNxvB0fys64aJYMPdQN2MWT38nZDipXL-kwj3t72BDMsFBaVkuObyU9jv0yQp3R1KxZYbam7VdrZ7Y0T1tLNmdWunIXSwJr7BhEqSk4wzCECLTSZ2UQ1nlKbC_tXz6hHqE",
  "clock": "step 8 \u00b7 t=15",
  "chosen": "No value chosen yet",
  "accepted": [
   "accepted (1.0, \"A\")",
   "accepted -",
   "accepted -"
  ]
 },
 {
  "what": "happy-path",
  "link": "#s=AnjadVTNbtNAEI6BIloJJCQeYOiFVrJWTQqXcIpEkZBQ4YDUA6etPY6X2Ltmd1PXD4DEhTtCHDjxLrwVM7u241aQixPvZub7m3k8F_ChRChl03TQSF_-Sd5phMaaxji0KfjSIoLMMmy8sS4FQ8cVSqv5VEKDtsDMg0bfGrsR8NpUlWnDtStZbREKa2q6mFUKtX_mwOLnLToP3lBxhNrU9B7wCm0H2uQIG21aB8qDcpCVBEMvCRA20mLKyGrl6EuENDwxT_u7aY8uF0lyN5kleZ4c_Epms9ne3uzWJ0niY_9g9jO5wCojKE_hfc8d9Em6Iw56noJegNQ56NM0PHsZQD8XcBbw1-icXCN4uUEHeC0zX3XwArzKNk5QaTqHc7wO7It_KjWRJ8dMOWW0SL4mq15AkG7jRn8II1_sf8Lh6lDwq4bbwaWk-h7m4gSOrNkSYKbACp8cB_ykVu4YFEsb7lGtaMTAm5QvJVWewyWulXbizpdk1Z-RJIMd02YC3nhorfL0lg3urwRCym2gUNZ5DhZqItsQK7eM1HVQg523WGy5qtTdUJmkIr6-lDo0uadGMyYdjIBz1tMUXL-mXLsxIFzMl0qvoUPq70L8lN1RIDDGUpJJA2kJlo22iPvfEtKUS41X-0zX8pMhoh0cLbjl6fEg12KQi-CM8GL9AGQHKrQIaKhHLbvRS-UdmJaiH-U-ItIpG3wsHlxMHYiVHOwuUDU6Qx6hmFOPVUUOGV8OhsTwhLNyHGex_yOh_0_HbkqRe7Hei-MderJK-lDDyRp7qwLpm5NMir_srxXoedNorCA3SAvlEjO5DYQpkDw1NwLI9Y3OUDz8PriQUZa5-WpAccuNoCZVi91vMArZjHJMFk6rSJlXNGw5r5EQDOnDkYtfyT4XfRt7Oq-qKionHn18O26C_yAkIpNxvB0fys64aJYMPdQN2MWT38nZDipXL-kwj3t72BDMsFBaVkuObyU9jv0yQp3R1KxZYbam7VdrZ7Y0T1tLNmdWunIXSwJr7BhEqSk4wzCECLTSZ2UQ1nlKbC_tX0PnHqI",
  "clock": "step 9 \u00b7 t=15",
  "chosen": "Chosen: \"A\"",
  "accepted": [
   "accepted (1.0, \"A\")",
   "accepted (1.0, \"A\")",
   "accepted -"
  ]
 },
 {
  "what": "default run",
  "link": "#s=AnjaXYwxCsJAEEV3ErCwTmH5SWURRLG00hNYeIF1s7IhshN2NuYIXsOjujGikCnmw-P_t7oMjC5wx2KDVGBv8dD33j7p_KXwW2hpBTcOKI8ldERsTIuEff0bw--mxunf2B8w6GgcBtekP8qjs9DG2C5yEBjHaVuN1MMELa5CnYQfs5jQXzeU5aSoWNPyRaRUtlCzo2zKXBFRod4ZzTh1",
  "clock": "step 20 \u00b7 t=13",
  "chosen": "Chosen: \"B\"",
  "accepted": [
   "accepted (1.1, \"B\")",
   "accepted -",
   "accepted (1.1, \"B\")"
  ]
 },
 {
  "what": "small-quorums",
  "link": "#s=AnjalVPdbtMwFI47pklICHG1Sz6Nm01k0Ra6C4qGKBK9RMCGuHbTk8aSY6d20q5IPAQPgMRj8HgcJ2ublSui_Dr2d76f4xevE3xurGtKePWdPCSf0LQkh9OvH2_Gkw9nf8TENg4yy6iqrfNYqbpAVUhP55eQZnb_nmLRInnYHOmIAU1GSPGSL-VhbI3SOkJdSINhjHpltysyHiqV9yCZFbB1QS5uocOkpdQNU5tTjaywnkyCiaY7NdWET_LOMjbRjMsavcbikgsuUryFScTgkRCDgZjNxOPfIoqiw8No7xAHUXTEt8FBJNrvSAhxfBT9Ep16ZNbkat44WStrRhj2fDg1KWoLc3UWb-3oBCGN90xBmuDmPw0p5JJ41rYilGE6ZWlZWT5GJV2tAiv4SqvaMw712CnD3AJkJZXzIzDZYKh51eVnLt7ADLuhq_uhLs0Ao0k6Qy558s5cMA_PjCtnOSHynAvyRut9yRwZdZnxzIpj8jgZnyRPvwRY7e0_MDm_7SjEWBWKszdt7xVcfxb6iCFGUHUP8_1J8uych4OFXTtgut6pC_QeWp8c_xS8am_-pu6o32Kb9voW7Oh1UozAar0vuSRi2_u_NjU7I1j5yjZ61iXZ15Q8_3G7s7l7ttqCC9zW7PqUtGLozkXcura1r8ECmdN12GBaujkvfkjKY9qs4Uup9fbfdmfG8DInvU7-ArlCPUo",
  "clock": "step 23 \u00b7 t=16",
  "chosen": "Agreement violated: \"A\" and \"B\" chosen",
  "accepted": [
   "accepted (1.0, \"A\")",
   "accepted (1.0, \"A\")",
   "accepted (1.1, \"B\")",
   "accepted (1.1, \"B\")"
  ]
 },
 {
  "what": "embed",
  "link": "?embed&lesson=happy-path&autoplay=0&t=8",
  "clock": "step 8 \u00b7 t=15",
  "chosen": "No value chosen yet",
  "accepted": [
   "accepted (1.0, \"A\")",
   "accepted -",
   "accepted -"
  ]
 },
 {
  "what": "embed",
  "link": "?embed&lesson=happy-path&autoplay=0&t=9",
  "clock": "step 9 \u00b7 t=15",
  "chosen": "Chosen: \"A\"",
  "accepted": [
   "accepted (1.0, \"A\")",
   "accepted (1.0, \"A\")",
   "accepted -"
  ]
 }
];

test('links shared before the step numbers were unified open at the same moment', async (t) => {
  for (const m of RECORDED) {
    const { page, finish } = await openPage(t, { urlPath: m.link, viewport: { width: 1024, height: 700 } });
    await page.waitForSelector('#stage');
    assert.equal(await page.locator('#clock').innerText(), m.clock, m.what);
    assert.equal(await page.locator('#chosen').innerText(), m.chosen, m.what);
    const accepted = await page.locator('#stage g.node[data-role="acceptor"] [data-field="accepted"]').allTextContents();
    assert.deepEqual(accepted, m.accepted, m.what);
    await finish();
  }
});

test('a node in a violation keeps a red ring when a partition colours its border', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=small-quorums', viewport: { width: 1440, height: 900 } });
  await waitForApp(page);
  await page.locator('#lesson-end').click();
  const nodes = page.locator('#stage g.node.violating');
  assert.ok((await nodes.count()) >= 2, 'nodes are involved in the violation');
  const danger = await colourOf(page, 'var(--danger)');
  for (const node of await nodes.all()) {
    const group = await node.evaluate((e) => [...e.classList].find((c) => c.startsWith('group-')));
    assert.ok(group, 'the lesson partitions every node');
    const ring = node.locator('.violation-ring');
    assert.equal(await ring.count(), 1);
    assert.equal(await ring.evaluate((e) => getComputedStyle(e).stroke), danger, 'the ring is red');
    const border = await node.locator('.box').evaluate((e) => getComputedStyle(e).stroke);
    assert.equal(border, await colourOf(page, `var(--g${group.slice(6)})`), 'the border keeps its group colour');
    assert.notEqual(border, danger);
  }
  assert.equal(await page.locator('#stage g.node:not(.violating) .violation-ring').count(), 0, 'only violating nodes');
  await shot('truth-1-violation-ring-in-partition', { fullPage: false });
  await finish();
});

for (const [name, urlPath, viewport] of [
  ['the full page at 1440x900', '?lesson=forgetful-acceptor&t=22', { width: 1440, height: 900 }],
  ['the embed at 720x480', '?embed&lesson=forgetful-acceptor&autoplay=0&t=22', { width: 720, height: 480 }],
]) {
  test(`the caption points at the safety line, which is on screen in ${name}`, async (t) => {
    const { page, shot, finish } = await openPage(t, { urlPath, viewport });
    await page.waitForSelector('#stage');
    assert.match(await page.locator('#caption').innerText(), /safety line below turns red/);
    const line = page.locator('#caption-safety');
    assert.equal(await line.innerText(), 'Safety: promise monotonicity violated at step 22.');
    assert.equal(await line.evaluate((e) => getComputedStyle(e).color), await colourOf(page, 'var(--danger)'));
    const box = await line.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width, `on screen: ${JSON.stringify(box)}`);
    await page.goto(new URL(urlPath.replace('t=22', 't=0'), page.url()).href);
    await page.waitForSelector('#stage');
    assert.match(await page.locator('#caption').innerText(), /Watch the safety line below this caption/);
    assert.equal(await page.locator('#caption-safety').innerText(), 'Safety: every check holds.');
    await shot(`truth-2-caption-safety-${viewport.width}`, { fullPage: false });
    await finish();
  });
}

test('Play in a lesson stops at every caption, and the page says why it stopped', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=happy-path' });
  await waitForApp(page);
  await fastest(page);
  const status = page.locator('#run-status');
  assert.equal(await status.getAttribute('role'), 'status', 'announced to screen readers');
  const seen = [await page.locator('#caption-counter').innerText()];
  for (let i = 0; i < 9; i++) {
    await page.locator('#play').click();
    await stopped(page);
    const counter = await page.locator('#caption-counter').innerText();
    seen.push(counter);
    assert.ok(await status.isVisible(), 'the status line shows');
    assert.match(await status.innerText(), new RegExp(`caption ${counter.split(' ')[0]}|last caption`));
  }
  assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => `${i + 1} of 10`), 'every caption, 3, 6 and 8 included');
  await shot('truth-3-play-stops-at-captions', { fullPage: false });
  // The last caption is where the run ends: Play there tells the lesson again from its start.
  await page.locator('#play').click();
  await stopped(page);
  assert.equal(await page.locator('#caption-counter').innerText(), '2 of 10');
  assert.match(await status.innerText(), /^Paused at caption 2 of 10/);
  await page.locator('#step-back').click();
  assert.equal(await status.innerText(), '', 'the person took the controls: nothing to explain');
  await finish();
});

test('Next never silently leaves the caption unchanged', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=forgetful-acceptor' });
  await waitForApp(page);
  await fastest(page);
  let explained = 0;
  for (let i = 0; i < 20 && !(await page.locator('#caption-next').isDisabled()); i++) {
    const before = await page.locator('#caption-counter').innerText();
    await page.locator('#caption-next').click();
    await stopped(page);
    const after = await page.locator('#caption-counter').innerText();
    const status = await page.locator('#run-status').innerText();
    if (after === before) {
      explained += 1;
      assert.match(status, /^Paused at step \d+: .* is violated\. Next or Play goes on\.$/);
      assert.equal(await page.locator('#run-status').getAttribute('data-state'), 'violation');
      await shot('truth-4-next-stopped-by-a-violation', { fullPage: false });
    } else {
      assert.notEqual(status, '', `caption ${after}: the stop is explained`);
    }
  }
  assert.ok(explained >= 1, 'chosen value stable breaks between two captions');
  await finish();
});

test('texts: node names, plurals, partitions, ranges, lesson numbers, typed values, FLP', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '?lesson=partition&t=3' });
  await waitForApp(page);
  const log = await page.locator('#log').textContent();
  assert.match(log, /Partition: \{n0 n2 n3\} \| \{n1 n4 n5 n6 n7\}/, 'every group written out');
  assert.doesNotMatch(log, /\| rest|\{\}/, 'no empty or unnamed group');
  // A crash in the log keeps the node's name as everywhere else: n0, never N0.
  await page.goto(new URL('?lesson=proposer-crash', page.url()).href);
  await waitForApp(page);
  await page.locator('#lesson-end').click();
  await page.locator('#log li', { hasText: 'n0 crashes' }).first().waitFor();
  assert.equal(await page.locator('#log li', { hasText: /\bN0 crashes/ }).count(), 0);
  // No Rust range syntax anywhere people read.
  assert.match(await page.locator('#network').innerText(), /latency 5 to 5 ticks/);
  assert.doesNotMatch(await page.locator('body').innerText(), /\.\.=/);
  // Lessons are numbered once, by their titles.
  await page.locator('#open-lessons').click();
  const list = page.locator('#lesson-list');
  assert.equal(await list.evaluate((e) => e.tagName), 'UL');
  assert.equal(await list.locator('li').first().evaluate((e) => getComputedStyle(e).listStyleType), 'none');
  assert.match(await list.locator('li[data-lesson="proposer-crash"] a').innerText(), /^4\. A proposer crashes halfway$/);
  await shot('truth-5-lesson-list', { fullPage: false });
  await page.keyboard.press('Escape');
  // A lower-case value is proposed in capitals, and the panel says so.
  await page.locator('#client-value').fill('b');
  assert.equal(await page.locator('#client-note').innerText(), 'Values are written in capitals: "b" is proposed as "B".');
  await page.locator('#client-value').fill('B');
  assert.equal(await page.locator('#client-note').innerText(), '');
  // The configuration's title counts one learner in the singular.
  await page.locator('#open-config').click();
  await page.locator('#config #reset').click();
  assert.equal(await page.locator('.scenario-title').innerText(), '2 proposers, 3 acceptors, 1 learner');
  // The FLP sentence carries its condition.
  await page.goto(new URL('?lesson=dueling-proposers', page.url()).href);
  await waitForApp(page);
  await page.locator('#lesson-end').click();
  assert.match(await page.locator('#caption').innerText(), /asynchronous system where even one process may crash, no deterministic protocol/);
  await finish();
});

test('a focused message that is delivered hands the focus and the selection to its receiver', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  while ((await page.locator('#stage g.msg').count()) === 0) await page.locator('#step-forward').click();
  const token = page.locator('#stage g.msg').first();
  const [id, to] = [await token.getAttribute('data-msg'), await token.getAttribute('data-to')];
  // The token is named by the id the log and the inspector use ("message #7 dropped by hand").
  assert.match(await token.getAttribute('aria-label'), new RegExp(`, message #${id}$`));
  await token.focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.selection-bar').innerText(), /Drop/);
  assert.match(await page.locator('.selection-bar').innerText(), new RegExp(`^#${id} `));
  for (let i = 0; i < 40 && (await page.locator(`#stage g.msg[data-msg="${id}"]`).count()) > 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  assert.equal(await page.locator(`#stage g.msg[data-msg="${id}"]`).count(), 0, 'delivered');
  await page.waitForFunction((n) => document.activeElement?.matches?.(`#stage g.node[data-node="${n}"]`), to);
  const bar = await page.locator('.selection-bar').innerText();
  assert.doesNotMatch(bar, /no longer in flight/);
  assert.match(bar, new RegExp(`n${to} · up`), 'the bar now speaks of the receiver');
  assert.equal(await page.locator(`#stage g.node[data-node="${to}"]`).getAttribute('aria-pressed'), 'true');
  await shot('truth-6-focus-on-receiver', { fullPage: false });
  await finish();
});

test('the run holds still while a dialog is open and plays on when it closes', async (t) => {
  // The default run, slowed down so that it is still playing when each dialog opens.
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  await page.locator('input#speed').fill(await page.locator('input#speed').getAttribute('min'));
  await page.locator('#play').click();
  for (const open of ['#open-help', '#open-lessons']) {
    await page.locator(open).click();
    await page.locator('[aria-modal="true"]').waitFor();
    await stopped(page);
    const at = await page.locator('#clock').innerText();
    await page.waitForTimeout(800);
    assert.equal(await page.locator('#clock').innerText(), at, `nothing moves behind ${open}`);
    assert.match(await page.locator('#run-status').innerText(), /dialog is open/);
    if (open === '#open-lessons') await shot('truth-7-dialog-holds-the-run', { fullPage: false });
    await page.keyboard.press('Escape');
    await page.locator('[aria-modal="true"]').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
  }
  await finish();
});
