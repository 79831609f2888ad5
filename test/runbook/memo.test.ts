/**
 * The runbook memo: a runbook this build parsed before comes back from the cache folder
 * exactly as parsed, and only for the same build, file name and text; what did not pass is
 * never kept; a cache that cannot be written is passed by; the folder keeps a bounded number
 * of entries. What `ctrb` does with it (an edited runbook is read afresh) is in
 * test/cli/runbook-memo.test.ts.
 */
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_RUNBOOK_DIR, compareIds, RunbookLibrary } from '../../src/runbook/library.js';
import { runbookFromText } from '../../src/runbook/load.js';
import { openRunbookMemo, RunbookMemo } from '../../src/runbook/memo.js';
import { readRunbookDir } from '../../src/runbook/read.js';
import type { Runbook } from '../../src/runbook/schema.js';

const made: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ctrb-memo-'));
  made.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

const TEXT = `id: logins
title: Sign-ins
summary: Console sign-ins.
severity: low
steps:
  - id: q
    query: { where: { eventName: ConsoleLogin } }
`;
const FILE = '/runbooks/logins.yaml';

describe('the runbook memo', () => {
  it('gives back what a runbook parsed to, for the same build, file name and text only', async () => {
    const cache = await tempDir();
    const memo = new RunbookMemo(cache, 'build-a');
    const { runbook } = runbookFromText(TEXT, FILE);
    expect(await memo.runbook(FILE, TEXT)).toBeUndefined();
    await memo.rememberRunbook(FILE, TEXT, runbook);

    expect(await memo.runbook(FILE, TEXT)).toEqual(runbook);
    expect(await memo.runbook('/elsewhere/logins.yaml', TEXT)).toEqual(runbook); // the same name in another folder
    expect(await memo.runbook(FILE, TEXT.replace('Sign-ins', 'Sign-ins, edited'))).toBeUndefined();
    expect(await memo.runbook('/runbooks/other.yaml', TEXT)).toBeUndefined();
    expect(await new RunbookMemo(cache, 'build-b').runbook(FILE, TEXT)).toBeUndefined();
  });

  it('gives back every built-in runbook exactly as the parser gave it', async () => {
    const memo = new RunbookMemo(await tempDir(), 'build-a');
    const parsed = await readRunbookDir(BUILTIN_RUNBOOK_DIR, memo);
    expect(parsed.length).toBeGreaterThan(20);
    const again = await readRunbookDir(BUILTIN_RUNBOOK_DIR, memo);
    expect(again).toEqual(parsed);
    expect((await readdir(memo.dir!)).length).toBe(parsed.length);
  });

  it("reads the build's own entries after its folder's, and never writes there", async () => {
    // What scripts/build.js leaves in dist/runbook-memo/: the built-in runbooks, read once.
    const seededRoot = await tempDir();
    const atBuild = new RunbookMemo(seededRoot, 'build-a');
    const { runbook } = runbookFromText(TEXT, FILE);
    await atBuild.rememberRunbook(FILE, TEXT, runbook);
    await atBuild.rememberValid(FILE, TEXT);
    const seeded = join(seededRoot, 'runbooks');
    const before = await readdir(seeded);

    const cache = await tempDir();
    const memo = new RunbookMemo(cache, 'build-a', 1000, seeded);
    expect(await memo.runbook(FILE, TEXT)).toEqual(runbook);
    expect(await memo.isValid(FILE, TEXT)).toBe(true);
    expect(await new RunbookMemo(cache, 'build-b', 1000, seeded).runbook(FILE, TEXT)).toBeUndefined();
    // A runbook the build did not read goes to the cache folder, not beside the build's.
    const other = TEXT.replace('Sign-ins', 'Other sign-ins');
    await memo.rememberRunbook(FILE, other, runbookFromText(other, FILE).runbook);
    expect(await readdir(seeded)).toEqual(before);
    expect(await readdir(join(cache, 'runbooks'))).toHaveLength(1);

    // With the cache off: the build's entries still answer, and nothing is written anywhere.
    const off = new RunbookMemo(undefined, 'build-a', 1000, seeded);
    expect(await off.runbook(FILE, TEXT)).toEqual(runbook);
    await off.rememberRunbook(FILE, other, runbookFromText(other, FILE).runbook);
    expect(await off.runbook(FILE, other)).toBeUndefined();
    expect(await readdir(seeded)).toEqual(before);
  });

  it('keeps nothing JSON would not give back whole', async () => {
    const memo = new RunbookMemo(await tempDir(), 'build-a');
    const { runbook } = runbookFromText(TEXT, FILE);
    await memo.rememberRunbook(FILE, TEXT, { ...runbook, summary: undefined } as unknown as Runbook);
    expect(await memo.runbook(FILE, TEXT)).toBeUndefined();
  });

  it('remembers that validate found a text valid, for that text only', async () => {
    const memo = new RunbookMemo(await tempDir(), 'build-a');
    expect(await memo.isValid(FILE, TEXT)).toBe(false);
    await memo.rememberValid(FILE, TEXT);
    expect(await memo.isValid(FILE, TEXT)).toBe(true);
    expect(await memo.isValid(FILE, `${TEXT}\n# a comment`)).toBe(false);
    // A verdict is not a parsed runbook.
    expect(await memo.runbook(FILE, TEXT)).toBeUndefined();
  });

  it('reads an entry that is not whole JSON as a miss, and writes it again', async () => {
    const memo = new RunbookMemo(await tempDir(), 'build-a');
    const { runbook } = runbookFromText(TEXT, FILE);
    await memo.rememberRunbook(FILE, TEXT, runbook);
    const [entry] = await readdir(memo.dir!);
    await writeFile(join(memo.dir!, entry!), '{"runbook": {"id": "log');
    expect(await memo.runbook(FILE, TEXT)).toBeUndefined();
    await memo.rememberRunbook(FILE, TEXT, runbook);
    expect(await memo.runbook(FILE, TEXT)).toEqual(runbook);
  });

  it('is passed by when its folder cannot be made: the library still loads', async () => {
    const blocked = join(await tempDir(), 'a-file');
    await writeFile(blocked, 'not a folder');
    const memo = new RunbookMemo(blocked, 'build-a');
    const library = await RunbookLibrary.load(BUILTIN_RUNBOOK_DIR, memo);
    expect(library.get('root-activity').runbook.id).toBe('root-activity');
    expect(await readFile(blocked, 'utf8')).toBe('not a folder');
  });

  it('keeps at most its number of entries, removing the oldest', async () => {
    const memo = new RunbookMemo(await tempDir(), 'build-a', 2);
    const texts = ['one', 'two', 'three'].map((word) => TEXT.replace('Sign-ins', word));
    const seen = new Set<string>();
    for (const [i, text] of texts.entries()) {
      await memo.rememberValid(FILE, text);
      // Entries written within one clock tick would tie: each new one is dated a minute after the last.
      for (const name of await readdir(memo.dir!)) {
        if (seen.has(name)) continue;
        seen.add(name);
        await utimes(join(memo.dir!, name), new Date(), new Date(Date.now() - (texts.length - i) * 60_000));
      }
    }
    expect((await readdir(memo.dir!)).length).toBe(2);
    expect(await memo.isValid(FILE, texts[0]!)).toBe(false);
    expect(await memo.isValid(FILE, texts[1]!)).toBe(true);
    expect(await memo.isValid(FILE, texts[2]!)).toBe(true);
  });

  it("belongs to a build: none without a build stamp; without a cache folder, only the build's own entries", async () => {
    const dir = await tempDir();
    const stamp = join(dir, 'build-stamp.json');
    const url = new URL(`file://${stamp}`);
    expect(openRunbookMemo(url, dir)).toBeUndefined();
    await writeFile(stamp, JSON.stringify({ id: 'abc123' }));
    expect(openRunbookMemo(url, dir)?.build).toBe('abc123');
    expect(openRunbookMemo(url, dir)?.dir).toBe(join(dir, 'runbooks'));

    // The build left an entry beside its stamp: read with the cache off, never written to.
    const { runbook } = runbookFromText(TEXT, FILE);
    await new RunbookMemo(join(dir, 'runbook-memo'), 'abc123').rememberRunbook(FILE, TEXT, runbook);
    const off = openRunbookMemo(url, undefined);
    expect(off?.dir).toBeUndefined();
    expect(await off?.runbook(FILE, TEXT)).toEqual(runbook);
  });
});

describe('runbook ids', () => {
  it('sort as localeCompare sorts them', () => {
    const chars = 'ab1_-';
    const ids: string[] = [];
    for (const a of 'ab') for (const b of chars) for (const c of chars) ids.push(`${a}${b}${c}`, `${a}${b}`);
    expect([...ids].sort(compareIds)).toEqual([...ids].sort((x, y) => x.localeCompare(y)));
  });
});
