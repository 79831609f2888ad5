/**
 * `npm run bench startup`: how long the catalogue commands take as whole processes, the way
 * a person at the terminal (or npx) starts them: `node bin/ctrb.js …`, from spawn to exit,
 * against the 0.3 s target. Beside them `node -e 0`, the floor no Node program starts under
 * on this machine, and each command as a multiple of it (a ratio a loaded machine changes
 * less than the seconds).
 *
 * The runs take turns (floor, list, show, validate, explain, floor, …) so that a change in
 * the machine's load falls on every command alike; the load average is printed before and
 * after. The runbooks are read through this build's runbook memo, as every run after the
 * first does; a first run with a new cache folder (only the entries the build wrote into
 * dist/runbook-memo/) is measured on its own. The
 * cache folder is a temporary one, never the user's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile, printFigure } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_S = 0.3;
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15);

const COMMANDS: [string, string[]][] = [
  ['ctrb list', ['list']],
  ['ctrb show', ['show', 'root-activity']],
  ['ctrb validate', ['validate', 'runbooks/']],
  ['ctrb explain', ['explain', 'root-activity']],
];

/** Seconds from spawn to exit of `node …args` (or of `command …args`); throws on a failed run (a figure of an error is no figure). */
function timeProcess(args: string[], env: NodeJS.ProcessEnv, command = process.execPath): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], shell: command === 'npx' && process.platform === 'win32' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`);
  return elapsed;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const s = (v: number) => `${v.toFixed(3)} s`;

export async function main(): Promise<void> {
  // The bench measures the build, never the sources through tsx: bring dist/ up to date first.
  const built = spawnSync(process.execPath, ['scripts/build.js', '--prepare'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('scripts/build.js failed');

  const cacheDir = await mkdtemp(join(tmpdir(), 'ctrb-bench-startup-'));
  const env = { ...process.env, CTRB_CACHE_DIR: cacheDir, CTRB_CACHE: 'on' };
  try {
    console.log(`\nstartup: whole processes, node bin/ctrb.js … (${RUNS} runs each, taking turns); load average ${load()}`);
    const bin = join(ROOT, 'bin', 'ctrb.js');

    // The first run after a build: every runbook parsed, none yet in the memo.
    const first: number[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 5)); i++) {
      await rm(cacheDir, { recursive: true, force: true });
      first.push(timeProcess([bin, 'list'], env));
    }
    // Fills the memo (validate's verdicts too) and the file system's cache.
    for (const [, args] of COMMANDS) timeProcess([bin, ...args], env);

    const times = new Map<string, number[]>([['floor', []], ...COMMANDS.map(([name]): [string, number[]] => [name, []])]);
    for (let i = 0; i < RUNS; i++) {
      times.get('floor')!.push(timeProcess(['-e', '0'], env));
      for (const [name, args] of COMMANDS) times.get(name)!.push(timeProcess([bin, ...args], env));
    }

    const floor = median(times.get('floor')!);
    printFigure('node -e 0 (the floor)', s(floor), `p90 ${s(percentile(times.get('floor')!, 90))}`);
    for (const [name] of COMMANDS) {
      const runs = times.get(name)!;
      const m = median(runs);
      printFigure(name, s(m), `p90 ${s(percentile(runs, 90))}  target ≤ ${TARGET_S} s: ${m <= TARGET_S ? 'met' : 'missed'}  ${(m / floor).toFixed(1)}× the floor`);
    }
    // npx finds the bin through npm's own CLI, which starts first: what `npx ctrb list` adds.
    const npx = Array.from({ length: Math.max(3, Math.ceil(RUNS / 3)) }, () => timeProcess(['ctrb', 'list'], env, 'npx'));
    const npxMedian = median(npx);
    printFigure('npx ctrb list', s(npxMedian), `p90 ${s(percentile(npx, 90))}  (npm's CLI starts first; not held to the target)  ${(npxMedian / floor).toFixed(1)}× the floor`);
    const firstMedian = median(first);
    printFigure('ctrb list, first run', s(firstMedian), `p90 ${s(percentile(first, 90))}  (a new cache folder: the runbooks from the build's memo)  ${(firstMedian / floor).toFixed(1)}× the floor`);
    console.log(`load average after: ${load()}`);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
