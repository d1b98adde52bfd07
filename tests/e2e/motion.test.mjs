// prefers-reduced-motion: with `reduce`, nothing plays by itself (the default run, an embed
// asking for autoplay, a new world from the configuration dialog), Play still plays when
// pressed, and the stage's tokens jump from event to event instead of gliding. Without it, the
// default run plays by itself and its tokens glide.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, clockStep, stopServer } from './lib/harness.mjs';

after(stopServer);

const pressed = (page) => page.locator('button#play').getAttribute('aria-pressed');

/**
 * Samples the clock's step and every token's transform on each animation frame for `ms`.
 * Returns the frames and how many times a token moved between two frames at the same step.
 */
async function sampleTokens(page, ms) {
  return page.evaluate(async (ms) => {
    const frames = [];
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => requestAnimationFrame(r));
      const step = Number(document.querySelector('#clock').textContent.match(/step\s+(\d+)/)[1]);
      const tokens = Object.fromEntries(
        [...document.querySelectorAll('#stage g.tokens g.msg')].map((g) => [g.dataset.msg, g.getAttribute('transform')]),
      );
      frames.push({ step, tokens });
    }
    let glides = 0;
    for (let i = 1; i < frames.length; i++) {
      const [a, b] = [frames[i - 1], frames[i]];
      if (a.step !== b.step) continue;
      for (const [id, at] of Object.entries(b.tokens)) if (id in a.tokens && a.tokens[id] !== at) glides++;
    }
    const withTokens = frames.filter((f) => Object.keys(f.tokens).length > 0).length;
    return { frames: frames.length, withTokens, glides, steps: [frames[0]?.step, frames.at(-1)?.step] };
  }, ms);
}

test('reduced motion: no autoplay; Play plays; tokens jump, never glide', async (t) => {
  const { page, shot, finish } = await openPage(t, { reducedMotion: 'reduce' });
  await waitForApp(page);
  await page.waitForTimeout(1500);
  assert.equal(await pressed(page), 'false', 'the default run must not play by itself under reduced motion');
  assert.equal(await clockStep(page), 0, 'the run did not advance by itself');
  await shot('motion-reduced-0-waiting');

  await page.locator('button#play').click();
  assert.equal(await pressed(page), 'true', 'Play plays when pressed');
  const sample = await sampleTokens(page, 2500);
  console.log(`reduced motion, playing: ${JSON.stringify(sample)}`);
  assert.ok(sample.steps[1] > sample.steps[0], `the run advanced while playing: ${sample.steps}`);
  assert.ok(sample.withTokens > 10, `tokens were on the stage while sampling (${sample.withTokens} frames)`);
  assert.equal(sample.glides, 0, 'a token moved between two frames of the same step: it glided');
  await page.locator('button#play').click();
  await shot('motion-reduced-1-played');

  // A new world from the configuration dialog waits for Play too.
  await page.locator('#open-config').click();
  await page.locator('button#reset').click();
  await page.locator('#config').waitFor({ state: 'detached' });
  await page.waitForTimeout(500);
  assert.equal(await pressed(page), 'false', 'a new world must not play by itself under reduced motion');
  assert.equal(await clockStep(page), 0);
  await finish();
});

test('reduced motion: an embed asking for autoplay waits for Play', async (t) => {
  const { page, finish } = await openPage(t, { urlPath: '?embed&controls=minimal&autoplay=1', reducedMotion: 'reduce', viewport: { width: 720, height: 480 } });
  await waitForApp(page);
  await page.waitForTimeout(1000);
  assert.equal(await pressed(page), 'false');
  assert.equal(await clockStep(page), 0);
  await page.locator('button#play').click();
  await page.waitForFunction(() => /step\s+[1-9]/.test(document.querySelector('#clock').textContent));
  await finish();
});

test('without reduced motion: the default run plays by itself and tokens glide', async (t) => {
  const { page, finish } = await openPage(t, { reducedMotion: 'no-preference' });
  await waitForApp(page);
  assert.equal(await pressed(page), 'true', 'the default run plays by itself');
  const sample = await sampleTokens(page, 2500);
  console.log(`no preference, playing: ${JSON.stringify(sample)}`);
  assert.ok(sample.glides > 0, 'tokens glide between the steps');
  await finish();
});
