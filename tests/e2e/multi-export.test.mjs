// The Multi-Paxos mode's space-time diagram, exports and slot history (issue 10): the diagram
// draws a lane per replica and client and arrows between them, and a click on an arrow, a point
// or the plot seeks there; every file of the Export… menu downloads with its content; a click on a
// log cell tells that slot's history in the inspector, whose steps seek. One page for the whole
// file, opened at a shared moment (paused at step 300 of the default run); screenshots of the
// diagram and the inspector in both themes on a desktop and a phone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, setRange, stopServer } from './lib/harness.mjs';

after(stopServer);

const step = async (page) => Number(await page.locator('main#multi').getAttribute('data-step'));
const clockTime = async (page) => Number((await page.locator('#mclock').innerText()).match(/t=(\d+)/)[1]);

test('the space-time diagram, the exports and the slot history of the Multi-Paxos mode', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#mode=multi&at=300', viewport: { width: 1440, height: 900 } });
  const diagram = page.locator('#mst');
  await diagram.locator('.m-st-arrow').first().waitFor({ state: 'attached' });
  assert.equal(await page.locator('#mplay').getAttribute('aria-pressed'), 'false', 'a shared moment opens paused');
  assert.equal(await step(page), 300);

  // ---- The diagram: lanes, arrows, points ----
  const lanes = await diagram.locator('.m-st-lane .m-st-label').allTextContents();
  assert.deepEqual(lanes, ['r0', 'r1', 'r2', 'r3', 'r4', 'c0', 'c1', 'c2']);
  const arrows = await diagram.locator('.m-st-arrow').count();
  assert.ok(arrows > 20, `only ${arrows} arrows`);
  for (const kind of ['accept', 'accepted', 'request', 'reply', 'heartbeat']) {
    assert.ok((await diagram.locator(`.m-st-arrow.${kind}`).count()) > 0, `no ${kind} arrow`);
  }
  assert.ok((await diagram.locator('.m-st-point.chosen').count()) > 0, 'no slot chosen in the window');
  const cursorX = Number(await page.locator('#mst-cursor').getAttribute('data-x'));
  assert.ok(cursorX > 44 && cursorX <= 1000, `the cursor is at ${cursorX}`);

  await t.test('a click on an arrow seeks to its send and selects it', async () => {
    // A request wholly inside the plot (not cut at its left edge by the window).
    const id = await diagram.locator('.m-st-arrow.delivered.request').evaluateAll((gs) =>
      gs.find((g) => Number(g.querySelector('.vis').getAttribute('x1')) > 80)?.dataset.msg);
    assert.ok(id, 'no request inside the window');
    const arrow = diagram.locator(`.m-st-arrow[data-msg="${id}"]`);
    await arrow.scrollIntoViewIfNeeded();
    const box = await arrow.locator('.vis').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // What was under the pointer (that arrow, or one crossing it there) is selected, and the
    // cursor is just after its send: the message is in flight on the stage and in the inspector.
    const selected = diagram.locator('.m-st-arrow.selected');
    assert.equal(await selected.count(), 1, 'the click selected no message');
    const [seek, msg] = [Number(await selected.getAttribute('data-seek')), await selected.getAttribute('data-msg')];
    assert.ok(seek < 300);
    assert.equal(await step(page), seek, 'the click did not seek to the send');
    const title = await page.locator('#minspector h2').innerText();
    assert.ok((await selected.locator('title').textContent()).startsWith(`${title}, `), title);
    assert.match(await page.locator('#minspector').innerText(), /From [rc]\d to [rc]\d\./);
    assert.equal(await page.locator(`#mstage .m-token[data-msg="${msg}"]`).count(), 1, 'the message is in flight on the stage');
  });

  await t.test('a click on a point seeks to it; a click on the plot seeks to that time', async () => {
    // An operation's call or answer on top where it is drawn (a call often sits on the answer
    // before it), left of the cursor.
    await diagram.scrollIntoViewIfNeeded();
    const hit = await diagram.locator('.m-st-point.invoke, .m-st-point.complete').evaluateAll((gs) => {
      const cursor = document.querySelector('#mst-cursor').getBoundingClientRect().x;
      for (const g of gs) {
        const r = g.querySelector('circle').getBoundingClientRect();
        const [x, y] = [r.x + r.width / 2, r.y + r.height / 2];
        if (x < cursor - 8 && document.elementFromPoint(x, y)?.closest('.m-st-point') === g) return { x, y, seek: g.dataset.seek };
      }
      return null;
    });
    assert.ok(hit, 'no operation point to click');
    await page.mouse.click(hit.x, hit.y);
    assert.equal(await step(page), Number(hit.seek));
    const [from, to] = (await page.locator('#mst-range').innerText()).match(/\d+/g).map(Number);
    const box = await diagram.boundingBox();
    // On the axis row, left of the middle: no arrow or point there.
    await page.mouse.click(box.x + box.width * 0.3, box.y + 3);
    const now = await clockTime(page);
    assert.ok(now >= from && now <= to, `t=${now} is not in the window ${from}..${to}`);
    assert.ok(now <= from + (to - from) * 0.35, `t=${now}: not near where the click was`);
  });

  await t.test('the window scrolls back and follows the cursor again', async () => {
    await page.locator('#mfwd').click();
    const range = async () => (await page.locator('#mst-range').innerText()).match(/\d+/g).map(Number);
    const [start] = await range();
    await page.locator('#mst-earlier').click();
    const [earlier] = await range();
    assert.ok(earlier < start, `${earlier} !< ${start}`);
    assert.equal(await page.locator('#mst-follow').getAttribute('aria-pressed'), 'false');
    await page.locator('#mst-follow').click();
    assert.deepEqual((await range())[0], start);
  });

  // ---- Exports, at step 300 again ----
  await setRange(page, '#mscrub', 300);
  assert.equal(await step(page), 300);
  await page.locator('#mexport > summary').click();
  const save = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(id).click()]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    return { name: download.suggestedFilename(), body: Buffer.concat(chunks) };
  };
  const stem = 'five-replicas-three-clients-seed-1';

  await t.test('the scenario and the trace download as JSON', async () => {
    const scenario = await save('#mexport-scenario');
    assert.equal(scenario.name, `${stem}.json`);
    const s = JSON.parse(scenario.body.toString());
    assert.equal(s.seed, 1);
    assert.equal(s.config.replicas, 5);
    assert.equal(s.title, 'Five replicas, three clients');
    const trace = await save('#mexport-trace');
    assert.equal(trace.name, `${stem}-trace.json`);
    const tr = JSON.parse(trace.body.toString());
    assert.equal(tr.format, 'paxos-playground multi-paxos trace');
    assert.ok(tr.steps >= 300, `${tr.steps} steps`);
    assert.match(tr.trace_hash, /^[0-9a-f]{16}$/);
    assert.ok(tr.events.some((e) => e.kind === 'chosen') && tr.events.some((e) => e.kind === 'send'));
  });

  await t.test('the history downloads as JSON Lines and as EDN', async () => {
    const json = await save('#mexport-history-json');
    assert.equal(json.name, `${stem}-history.jsonl`);
    const lines = json.body.toString().trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.length >= 5, `${lines.length} lines`);
    const edn = await save('#mexport-history-edn');
    assert.equal(edn.name, `${stem}-history.edn`);
    const text = edn.body.toString();
    assert.ok(text.split('\n').filter(Boolean).every((l) => l.startsWith('{:process ')), text.slice(0, 200));
    assert.match(text, /:type :invoke/);
    assert.match(text, /:type :ok/);
  });

  await t.test('the history diagram downloads as SVG and as PNG', async () => {
    const svg = await save('#mexport-history-svg');
    assert.equal(svg.name, `${stem}-history.svg`);
    const body = svg.body.toString();
    assert.match(body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(body, /Verdict: linearizable/);
    assert.match(body, />c0<\/text>/);
    const png = await save('#mexport-history-png');
    assert.equal(png.name, `${stem}-history.png`);
    assert.deepEqual([...png.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.body.length > 5000, `the PNG is only ${png.body.length} bytes`);
    assert.match(await page.locator('#mexport .export-status').innerText(), /Saved .*-history\.png/);
  });
  await page.locator('#mexport > summary').click();

  // ---- The slot's history ----
  await t.test('a click on a log cell tells that slot\'s history, whose steps seek', async () => {
    const cell = page.locator('#mlog .m-row[data-replica="0"] .m-cell.applied').first();
    const slot = await cell.getAttribute('data-slot');
    await cell.click();
    const inspector = page.locator(`#minspector[data-slot="${slot}"]`);
    await inspector.waitFor();
    assert.equal(await inspector.locator('h2').innerText(), `Slot #${slot}`);
    const story = await page.locator('#mslot-story').innerText();
    assert.match(story, /chosen: .* at ballot \d+\.\d+/);
    assert.match(story, /proposed .* at ballot \d+\.\d+, as leader/);
    assert.match(story, /accepted .* at ballot/);
    assert.match(story, /applied /);
    const link = inspector.locator('.m-step-link').first();
    const target = Number(await link.getAttribute('data-step'));
    await link.click();
    assert.equal(await step(page), target);
    assert.equal(await inspector.count(), 1, 'the story stays after seeking');
    assert.ok((await inspector.locator('li.future').count()) > 0, 'later moments are not marked as to come');
  });

  // ---- Screenshots: the diagram and the inspector, desktop and phone, light and dark ----
  const theme = async (want) => {
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== want) await page.locator('#mtheme').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), want);
  };
  for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 375, height: 812 }]]) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark']) {
      await theme(scheme);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the ${name} viewport`);
      await page.locator('#mspacetime').scrollIntoViewIfNeeded();
      if (name === 'phone') {
        // The diagram scrolls sideways here; following the cursor keeps it in view.
        await page.locator('#mst-earlier').click();
        await page.locator('#mst-follow').click();
        const [cursor, shown] = [await page.locator('#mst-cursor').boundingBox(), await page.locator('#mst-scroll').boundingBox()];
        assert.ok(cursor.x >= shown.x && cursor.x <= shown.x + shown.width, `the cursor at x=${cursor.x} is out of view`);
      }
      await page.locator('#mspacetime').screenshot({ path: `test-results/multi-export-diagram-${name}-${scheme}.png` });
      await page.locator('#minspector').screenshot({ path: `test-results/multi-export-inspector-${name}-${scheme}.png` });
    }
  }
  await shot('multi-export-page');
  await finish();
});
