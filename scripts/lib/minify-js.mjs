// Trunk's post-build hook (Trunk.toml): minifies the page's wasm-bindgen JS with terser (npm,
// pinned in package-lock.json) and puts the new file's hash in index.html's integrity attribute
// when it has one (index.html asks for none today).
// Why: Trunk's own JS minifier cannot parse wasm-bindgen's `export default`, so the glue went
// out as written, about 10 KB gzip of the page's first load; minified it is about 4 KB less.
// Release builds only; the tools worker's JS is loaded on demand and left as it is.
import { minify } from 'terser';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('minify-js: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const htmlFile = path.join(dir, 'index.html');
let html = readFileSync(htmlFile, 'utf8');
const files = readdirSync(dir).filter((f) => /^playground-[0-9a-f]+\.js$/.test(f));
if (files.length !== 1) throw new Error(`minify-js: expected one playground-*.js in ${dir}, found ${files.join(', ') || 'none'}`);
for (const file of files) {
  const full = path.join(dir, file);
  const before = readFileSync(full);
  const out = await minify(before.toString('utf8'), {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  const after = Buffer.from(out.code, 'utf8');
  const [oldHash, newHash] = [sri(before), sri(after)];
  // index.html names the hash once, or not at all when the link asks for no integrity hash.
  const uses = html.split(oldHash).length - 1;
  const integrity = new RegExp(`integrity=[^>]*${file.replace('.', '\\.')}|${file.replace('.', '\\.')}[^>]*integrity=`);
  if (uses > 1 || (uses === 0 && integrity.test(html))) {
    throw new Error(`minify-js: index.html names ${file}'s hash ${uses} times, expected once (or no integrity attribute)`);
  }
  html = html.replace(oldHash, newHash);
  writeFileSync(full, after);
  console.log(`minify-js: ${file} ${before.length} -> ${after.length} bytes`);
}
writeFileSync(htmlFile, html);
