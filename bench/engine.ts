/**
 * The embedded engine's benchmark, measured as the person at the terminal waits: every
 * headline figure is a whole `node bin/ctrb.js …` process (as `npx ctrb` starts it), timed
 * from spawn to exit, with its CPU seconds and peak memory (/usr/bin/time). Over one generated
 * log tree (BENCH_EVENTS events, default 200,000; or BENCH_LOGS, a tree `ctrb sample` made):
 *
 *  - `ctrb list`: start-up alone, which every other figure includes;
 *  - root-activity, cold, without the cache: the headline run;
 *  - root-activity over logs the cache lacks (what a first run costs), then the background
 *    fill it leaves, until the cache holds every file;
 *  - root-activity again (warm), and iam-policy-changes, a runbook reading other fields,
 *    after the fill: both from the cache;
 *  - `ctrb sweep` cold (no cache), over logs the cache lacks, and warm;
 *  - over the same files in the same run: `gzip -dc | wc -c` on one core and on two, and jq
 *    with root-activity's filter.
 *
 * Each figure is the median of BENCH_RUNS processes (default 3), printed against its target;
 * in-process figures (the engine alone, no start-up) stand beside them, labelled. The load
 * average is printed first and last: other work on the machine slows every figure.
 * BENCH_SWEEP_BASELINE (seconds: the cold sweep of a tree a tenth the size) adds the scale
 * figure; BENCH_JQ=off leaves jq out. The cache lives in temporary folders, never the user's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { QueryEngine } from '../src/query/engine.js';
import { createDuckDbEngine, fillPending, type DuckDbSession } from '../src/query/engines/duckdb/index.js';
import { PACKAGE_ROOT, RunbookLibrary } from '../src/runbook/library.js';
import { resolveParams } from '../src/runbook/params.js';
import { newRunContext } from '../src/run/context.js';
import { prepareRunbook } from '../src/run/prepare.js';
import { runRunbook } from '../src/run/runner.js';
import type { Reporter } from '../src/run/reporter.js';
import { benchData, BENCH_LOGS } from './data.js';
import { median, printFigure, seconds } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LOGS = BENCH_LOGS;
const SWEEP_BASELINE = process.env.BENCH_SWEEP_BASELINE ? Number(process.env.BENCH_SWEEP_BASELINE) : undefined;
const CTRB = join(PACKAGE_ROOT, 'bin', 'ctrb.js');

/** Targets (issue: fast from the first keystroke), on a 2-core machine. */
const TARGET = {
  coldSeconds: 2.5,
  coldRate: 400_000,
  jqTimes: 7,
  warmSeconds: 0.5,
  sweepColdTimes: 1.3,
  sweepWarmSeconds: 1,
  rssBytes: 2 * 1024 ** 3,
  scaleTimes: 10.5,
};

/** The same filter root-activity's first query applies, for jq. */
const JQ_FILTER = '.Records[] | select(.userIdentity.type == "Root") | {eventTime, eventName, eventSource, sourceIPAddress, userAgent, errorCode}';

/** One process: wall seconds (spawn to exit), CPU seconds (user + system), peak RSS. */
interface Proc {
  wall: number;
  cpu: number;
  rss: number | null;
  stdout: string;
}

const HAS_TIME = existsSync('/usr/bin/time');

function timeProcess(command: string, args: string[], env: Record<string, string> = {}, cwd = PACKAGE_ROOT): Proc {
  const report = join(tmpdir(), `ctrb-bench-time-${process.pid}`);
  const [file, argv] = HAS_TIME ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', report, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = seconds(started);
  if (r.status !== 0 && r.status !== 3) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  let cpu = Number.NaN;
  let rss: number | null = null;
  if (HAS_TIME) {
    const [kb, user, system] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    rss = kb! * 1024;
    cpu = user! + system!;
  }
  return { wall, cpu, rss, stdout: r.stdout };
}

const ctrb = (args: string[], env: Record<string, string>): Proc => timeProcess(process.execPath, [CTRB, ...args], env);
const shell = (script: string): Proc => timeProcess('bash', ['-o', 'pipefail', '-c', script], {}, LOGS);

/** The median process of several (by wall time), with the largest peak memory of them. */
function medianOf(procs: Proc[]): Proc {
  const byWall = [...procs].sort((a, b) => a.wall - b.wall);
  const mid = byWall[Math.floor((byWall.length - 1) / 2)]!;
  const rss = procs.some((p) => p.rss === null) ? null : Math.max(...procs.map((p) => p.rss!));
  return { ...mid, cpu: median(procs.map((p) => p.cpu)), rss };
}

