#!/usr/bin/env node
// `ctrb`: runs the JavaScript that `npm ci` built into dist/ (scripts/build.js, the `prepare`
// script), so no TypeScript is compiled at start-up.
//
// Never a stale build: dist/build-stamp.json records what src/ held when dist/ was built.
// When src/ has changed since (a developer's edit), or dist/ is missing, the sources run
// through tsx where it is installed (a development checkout), else ctrb refuses and says
// to run `npm run build`. An install without src/ (the container image) runs dist/ as it is.
import module from 'node:module';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readStamp, sourceDigest } from './build-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = readStamp(dist);
const sources = sourceDigest(join(root, 'src'));

if (stamp !== undefined && (sources === undefined || stamp.sources === sources)) {
  // Node 22 and later keep V8's compiled code between runs (a no-op on Node 20).
  module.enableCompileCache?.();
  await import(pathToFileURL(join(dist, 'cli.js')).href);
} else {
  const why = stamp === undefined ? 'dist/ has not been built' : 'src/ has changed since dist/ was built';
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    process.stderr.write(`ctrb: ${why}, and tsx (a dev dependency) is not installed to run the sources: run \`npm run build\`\n`);
    process.exit(1);
  }
  process.stderr.write(`ctrb: ${why}; running src/ through tsx (slower to start; \`npm run build\` makes it fast again)\n`);
  tsx.register();
  await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
}
