// Share links: "Copy link" puts the whole run (configuration, seed, schedule with what was done
// by hand, the moment) in the address; a fresh browser opening it rebuilds the identical run at
// the same moment (same trace hash). Bad links show #error-banner and open the default
// scenario; markup in a caption stays text and never runs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, pause, clockStep, baseUrl, stopServer } from './lib/harness.mjs';

after(stopServer);

const DEFAULT_TITLE = 'Two proposers, one value';

async function copyLink(page) {
  await page.locator('#copy-link').click();
  await page.locator('#share').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !/Copying/.test(document.querySelector('#copy-status').textContent));
  return page.locator('#share-link').inputValue();
}

test('copy link, open it in a fresh browser: the same run at the same moment', async (t) => {
  const first = await openPage(t);
  const { page } = first;
  await waitForApp(page);
  await pause(page);
  // Do something by hand: crash acceptor n3 at the current step, then go on a few steps.
  await page.locator('#stage g.node[data-node="3"]').click();
  await page.locator('#inspector button[data-action="crash"]').click();
  for (let i = 0; i < 5; i++) await page.locator('button#step-forward').click();
  const step = await clockStep(page);
  const hash = await page.locator('#trace-hash').innerText();
  const clock = await page.locator('#clock').innerText();

  const link = await copyLink(page);
  const base = await baseUrl();
  assert.ok(link.startsWith(base + '#s='), `the link is this page with a fragment: ${link.slice(0, 80)}`);
  assert.equal(new URL(page.url()).hash, link.slice(link.indexOf('#')), 'the address bar holds the link too');
  const fragmentChars = link.length - link.indexOf('#') - 1;
  assert.equal(await page.locator('#run-link-length').innerText(), `${fragmentChars} characters after the address (#s=…)`);
  assert.equal(await page.locator('#run-trace-hash').innerText(), hash);
  console.log(`share link: ${link.length} characters in all, ${fragmentChars} in the fragment (step ${step}, one action by hand)`);
  assert.ok(fragmentChars < 600, `a typical edited scenario's link stays under 600 characters (${fragmentChars})`);
  await first.shot('share-0-dialog');
  await first.finish();

  const second = await openPage(t, { urlPath: link.slice(base.length) });
  await waitForApp(second.page);
  const p2 = second.page;
  assert.equal(await p2.locator('button#play').getAttribute('aria-pressed'), 'false', 'a shared moment opens paused');
  assert.equal(await clockStep(p2), step);
  assert.equal(await p2.locator('#clock').innerText(), clock);
  assert.equal(await p2.locator('#trace-hash').innerText(), hash);
  assert.equal(await p2.locator('#stage g.node[data-node="3"]').getAttribute('data-up'), 'false', 'the crash by hand is in the link');
  assert.equal(await p2.locator('#error-banner').count(), 0);
  await second.shot('share-1-reopened');
  await second.finish();
});

// Links that must be refused, each with what the message says.
function hostileLinks() {
  const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
  return [
    ['oversized', 's=' + 'A'.repeat(70 * 1024), /at most 65536/],
    ['not base64', 's=%%%not*a*link', /damaged|characters/],
    ['truncated', 's=AXjaXYwxCsJAEEV3ErCwFrH8pLIIolha6QksvMC6WdkQ2Qk7G3', /damaged|cut short/],
    ['newer version', 's=' + b64([9, 120, 218, 3, 0, 0, 0, 0, 1]), /newer version/],
    ['version 0', 's=' + b64([0, 1, 2, 3]), /not a Paxos Playground scenario/],
    ['unknown lesson', 'lesson=%3Cscript%3Ealert(1)%3C%2Fscript%3E', /no lesson called/],
  ];
}

for (const [name, fragment, message] of hostileLinks()) {
  test(`a hostile link (${name}) shows the message and opens the default scenario`, async (t) => {
    const { page, shot, finish } = await openPage(t, { urlPath: '#' + fragment });
    await waitForApp(page);
    const banner = page.locator('#error-banner');
    await banner.waitFor({ state: 'visible' });
    assert.equal(await banner.getAttribute('role'), 'alert');
    const text = await banner.innerText();
    assert.match(text, message);
    assert.match(text, /default scenario is open instead/);
    assert.equal(await page.locator('.scenario-title').innerText(), DEFAULT_TITLE);
    assert.equal(await page.locator('#stage g.node').count(), 6);
    await shot(`share-hostile-${name.replace(/\W+/g, '-')}`);
    await finish();
  });
}

