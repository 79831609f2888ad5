#!/usr/bin/env node
// `npm run build` (and `npm ci`, through the `prepare` script): src/**/*.ts → dist/, one
// JavaScript file per source file, with source maps, then dist/build-stamp.json.
//
// esbuild only strips the types (type checking is `npm run typecheck`, part of lint): the
// whole tree builds in a second or two, so `npm ci` can build every time and bin/ctrb.js runs
// plain JavaScript instead of compiling TypeScript at every start. The sources are not
// bundled: dist/ mirrors src/, so `import.meta.url` means what it means in src/ (a module
// finds the runbooks, or a worker script, where it would from src/), and a stack trace names
// the file it came from.
//
// A few dependencies are bundled, each into one file in dist/vendor/ that the built modules
// import instead of the package: zod and CEL are made of some 200 small modules, and Node
// resolving, reading and linking each of them was a third of `ctrb explain`'s start-up.
// DuckDB's JavaScript API (CommonJS, some 60 modules that Node parsed again at every start of
// `ctrb run`) is bundled the same way; its native bindings stay in node_modules. So are the
// small CommonJS packages every command loads (commander, picocolors, cli-table3, ipaddr.js,
// fastest-levenshtein): Node scans each CommonJS module for its exports before an ES module
// may import it, about 30 ms of `ctrb list` and `ctrb show`.
// Every import of their packages must go through VENDORED (the build refuses otherwise), so
// that the process holds one copy of each, never a bundled one beside node_modules' own.
//
//   node scripts/build.js            build
//   node scripts/build.js --prepare  what `npm ci` runs: build when dist/ is missing or older
//                                    than src/; when esbuild is not installed (an install
//                                    with --omit=dev), accept a dist/ that is up to date and
//                                    refuse with a clear message otherwise.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readStamp, sourceDigest, STAMP_FILE } from '../bin/build-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const prepare = process.argv.includes('--prepare');

/** Package import → the file in dist/vendor/ that bundles it. */
const VENDORED = {
  zod: 'zod',
  '@bufbuild/cel': 'bufbuild-cel',
  '@bufbuild/cel/ext': 'bufbuild-cel-ext',
  '@duckdb/node-api': 'duckdb-node-api',
  commander: 'commander',
  picocolors: 'picocolors',
  'fastest-levenshtein': 'fastest-levenshtein',
  'ipaddr.js': 'ipaddr',
  'cli-table3': 'cli-table3',
};
/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (path) => path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/');
const VENDORED_PACKAGES = new Set(Object.keys(VENDORED).map(packageOf));
/**
 * The imports that must be vendored: any of a vendored package (a subpath not listed above is
 * refused), and any package of the @bufbuild scope, whose modules CEL's bundle holds.
 */
const mustBeVendored = (path) => VENDORED_PACKAGES.has(packageOf(path)) || path.startsWith('@bufbuild/');
/**
 * Vendored packages written as CommonJS. Bundled as an ES module, such a package would export
 * only `default`: its bundle's entry names each of its exports instead, read from the package
 * itself at build time, so a name the sources import is never missing.
 */
const COMMONJS_VENDORED = new Set(['@duckdb/node-api', 'commander', 'picocolors', 'ipaddr.js', 'cli-table3']);
/** Native code stays in node_modules: the vendored DuckDB API requires its bindings from there. */
const VENDOR_EXTERNAL = ['@duckdb/node-bindings'];

/** The lock file's digest: a dependency upgraded is a different build, even with the same sources. */
function dependencyDigest() {
  try {
    return createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
  } catch {
    return undefined;
  }
}

// Taken before compiling: a source edited while the build runs leaves the stamp behind it
// (stale), never ahead of it.
const sources = sourceDigest(src);
const dependencies = dependencyDigest();
const stamp = readStamp(dist);
const upToDate = stamp !== undefined && (sources === undefined || (stamp.sources === sources && stamp.dependencies === dependencies));

if (prepare && upToDate) {
  process.stdout.write('ctrb: dist/ is up to date with src/\n');
  process.exit(0);
}
if (sources === undefined) {
  process.stderr.write(`ctrb: no src/ to build from in ${root}\n`);
  process.exit(1);
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write(
    'ctrb: cannot build dist/: esbuild is not installed (it is a dev dependency).\n' +
      '  Build with the dev dependencies (`npm ci`, then `npm run build`), or copy a built dist/ beside a production install.\n',
  );
  process.exit(1);
}

