// Preloaded with `node --import` by test/cli/lazy-loading.test.ts: writes every module the
// process loads to the file named by CTRB_TEST_MODULES_OUT, one per line. ES modules are
// seen by a resolve hook (record-modules-hooks.js, on Node's loader thread); CommonJS ones,
// which Node 20 loads without the hooks (a `require` inside a package, createRequire), are
// read from require's cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';

const out = process.env.CTRB_TEST_MODULES_OUT;
if (out) {
  register('./record-modules-hooks.js', { parentURL: import.meta.url, data: { out } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(out, Object.keys(cache).map((path) => `${path}\n`).join('')));
}
