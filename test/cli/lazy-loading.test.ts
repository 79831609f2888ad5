/**
 * The catalogue commands start without the heavy packages: `ctrb list`, `show`, `validate`
 * and `explain` load none of the AWS SDK, Bolt, BullMQ/ioredis, DuckDB, vega/resvg or
 * prom-client (loading them took most of a second of each start). Each command runs as a
 * whole `node bin/ctrb.js` process with test/support/record-modules.js preloaded, which
 * writes down every module the process loads.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECORDER = join(ROOT, 'test', 'support', 'record-modules.js');
const HEAVY = /^(@aws-sdk|@smithy|@slack|bullmq|ioredis|@duckdb|vega|vega-lite|@resvg|prom-client)(\/|$)/;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ctrb-modules-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The packages (by name) a `ctrb` process loaded, the modules it loaded from dist/vendor/, and its exit code. */
async function packagesLoadedBy(args: string[]): Promise<{ code: number; stdout: string; packages: Set<string>; vendored: Set<string> }> {
  const out = join(scratch, `${args.join('-').replace(/[^a-z0-9-]/gi, '_')}.txt`);
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', RECORDER, join(ROOT, 'bin', 'ctrb.js'), ...args],
      // A cache folder of its own, empty: the built-in runbooks come from what the build read
      // (dist/runbook-memo/); any other runbook is parsed and checked, which loads all that a
      // run answered from the memo loads, and more.
      { cwd: ROOT, env: { ...process.env, CTRB_TEST_MODULES_OUT: out, CTRB_CACHE_DIR: `${out}.cache` }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout }),
    );
  });
  const packages = new Set<string>();
  const vendored = new Set<string>();
  for (const line of (await readFile(out, 'utf8')).split('\n')) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.[1];
    if (name) packages.add(name);
    const bundle = /dist\/vendor\/([^/]+)\.js$/.exec(line)?.[1];
    if (bundle) vendored.add(bundle);
  }
  return { code, stdout, packages, vendored };
}

const heavyIn = (packages: Set<string>) => [...packages].filter((p) => HEAVY.test(p)).sort();

describe('start-up of the catalogue commands', () => {
  const others = ['--runbooks', 'test/bot/runbooks'];
  for (const args of [
    ['list'],
    ['show', 'root-activity'],
    ['validate', 'runbooks/'],
    ['explain', 'root-activity'],
    ['explain', 'root-activity', '--engine', 'athena'],
    // Runbooks the build did not read: parsed, and checked with CEL, at this start.
    [...others, 'list'],
    ['validate', 'test/bot/runbooks/'],
    [...others, 'explain', 'root-logins'],
  ]) {
    it(`ctrb ${args.join(' ')} loads none of the heavy packages`, async () => {
      const { code, packages, vendored } = await packagesLoadedBy(args);
      expect(code).toBe(0);
      // The recorder sees modules: commander (bundled into dist/vendor/) parses every command line.
      expect(vendored).toContain('commander');
      expect(heavyIn(packages)).toEqual([]);
    });
  }

  it('ctrb run loads DuckDB, which it runs on, and not what it does not use', async () => {
    const { code, packages } = await packagesLoadedBy(['run', 'root-activity', '--json']);
    expect(code).toBe(0);
    // Its JavaScript API is bundled into dist/vendor/ (scripts/build.js); its native bindings are not.
    expect(packages).toContain('@duckdb/node-bindings');
    // No --timeline: nothing of vega; no AWS, Slack or Redis from the terminal; no
    // prom-client, as nothing serves /metrics there (src/log/measure.ts).
    expect(heavyIn(packages).filter((p) => !/^@duckdb/.test(p))).toEqual([]);
    // No --evidence: neither the CSV nor the zip writer.
    expect([...packages].filter((p) => p === 'csv-stringify' || p === 'fflate')).toEqual([]);
  });

  it('ctrb run plans a remediation without loading the IAM SDK, which only reading and changing IAM need', async () => {
    // The bundled sample's leaked key (samples/README.md): the run plans deactivating it.
    const { code, stdout, packages } = await packagesLoadedBy(['run', 'compromised-credentials', 'credential=AKIAJ63F99Z1QEIMQU6Q', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { steps: { plan?: { calls: { operation: string; params: Record<string, string> }[] } }[] };
    const calls = result.steps.flatMap((s) => s.plan?.calls ?? []);
    expect(calls).toContainEqual({ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'ci-deploy', AccessKeyId: 'AKIAJ63F99Z1QEIMQU6Q', Status: 'Inactive' } });
    expect(heavyIn(packages).filter((p) => !/^@duckdb/.test(p))).toEqual([]);
  });

  it('ctrb run and ctrb sweep take the built-in runbooks from the memo: no YAML is parsed', async () => {
    for (const args of [['run', 'root-activity', '--json'], ['sweep', '--json']]) {
      const { code, packages, vendored } = await packagesLoadedBy(args);
      expect(code, args.join(' ')).toBe(0);
      expect(vendored, args.join(' ')).toContain('commander');
      expect(packages, args.join(' ')).not.toContain('yaml');
    }
    // Where a runbook is not in the memo, its YAML is parsed: the package is seen when loaded.
    expect((await packagesLoadedBy(['--runbooks', 'test/bot/runbooks', 'list'])).packages).toContain('yaml');
  });
});