const started = Date.now();
const entryPoints = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
  .map((e) => join(e.parentPath ?? e.path, e.name));

/**
 * Each source file compiles to its own module: its relative imports and its packages stay
 * imports (external), except the vendored packages, which point at dist/vendor/.
 */
const mirror = {
  name: 'mirror-src-and-vendor',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!mustBeVendored(args.path)) return { path: args.path, external: true };
      const name = VENDORED[args.path];
      if (name === undefined) return { errors: [{ text: `${args.path} is not vendored: add it to VENDORED in scripts/build.js` }] };
      const from = dirname(join(dist, relative(src, args.importer)));
      const path = relative(from, join(dist, 'vendor', `${name}.js`)).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

/** The entry of a CommonJS package's bundle (COMMONJS_VENDORED): its exports, by name. */
const namedExports = {
  name: 'named-exports-of-commonjs',
  setup(build) {
    build.onResolve({ filter: /^ctrb-named:/ }, (args) => ({ path: args.path.slice('ctrb-named:'.length), namespace: 'ctrb-named' }));
    build.onLoad({ filter: /.*/, namespace: 'ctrb-named' }, (args) => {
      const names = Object.keys(createRequire(join(root, 'package.json'))(args.path)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      // require, not import: a package with an ES module wrapper of its own (commander) would
      // give that, which has no default export.
      return { contents: `const api = require('${args.path}');\nexport default api;\nexport const { ${names.join(', ')} } = api;\n`, resolveDir: root, loader: 'js' };
    });
  },
};

const common = { format: 'esm', platform: 'node', target: 'node20', bundle: true, logLevel: 'warning' };
rmSync(dist, { recursive: true, force: true });
const results = await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: Object.entries(VENDORED).map(([pkg, name]) => ({ in: COMMONJS_VENDORED.has(pkg) ? `ctrb-named:${pkg}` : pkg, out: name })),
    outdir: join(dist, 'vendor'),
    splitting: true,
    // A package's ES modules where it ships both (fastest-levenshtein): no CommonJS wrapper.
    mainFields: ['module', 'main'],
    external: VENDOR_EXTERNAL,
    plugins: [namedExports],
    // A bundled CommonJS module requires what stays external (the bindings): give it require.
    banner: { js: "import { createRequire as __ctrbCreateRequire } from 'node:module'; const require = __ctrbCreateRequire(import.meta.url);" },
    // Less text for V8 to parse at every start; these are other projects' code, read in their own repositories.
    minify: true,
  }),
  esbuild.build({
    ...common,
    entryPoints,
    outdir: dist,
    outbase: src,
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.build.json'),
    plugins: [mirror],
  }),
]).catch(() => process.exit(1));
if (results.some((r) => r.errors.length > 0)) process.exit(1);

const id = createHash('sha256').update(`${sources}\0${dependencies ?? ''}`).digest('hex').slice(0, 16);

// The built-in runbooks, read once here into the memo of this build (src/runbook/memo.ts), so
// that the first `ctrb list` of a fresh install parses no YAML. Not being able to is no
// failure of the build: ctrb then parses them at start, and `ctrb validate` names the problem.
let seeded = 0;
try {
  const { seedRunbookMemo } = await import(pathToFileURL(join(dist, 'terminal', 'commands', 'seed-memo.js')).href);
  const read = await seedRunbookMemo(dist, id);
  seeded = read.seeded;
  for (const problem of read.problems) process.stderr.write(`ctrb: not remembered at build: ${problem}\n`);
} catch (e) {
  process.stderr.write(`ctrb: the built-in runbooks were not read at build (${e.message}); ctrb parses them at start instead\n`);
}

writeFileSync(join(dist, STAMP_FILE), `${JSON.stringify({ id, sources, dependencies, files: entryPoints.length, builtAt: new Date().toISOString() }, null, 2)}\n`);
process.stdout.write(`ctrb: built ${entryPoints.length} modules into dist/ and read ${seeded} built-in runbooks in ${Date.now() - started} ms\n`);
