/**
 * Ctrl-C during `ctrb run` or `ctrb sweep`, and SIGTERM to the background fill. What a load
 * staged (log files gunzipped and split, waiting in CTRB_SCRATCH_DIR, /dev/shm by default:
 * memory that only a reboot would give back) is removed before the process exits, and the
 * process exits with 128 + the signal's number and one line saying so.
 *
 * Each process is frozen (SIGSTOP) as soon as its scratch folder exists, which is for as long
 * as its load lasts; the signal is sent while it is frozen, so it lands mid-load however fast
 * the machine is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPending } from '../../src/query/engines/duckdb/cache/fill-jobs.js';
import { generateCloudTrail } from '../../src/sample/generate.js';

const BIN = fileURLToPath(new URL('../../bin/ctrb.js', import.meta.url));
const START = '2026-11-01T00:00:00Z';
const END = '2026-11-03T00:00:00Z';
const WINDOW = [`since=${START}`, `until=${END}`];

const scratch = mkdtempSync(join(tmpdir(), 'ctrb-interrupt-'));
const tree = join(scratch, 'logs');
const leftovers: number[] = [];

beforeAll(async () => {
  // Some thousand files over two days: a load that lasts long enough to be caught.
  await generateCloudTrail({ outDir: tree, start: START, days: 2, events: 40_000, seed: 'interrupted', incidents: false });
}, 120_000);

afterAll(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stderr: string;
}

function start(args: string[], env: Record<string, string>): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  leftovers.push(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, exited };
}

/** Polls a condition of the file system; the bound is for a machine under load, never the outcome. */
async function until(what: string, holds: () => boolean, boundMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!holds()) {
    if (Date.now() - started > boundMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const staged = (dir: string, prefix: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(prefix)) : []);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Folders of its own for one process: where it stages (CTRB_SCRATCH_DIR) and its temp folder. */
function folders(name: string): { stage: string; temp: string; env: Record<string, string> } {
  const stage = join(scratch, `${name}-stage`);
  const temp = mkdtempSync(join(scratch, `${name}-tmp-`));
  return { stage, temp, env: { CTRB_SCRATCH_DIR: stage, TMPDIR: temp } };
}

/**
 * Starts `ctrb <args>`, freezes it once its load is staging, sends `signal`, lets it go, and
 * checks that it exited with `code` saying why, leaving nothing in its folders.
 */
async function interruptMidLoad(name: string, args: string[], signal: 'SIGINT' | 'SIGTERM', code: number): Promise<string> {
  const { stage, temp, env } = folders(name);
  const { child, exited } = start(args, env);
  await until(`the ${name} to start staging`, () => staged(stage, 'ctrb-duckdb-').length > 0);
  child.kill('SIGSTOP');
  expect(staged(stage, 'ctrb-duckdb-'), 'frozen while loading').toHaveLength(1);
  child.kill(signal);
  child.kill('SIGCONT');
  const exit = await exited;
  expect(exit.code).toBe(code);
  expect(exit.stderr).toContain(`interrupted (${signal})`);
  expect(exit.stderr).not.toMatch(/\n\s+at /);
  expect(readdirSync(stage)).toEqual([]);
  expect(readdirSync(temp)).toEqual([]);
  return exit.stderr;
}

describe('interrupted mid-load', () => {
  it('ctrb run: Ctrl-C stops the load, removes what it staged, and exits 130', async () => {
    const stderr = await interruptMidLoad('run', ['run', 'root-activity', '--logs', tree, ...WINDOW, '--no-cache', '--json'], 'SIGINT', 130);
    expect(stderr).toContain('interrupted (SIGINT): the run stopped, and what it had staged on disk was removed');
  });

  it('ctrb sweep: SIGTERM stops the load, removes what it staged, and exits 143', async () => {
    await interruptMidLoad('sweep', ['sweep', '--logs', tree, '--since', START, '--until', END, '--no-cache', '--json'], 'SIGTERM', 143);
  });

  it('the background fill: SIGTERM removes what it staged and lets go of the lock, and the job waits for the next filler', async () => {
    const { stage, temp, env } = folders('fill');
    const cache = join(scratch, 'fill-cache');
    // A first run answers without filling the cache, then leaves the fill to a process of its own.
    const { exited } = start(['run', 'root-activity', '--logs', tree, ...WINDOW, '--json'], { ...env, CTRB_CACHE_DIR: cache });
    expect((await exited).code).toBe(0);
    await until('the fill to start staging', () => staged(stage, 'ctrb-duckdb-fill-').length > 0 && existsSync(join(cache, 'fill.lock')));
    const pid = Number(readFileSync(join(cache, 'fill.lock'), 'utf8'));
    leftovers.push(pid);
    process.kill(pid, 'SIGSTOP');
    expect(staged(stage, 'ctrb-duckdb-fill-'), 'frozen while filling').toHaveLength(1);
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGCONT');
    await until('the fill to exit', () => !alive(pid));
    expect(readdirSync(stage)).toEqual([]);
    expect(staged(temp, 'ctrb-duckdb-')).toEqual([]);
    expect(existsSync(join(cache, 'fill.lock'))).toBe(false);
    // The job it was working on is still there for the next run's filler.
    expect(await fillPending(cache)).toBe(true);
    expect(readdirSync(cache).filter((n) => /^fill-.*\.json$/.test(n))).toHaveLength(1);
  });
});