const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

test('markup in a title and captions shows as text and never runs (imported file, then its link)', async (t) => {
  const first = await openPage(t);
  const { page } = first;
  await waitForApp(page);
  const scenario = {
    version: 1,
    title: `Title ${XSS}`,
    description: 'hostile text',
    seed: 7,
    schedule: [{ at: { tick: 0 }, action: { propose: { node: 0, value: 0 } } }],
    captions: [{ step: 0, text: XSS }, { step: 3, text: 'second <b>caption</b>' }],
  };
  await page.locator('#copy-link').click();
  await page.locator('#import-file').setInputFiles({
    name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await page.locator('#caption').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#share').count(), 0, 'the dialog closes after an import');
  assert.equal(await page.locator('#error-banner').count(), 0, 'the file was accepted');
  assert.equal(await page.locator('#caption').innerText(), XSS);
  const link = await copyLink(page);
  await first.finish();

  const second = await openPage(t, { urlPath: link.slice((await baseUrl()).length) });
  const p2 = second.page;
  await waitForApp(p2);
  await p2.locator('#caption').waitFor({ state: 'visible' });
  assert.equal(await p2.locator('#caption').innerText(), XSS);
  assert.equal(await p2.locator('.scenario-title').innerText(), `Title ${XSS}`);
  assert.equal(await p2.locator('#caption img, #caption script, .scenario-title img').count(), 0);
  await p2.waitForTimeout(300);
  assert.equal(await p2.evaluate(() => window.__pwned), undefined);
  await second.shot('share-2-markup-as-text');
  await second.finish();
});

test('a bad scenario file shows the message and opens the default scenario', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=happy-path' });
  await waitForApp(page);
  const cases = [
    ['broken.json', '{"version": 1, "title": "x", "config": ', /damaged|not a scenario/],
    ['future.json', '{"version": 99}', /newer version/],
    ['huge.json', JSON.stringify({ version: 1, title: 'x'.repeat(5 * 1024 * 1024) }), /at most/],
    ['absurd.json', JSON.stringify({ version: 1, config: { topology: { Servers: { count: 250 } } } }), /./],
  ];
  for (const [name, text, message] of cases) {
    await page.locator('#copy-link').click();
    await page.locator('#import-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const banner = page.locator('#error-banner');
    await banner.waitFor({ state: 'visible' });
    const said = await banner.innerText();
    assert.match(said, message, name);
    assert.match(said, /default scenario is open instead/, name);
    assert.equal(await page.locator('.scenario-title').innerText(), DEFAULT_TITLE, name);
    await banner.locator('button').click();
  }
  // The lesson had other nodes: the space-time diagram must show the default scenario's lanes
  // (it once kept the lesson's, cached under the same seed).
  const nodes = await page.locator('g.node[data-node]').count();
  assert.equal(await page.locator('#spacetime g[data-lane]').count(), nodes, 'one lane per node on the stage');
  await shot('share-3-bad-file');
  await finish();
});

test('exports: the scenario and the trace as JSON, the diagram as SVG and PNG', async (t) => {
  const { page, finish } = await openPage(t);
  await waitForApp(page);
  await pause(page);
  for (let i = 0; i < 8; i++) await page.locator('button#step-forward').click();
  const hash = await page.locator('#trace-hash').innerText();
  await page.locator('#copy-link').click();
  const save = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(id).click()]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    return { name: download.suggestedFilename(), body: Buffer.concat(chunks) };
  };
  const scenario = await save('#export-scenario');
  assert.equal(scenario.name, 'two-proposers-one-value.json');
  const s = JSON.parse(scenario.body.toString());
  assert.equal(s.title, DEFAULT_TITLE);
  assert.equal(s.cursor, await clockStep(page));

  const trace = JSON.parse((await save('#export-trace')).body.toString());
  assert.equal(trace.format, 'paxos-playground-trace');
  assert.equal(trace.trace_hash, hash);
  assert.ok(trace.events.length > 0);

  const svg = (await save('#export-svg')).body.toString();
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /stroke:\s*rgb/, 'computed colours are inlined');
  assert.match(svg, /data-lane="0"/);

  const png = await save('#export-png');
  assert.equal(png.name, 'two-proposers-one-value.png');
  assert.deepEqual([...png.body.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG file');
  assert.ok(png.body.length > 2000, `the PNG has content (${png.body.length} bytes)`);
  await finish();
});
