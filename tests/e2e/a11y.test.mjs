// Accessibility scans with axe-core (npm, pinned in package.json), injected into the page: the
// full page in light and dark theme, every dialog in both themes, a lesson paused at a
// violation, the embed (minimal and full controls, both themes) and the phone layout (375 x 812).
// No scan may report a serious or critical violation. Each scan's findings (rule ids and counts,
// whatever their impact) are printed and written to test-results/axe.json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openPage, waitForApp, pause, fastest, stopServer, RESULTS } from './lib/harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BLOCKING = ['serious', 'critical'];
const report = {}; // scan name -> [{ id, impact, nodes }]

after(async () => {
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, 'axe.json'), JSON.stringify(report, null, 2) + '\n');
  await stopServer();
});

/** Runs axe on the page as it is now; records and prints the findings; returns the serious and critical ones. */
async function scan(page, name) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      examples: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}`),
    }));
  });
  report[name] = found.map(({ id, impact, nodes }) => ({ id, impact, nodes }));
  const summary = found.map((v) => `${v.id} (${v.impact}) x${v.nodes}`).join(', ') || 'none';
  console.log(`axe ${name}: ${summary}`);
  return found
    .filter((v) => BLOCKING.includes(v.impact))
    .map((v) => `${name}: ${v.id} (${v.impact}) x${v.nodes}: ${v.examples.join(' | ')}`);
}

/** Every scan of a test runs (so the report is complete), then the test fails on any finding. */
function noBlocking(found) {
  assert.deepEqual(found.flat(), [], 'axe: serious or critical violations');
}

/** Opens a dialog with its header button, checks that it took focus, scans it, closes it with Escape. */
async function scanDialog(page, opener, dialog, name, shot) {
  await page.locator(opener).click();
  await page.locator(dialog).waitFor({ state: 'visible' });
  assert.ok(await page.evaluate((sel) => document.querySelector(sel).contains(document.activeElement), dialog), `${name}: focus moved into the dialog`);
  if (dialog === '#share') {
    await page.waitForFunction(() => !/Copying/.test(document.querySelector('#copy-status')?.textContent ?? 'Copying'));
  }
  await shot?.(`a11y-dialog-${name}`, { fullPage: false });
  const found = await scan(page, name);
  await page.keyboard.press('Escape');
  await page.locator(dialog).waitFor({ state: 'detached' });
  return found;
}

const DIALOGS = [
  ['#open-config', '#config', 'config'],
  ['#copy-link', '#share', 'share'],
  ['#open-lessons', '#lessons', 'lessons'],
  ['#open-check', '#check', 'check'],
  ['#open-embed', '#embed', 'embed-dialog'],
  ['#open-help', '#help', 'help'],
];

for (const scheme of ['light', 'dark']) {
  test(`axe: the page and every dialog, ${scheme} theme`, async (t) => {
    const { page, shot, finish } = await openPage(t, { colorScheme: scheme });
    await waitForApp(page);
    await pause(page);
    // A moment with messages in flight, a node selected (the inspector) and the chips shown.
    for (let i = 0; i < 4; i++) await page.locator('button#step-forward').click();
    await page.locator('#stage g.node[data-node="2"]').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), scheme);
    await shot(`a11y-page-${scheme}`);
    const found = [await scan(page, `page-${scheme}`)];
    // A partition: the chips in two groups, the group badges on the stage.
    await page.locator('#network [data-chip="0"]').click();
    await page.locator('#network [data-chip="3"]').click();
    await page.locator('#partition').click();
    await shot(`a11y-partition-${scheme}`);
    found.push(await scan(page, `partition-${scheme}`));
    for (const [opener, dialog, name] of DIALOGS) {
      found.push(await scanDialog(page, opener, dialog, `${name}-${scheme}`, shot));
    }
    noBlocking(found);
    await finish();
  });
}

test('axe: a lesson paused at a violation', async (t) => {
  const { page, shot, finish } = await openPage(t, { urlPath: '#lesson=forgetful-acceptor' });
  await waitForApp(page);
  await fastest(page);
  // Play on until the run pauses by itself on the first violation.
  for (let i = 0; i < 40; i++) {
    if ((await page.locator('#safety [data-ok="false"]').count()) > 0) break;
    if ((await page.locator('button#play').getAttribute('aria-pressed')) === 'false') await page.locator('button#play').click();
    await page.waitForTimeout(250);
  }
  await pause(page);
  assert.ok((await page.locator('#safety [data-ok="false"]').count()) > 0, 'the lesson reached a violation');
  await shot('a11y-lesson-violation');
  noBlocking([await scan(page, 'lesson-violation')]);
  await finish();
});

for (const [controls, scheme] of [['minimal', 'light'], ['full', 'dark']]) {
  test(`axe: the embed, ${controls} controls, ${scheme} theme`, async (t) => {
    const { page, shot, finish } = await openPage(t, {
      urlPath: `?embed&lesson=forgetful-acceptor&controls=${controls}&autoplay=0&t=40&theme=${scheme}`,
      viewport: { width: 720, height: 480 },
    });
    await waitForApp(page);
    await shot(`a11y-embed-${controls}-${scheme}`);
    const found = [await scan(page, `embed-${controls}-${scheme}`)];
    const headings = await page.locator('main#playground.embedded :is(h1, h2, h3)').count();
    if (headings === 0) found.push(['the embed has no heading']);
    noBlocking(found);
    await finish();
  });
}

test('axe: the phone layout (375 x 812), page and a dialog', async (t) => {
  const { page, shot, finish } = await openPage(t, { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true });
  await waitForApp(page);
  await pause(page);
  await shot('a11y-phone');
  const found = [await scan(page, 'phone')];
  found.push(await scanDialog(page, '#open-config', '#config', 'phone-config', shot));
  noBlocking(found);
  await finish();
});