function repeat(times: number, run: () => Proc): Proc {
  return medianOf(Array.from({ length: times }, run));
}

/** Wait for the background fill to end; its peak memory, read from /proc while it runs. */
async function waitForFill(cacheDir: string): Promise<{ seconds: number; rss: number | null }> {
  const started = process.hrtime.bigint();
  let rss: number | null = null;
  while (await fillPending(cacheDir)) {
    const pid = Number(readText(join(cacheDir, 'fill.lock')).trim() || NaN);
    const hwm = Number.isFinite(pid) ? /VmHWM:\s+(\d+) kB/.exec(readProc(pid))?.[1] : undefined;
    if (hwm) rss = Math.max(rss ?? 0, Number(hwm) * 1024);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { seconds: seconds(started), rss };
}

function readProc(pid: number): string {
  return readText(`/proc/${pid}/status`);
}

/** A file's text, or '' when it is not there (any more). */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const s = (t: number): string => `${t.toFixed(2)} s`;
const gb = (bytes: number | null): string => (bytes === null ? 'RSS unknown' : `${(bytes / 1024 ** 3).toFixed(2)} GB RSS`);
const cpuOf = (p: Proc): string => (Number.isNaN(p.cpu) ? '' : `, ${p.cpu.toFixed(1)} CPU-s`);
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** One line per figure: the time, CPU, memory, and the target it is held to. */
function figure(name: string, p: Proc, target: string, extra = ''): void {
  printFigure(name, s(p.wall), `${extra}${cpuOf(p)}, ${gb(p.rss)}; ${target}`);
}

/** The engine alone, in this process: a run's load and queries, no start-up (labelled as such). */
async function inProcess(runbookId: string, cacheDir: string | null, window: { start: Date; end: Date }): Promise<{ wall: number; fromCache: number }> {
  const library = await RunbookLibrary.load(join(PACKAGE_ROOT, 'runbooks'));
  const { runbook, file } = library.get(runbookId);
  const { params } = resolveParams(runbook, { since: window.start.toISOString(), until: window.end.toISOString() }, { now: window.end });
  // The built engine, as the processes above run it, when there is one.
  const built = join(PACKAGE_ROOT, 'dist', 'query', 'engines', 'duckdb', 'index.js');
  const create = existsSync(built) ? ((await import(pathToFileURL(built).href)) as { createDuckDbEngine: typeof createDuckDbEngine }).createDuckDbEngine : createDuckDbEngine;
  const duckdb = create({ logsDir: LOGS, cache: cacheDir === null ? false : { dir: cacheDir, maxBytes: 1024 ** 4 } });
  let fromCache = 0;
  const engine: QueryEngine = {
    name: 'duckdb',
    open: async (w, hooks) => {
      const session = await duckdb.open(w, hooks);
      if ('loaded' in session) fromCache = (session as DuckDbSession).loaded.filesFromCache;
      return session;
    },
  };
  const quiet: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
  const ctx = newRunContext({ runbookId, params, window, requestedBy: 'bench', source: 'terminal' });
  const started = process.hrtime.bigint();
  await runRunbook(prepareRunbook(runbook, file), ctx, { engine, reporter: quiet, gates: 'plan' });
  return { wall: seconds(started), fromCache };
}

/** Whether jq is there to compare with; BENCH_JQ=off leaves it out (at 10M events it takes minutes). */
function hasJq(): boolean {
  if (process.env.BENCH_JQ === 'off') return false;
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function main(): Promise<void> {
  const manifest = await benchData();
  const events = manifest.eventCount;
  const logsBytes = await folderBytes(join(LOGS, 'AWSLogs'));
  const [load1, load5] = loadavg();
  console.log(
    `\n# embedded engine, as processes (node bin/ctrb.js): ${events.toLocaleString('en-US')} events, ${manifest.fileCount} .json.gz files ` +
      `(${(logsBytes / 1024 ** 2).toFixed(0)} MB), median of ${RUNS}`,
  );
  console.log(`load average at the start: ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min) on ${availableParallelism()} cores`);
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'cli.js'))) console.log('note: no dist/ build; ctrb compiles TypeScript at every start (npm run build first)');

  const window = ['since=' + manifest.start, 'until=' + manifest.end];
  const sweepWindow = ['--since', manifest.start, '--until', manifest.end];
  const runArgs = (runbook: string, ...more: string[]): string[] => ['run', runbook, '--logs', LOGS, ...window, '--json', ...more];
  // The accounts a sweep derives from the tree (its manifest's own and partner accounts).
  const ownAccounts = [...manifest.accounts, ...manifest.partnerAccounts].join(',');
  const sweepArgs = (...more: string[]): string[] => ['sweep', '--logs', LOGS, ...sweepWindow, '--json', ...more];
  const scratch = await mkdtemp(join(tmpdir(), 'ctrb-bench-cache-'));
  const cacheEnv = (dir: string): Record<string, string> => ({ CTRB_CACHE_DIR: dir, CTRB_CACHE_MAX_SIZE: '1TB' });
  let peakRss = 0;
  const seen = (p: { rss: number | null }): void => void (peakRss = Math.max(peakRss, p.rss ?? 0));

  try {
    const start = repeat(RUNS, () => ctrb(['list'], cacheEnv(scratch)));
    figure('ctrb list (start-up)', start, 'in every figure below (start-up is measured apart)');

    // --- the files alone ------------------------------------------------------------------
    const files = `find AWSLogs -name '*.json.gz' -print0`;
    const zcat = repeat(RUNS, () => shell(`${files} | xargs -0 cat | gzip -dc | wc -c > /dev/null`));
    const zcat2 = repeat(RUNS, () => shell(`${files} | xargs -0 -P 2 -n 64 sh -c 'cat "$@" | gzip -dc | wc -c' _ > /dev/null`));
    printFigure('zcat | wc -c, 1 core', s(zcat.wall), `${cpuOf(zcat).slice(2)} (decompression alone)`);
    printFigure('zcat | wc -c, 2 cores', s(zcat2.wall), `${cpuOf(zcat2).slice(2)} (the floor of a cold run)`);
    const jq = hasJq() ? repeat(Math.min(RUNS, 2), () => shell(`${files} | xargs -0 cat | gzip -dc | jq -c '${JQ_FILTER}' > /dev/null`)) : null;
    if (jq) printFigure('jq, same filter', s(jq.wall), cpuOf(jq).slice(2));
    else if (process.env.BENCH_JQ === 'off') console.log('jq left out (BENCH_JQ=off)');
    else console.log('jq not found: install it to compare (Debian/Ubuntu: sudo apt-get install jq; macOS: brew install jq)');

    // --- one runbook --------------------------------------------------------------------------
    const cold = repeat(RUNS, () => ctrb(runArgs('root-activity', '--no-cache'), cacheEnv(scratch)));
    seen(cold);
    const rate = events / cold.wall;
    figure(
      'root-activity, cold',
      cold,
      `target ≤ ${TARGET.coldSeconds} s: ${verdict(cold.wall <= TARGET.coldSeconds)}; ≥ ${TARGET.coldRate.toLocaleString('en-US')} events/s: ${verdict(rate >= TARGET.coldRate)}`,
      `${Math.round(rate).toLocaleString('en-US')} events/s, no cache`,
    );
    const coldEngine = await inProcess('root-activity', null, { start: new Date(manifest.start), end: new Date(manifest.end) });
    printFigure('  in-process, cold', s(coldEngine.wall), `the engine alone (load + queries, no start-up): ${Math.round(events / coldEngine.wall).toLocaleString('en-US')} events/s`);
    if (jq) printFigure('  vs jq', `${(jq.wall / cold.wall).toFixed(1)}×`, `faster than jq (target ≥ ${TARGET.jqTimes}×: ${verdict(jq.wall / cold.wall >= TARGET.jqTimes)})`);
    printFigure('  vs zcat, 2 cores', `${(cold.wall / zcat2.wall).toFixed(2)}×`, `the decompression floor's time; ${(cold.wall / zcat.wall).toFixed(2)}× zcat on one core`);

    // A first run over logs the cache lacks, each into an empty cache; the last one stays.
    let cacheDir = '';
    const fills: Proc[] = [];
    const fillWaits: { seconds: number; rss: number | null }[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
      cacheDir = await mkdtemp(join(scratch, 'fill-'));
      fills.push(ctrb(runArgs('root-activity'), cacheEnv(cacheDir)));
      fillWaits.push(await waitForFill(cacheDir));
    }
    const fill = medianOf(fills);
    seen(fill);
    const fillDone = { seconds: median(fillWaits.map((w) => w.seconds)), rss: Math.max(...fillWaits.map((w) => w.rss ?? 0)) || null };
    seen(fillDone);
    figure('root-activity, 1st run', fill, `${(fill.wall / cold.wall).toFixed(2)}× the cold run (target: little beyond it)`, 'cache empty, filled after');
    printFigure('  background fill', s(fillDone.seconds), `after the run exits, until the cache holds every file; ${gb(fillDone.rss)} (low priority, nobody waits)`);
    const cacheBytes = await folderBytes(cacheDir);
    printFigure(
      '  cache on disk',
      `${(cacheBytes / 1024 ** 2).toFixed(0)} MB`,
      `${(cacheBytes / logsBytes).toFixed(2)}× the gzipped logs (target < 1: ${verdict(cacheBytes < logsBytes)})`,
    );

    const warm = repeat(RUNS, () => ctrb(runArgs('root-activity'), cacheEnv(cacheDir)));
    seen(warm);
    figure('root-activity, warm', warm, `target ≤ ${TARGET.warmSeconds} s: ${verdict(warm.wall <= TARGET.warmSeconds)}`, 'from the cache');
    const other = repeat(RUNS, () => ctrb(runArgs('iam-policy-changes'), cacheEnv(cacheDir)));
    seen(other);
    figure('iam-policy-changes', other, `target ≤ ${TARGET.warmSeconds} s: ${verdict(other.wall <= TARGET.warmSeconds)}`, 'other fields, same cache');
    const engineOnly = await inProcess('root-activity', cacheDir, { start: new Date(manifest.start), end: new Date(manifest.end) });
    printFigure('  in-process, warm', s(engineOnly.wall), `the engine alone (load + queries, no start-up), ${engineOnly.fromCache}/${manifest.fileCount} files from the cache`);

    // --- the sweep ----------------------------------------------------------------------------
    const sweepCold = repeat(RUNS, () => ctrb(sweepArgs('--no-cache'), cacheEnv(scratch)));
    seen(sweepCold);
    const sweepRatio = sweepCold.wall / cold.wall;
    figure('sweep, cold', sweepCold, `${sweepRatio.toFixed(2)}× one cold run (target ≤ ${TARGET.sweepColdTimes}×: ${verdict(sweepRatio <= TARGET.sweepColdTimes)})`, 'no cache');
    // What the sweep is up against: root-activity parses only the lines holding its needles,
    // while some detections (external-access among them) can match any event, so the sweep
    // parses every event of the window, as a run of such a runbook alone does.
    const fullScan = repeat(RUNS, () => ctrb(runArgs('external-access', `own_accounts=${ownAccounts}`, '--no-cache'), cacheEnv(scratch)));
    seen(fullScan);
    figure('  external-access, cold', fullScan, `one runbook that reads every event; the sweep (every detection) takes ${(sweepCold.wall / fullScan.wall).toFixed(2)}× it`, 'no cache');
    const sweepDir = await mkdtemp(join(scratch, 'sweep-'));
    const sweepFirst = ctrb(sweepArgs(), cacheEnv(sweepDir));
    seen(sweepFirst);
    const sweepFill = await waitForFill(sweepDir);
    seen(sweepFill);
    figure('sweep, 1st run', sweepFirst, `then the background fill: ${s(sweepFill.seconds)}, ${gb(sweepFill.rss)}`, 'cache empty');
    const sweepWarm = repeat(RUNS, () => ctrb(sweepArgs(), cacheEnv(sweepDir)));
    seen(sweepWarm);
    figure('sweep, warm', sweepWarm, `target ≤ ${TARGET.sweepWarmSeconds} s: ${verdict(sweepWarm.wall <= TARGET.sweepWarmSeconds)}`, 'from the cache');
    if (SWEEP_BASELINE !== undefined) {
      const scale = sweepCold.wall / SWEEP_BASELINE;
      printFigure('  vs the smaller tree', `${scale.toFixed(2)}×`, `the cold sweep of BENCH_SWEEP_BASELINE (${SWEEP_BASELINE} s) (target ≤ ${TARGET.scaleTimes}×: ${verdict(scale <= TARGET.scaleTimes)})`);
    }
    printFigure('peak memory', gb(peakRss || null), `the largest of every process above, fills included (target ≤ 2 GB: ${verdict(peakRss > 0 && peakRss <= TARGET.rssBytes)})`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const [end1] = loadavg();
  console.log(`load average at the end: ${end1!.toFixed(2)} (1 min)`);
}
