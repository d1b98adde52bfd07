// The JS API: a page mounts a playground into its own element with mount(element, options),
// options as a plain JS object. Trunk's loader exposes the wasm
// module's exports as window.wasmBindings on the built page; a host page imports the same
// module (docs/embedding.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForApp, stopServer } from './lib/harness.mjs';

after(stopServer);

test('mount(element, options) renders a second, independent playground; bad options throw', async (t) => {
  const { page, shot, finish } = await openPage(t);
  await waitForApp(page);
  await page.waitForFunction(() => typeof window.wasmBindings?.mount === 'function');
  await page.evaluate(() => {
    const el = document.createElement('div');
    el.id = 'mounted';
    document.body.append(el);
    window.wasmBindings.mount(el, { lesson: 'small-quorums', controls: 'minimal', autoplay: false });
  });
  const mounted = page.locator('#mounted');
  await mounted.locator('#caption-bar').waitFor({ state: 'visible' });
  assert.match(await mounted.locator('#caption').innerText(), /\S/);
  assert.equal(await mounted.locator('#scrubber').count(), 0, 'minimal controls');
  assert.equal(await page.locator('#app #caption-bar').count(), 0, 'the page itself still runs its own scenario');
  assert.equal(new URL(page.url()).hash, '', 'mounting does not touch the address');

  const errors = await page.evaluate(() => {
    const tries = [{ controls: 'sideways' }, { speed: 'fast' }, 'not an object', { t: -1 }];
    return tries.map((o) => {
      try {
        window.wasmBindings.mount(document.createElement('div'), o);
        return null;
      } catch (e) {
        return String(e.message);
      }
    });
  });
  for (const e of errors) assert.match(e ?? 'did not throw', /^mount: /);
  await shot('share-mount');
  await finish();
});
