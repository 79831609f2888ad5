/**
 * `ctrb` remembers the runbooks it parsed (src/runbook/memo.ts) in the cache folder, and an
 * edited runbook is read afresh: list, show and validate never answer from an older text.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ctrb } from './ctrb.js';

const made: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

const runbook = (title: string, when = 'row.eventName == "ConsoleLogin"') => `id: logins
title: ${title}
summary: Console sign-ins.
severity: low
steps:
  - id: q
    query: { where: { eventName: ConsoleLogin } }
  - id: flag
    check:
      - for_each: q
        when: ${when}
        severity: low
        message: "sign-in {{row.eventID}}"
`;

async function setUp(): Promise<{ dir: string; file: string; env: Record<string, string>; entries: () => Promise<number> }> {
  const dir = await tempDir('ctrb-memo-runbooks-');
  const cache = await tempDir('ctrb-memo-cache-');
  const file = join(dir, 'logins.yaml');
  const entries = async () => (await readdir(join(cache, 'runbooks')).catch(() => [])).length;
  return { dir, file, env: { CTRB_CACHE_DIR: cache }, entries };
}

describe('the runbook memo, as ctrb uses it', () => {
  it("answers the built-in runbooks from what the build read, from the first start with a new cache folder", async () => {
    const cache = await tempDir('ctrb-memo-fresh-');
    const env = { CTRB_CACHE_DIR: cache };
    const listed = await ctrb(['list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((r: { id: string }) => r.id)).toContain('root-activity');
    expect((await ctrb(['validate'], env)).stdout).toMatch(/\b(\d+) valid, 0 invalid/);
    expect((await ctrb(['show', 'root-activity'], env)).stdout).toContain('root-activity');
    // Every answer came from dist/runbook-memo/: nothing was parsed, so nothing new was remembered.
    expect(await readdir(join(cache, 'runbooks')).catch(() => [])).toEqual([]);
  });

  it('lists and shows an edited runbook as it now reads, never as it was remembered', async () => {
    const { dir, file, env, entries } = await setUp();
    await writeFile(file, runbook('Sign-ins'));
    const first = await ctrb(['--runbooks', dir, 'list', '--json'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([expect.objectContaining({ id: 'logins', title: 'Sign-ins' })]);
    expect(await entries()).toBe(1);
    expect((await ctrb(['--runbooks', dir, 'list', '--json'], env)).stdout).toBe(first.stdout);

    await writeFile(file, runbook('Sign-ins, edited'));
    const edited = await ctrb(['--runbooks', dir, 'list', '--json'], env);
    expect(JSON.parse(edited.stdout)).toEqual([expect.objectContaining({ title: 'Sign-ins, edited' })]);
    expect((await ctrb(['--runbooks', dir, 'show', 'logins'], env)).stdout).toContain('logins: Sign-ins, edited');
  });

  it('checks a runbook again once it is edited: valid, then invalid with its line, then valid', async () => {
    const { dir, file, env } = await setUp();
    await writeFile(file, runbook('Sign-ins'));
    expect((await ctrb(['validate', file], env)).stdout).toContain('1 valid, 0 invalid');
    expect((await ctrb(['validate', file], env)).stdout).toContain('1 valid, 0 invalid');

    await writeFile(file, runbook('Sign-ins', 'row.eventName ==')); // a CEL expression cut short
    const broken = await ctrb(['validate', file], env);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(new RegExp(`invalid ${file}\\n  ${file}:11:15  steps\\[1\\]\\.check\\[0\\]\\.when`));
    expect((await ctrb(['--runbooks', dir, 'list'], env)).code).toBe(0); // the schema holds; only CEL fails

    await writeFile(file, runbook('Sign-ins'));
    expect((await ctrb(['validate', file], env)).stdout).toContain('1 valid, 0 invalid');
  });

  it('never remembers an invalid runbook: every run reports its problems', async () => {
    const { dir, file, env, entries } = await setUp();
    await writeFile(file, runbook('Sign-ins').replace('severity: low\nsteps', 'severity: dire\nsteps'));
    for (let i = 0; i < 2; i++) {
      const out = await ctrb(['--runbooks', dir, 'list'], env);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`${file}:4:11  severity:`);
    }
    expect(await entries()).toBe(0);
  });
});
