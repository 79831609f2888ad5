/**
 * The embedded engine's benchmark: one million generated events (cached under .cache/), then
 *  - the one-query runbook (load + query, the whole window) cold, the cache off: the headline
 *    figure; then filling an empty cache; then warm, from a filled cache;
 *  - the four-query runbook's time against the one-query runbook's (both cold);
 *  - over the same files: plain gunzip, and jq filtering the same events.
 * Each figure is the median of BENCH_RUNS runs, with the CPU seconds of the run (all threads:
 * DuckDB's, zlib's, JavaScript's) next to its wall time; the machine's load average is printed
 * first and last, as other work on the machine slows every figure. The one- and four-query
 * runs are taken in turn, so that their ratio compares runs under the same load.
 * Targets on a 2-core machine: ≥ 250,000 events/s cold, ≥ 4× faster than jq, four queries ≤ 1.3×.
 * The cache lives in a temporary folder, never the user's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueryEngine } from '../src/query/engine.js';
import { createDuckDbEngine, DEFAULT_CACHE_MAX_SIZE, DuckDbSession, type CacheSettings } from '../src/query/engines/duckdb/index.js';
import { parseSize } from '../src/query/engines/duckdb/cache/settings.js';
import { loadRunbookFile } from '../src/runbook/load.js';
import { PACKAGE_ROOT } from '../src/runbook/library.js';
import { resolveParams } from '../src/runbook/params.js';
import { newRunContext } from '../src/run/context.js';
import { prepareRunbook } from '../src/run/prepare.js';
import { runRunbook } from '../src/run/runner.js';
import type { ResolvedParams } from '../src/model/run.js';
import type { Reporter } from '../src/run/reporter.js';
import { generateCloudTrail } from '../src/sample/generate.js';
import { MANIFEST_FILE, readManifest, type SampleManifest } from '../src/sample/manifest.js';
import { median, printFigure, seconds } from './report.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DATA_DIR = join(PACKAGE_ROOT, '.cache', 'bench', `cloudtrail-${EVENTS}`);
const SPAN = { start: '2026-10-01T00:00:00Z', days: 3 };
const TARGET_RATE = 250_000;
const TARGET_JQ = 4;
const TARGET_FOUR = 1.3;

async function benchData(): Promise<SampleManifest> {
  if (existsSync(join(DATA_DIR, MANIFEST_FILE))) {
    const manifest = await readManifest(DATA_DIR);
    if (manifest.eventCount >= EVENTS * 0.99) return manifest;
  }
  process.stderr.write(`generating ${EVENTS.toLocaleString('en-US')} events into ${DATA_DIR} (cached for later runs)…\n`);
  const { manifest } = await generateCloudTrail({ outDir: DATA_DIR, start: SPAN.start, days: SPAN.days, events: EVENTS, seed: 7, overwrite: true });
  return manifest;
}

/** The median run: wall seconds, CPU seconds (user + system, every thread of this process). */
interface Timing {
  wall: number;
  cpu: number;
  rows: number;
  fromCache: number;
}

/** How each run treats the cache: off; a new empty folder per run (filling it); a filled folder. */
type CacheMode = { kind: 'off' } | { kind: 'fill' } | { kind: 'warm'; settings: CacheSettings };

interface Runbook {
  prepared: ReturnType<typeof prepareRunbook>;
  params: ResolvedParams;
  window: { start: Date; end: Date };
  id: string;
}

async function loadBenchRunbook(file: string, manifest: SampleManifest): Promise<Runbook> {
  const { runbook } = await loadRunbookFile(join(PACKAGE_ROOT, 'bench', 'runbooks', file));
  const { params, window } = resolveParams(runbook, { since: manifest.start, until: manifest.end }, { now: new Date(manifest.end) });
  return { prepared: prepareRunbook(runbook), params, window, id: runbook.id };
}

/** One run of a runbook, load and queries, with its wall and CPU seconds. */
async function runOnce(runbook: Runbook, mode: CacheMode): Promise<Timing> {
  let fromCache = 0;
  const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
  const fillDir = mode.kind === 'fill' ? await mkdtemp(join(tmpdir(), 'ctrb-bench-cache-')) : null;
  const cache = mode.kind === 'off' ? false : mode.kind === 'warm' ? mode.settings : { dir: fillDir!, maxBytes: parseSize('100GB', 'bench') };
  const duckdb = createDuckDbEngine({ logsDir: DATA_DIR, cache });
  // The same engine, keeping hold of the session to read its load report.
  const engine: QueryEngine = {
    name: duckdb.name,
    open: async (w, hooks) => {
      const session = await duckdb.open(w, hooks);
      if (session instanceof DuckDbSession) fromCache = session.loaded.filesFromCache;
      return session;
    },
  };
  const ctx = newRunContext({ runbookId: runbook.id, params: runbook.params, window: runbook.window, requestedBy: 'bench', source: 'terminal' });
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await runRunbook(runbook.prepared, ctx, { engine, reporter: silent, gates: 'plan' });
  const wall = seconds(started);
  const cpu = process.cpuUsage(cpuBefore);
  if (fillDir) await rm(fillDir, { recursive: true, force: true });
  if (result.status !== 'completed') throw new Error(`${runbook.id} ${result.status}: ${result.steps.map((s) => s.reason).join('; ')}`);
  const rows = result.steps.reduce((n, s) => n + (s.query?.rows.length ?? 0), 0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, rows, fromCache };
}

/** The median of RUNS runs of each runbook, taken in turn so that both see the same load. */
async function timeInTurn(runbooks: Runbook[], mode: CacheMode): Promise<Timing[]> {
  const runs: Timing[][] = runbooks.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, runbook] of runbooks.entries()) runs[k]!.push(await runOnce(runbook, mode));
  }
  return runs.map((r) => ({
    wall: median(r.map((t) => t.wall)),
    cpu: median(r.map((t) => t.cpu)),
    rows: r[0]!.rows,
    fromCache: r[0]!.fromCache,
  }));
}

/** The same files through a shell pipeline; wall and CPU seconds (bash's `times`), medians of RUNS. */
function timeShell(script: string): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${script}\ntimes`], { cwd: DATA_DIR, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`benchmark pipeline failed (${r.status}): ${script}`);
    walls.push(seconds(started));
    cpus.push(childCpuSeconds(r.stdout));
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** bash `times` prints the shell's, then its children's, user and system time: `0m1.234s 0m0.567s`. */
function childCpuSeconds(timesOutput: string): number {
  const children = timesOutput.trim().split('\n').at(-1) ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

function hasJq(): boolean {
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const rate = (events: number, wall: number): string => `${Math.round(events / wall).toLocaleString('en-US')} events/s`;
const time = (t: { wall: number; cpu: number }): string => `${t.wall.toFixed(2)} s`;
const cpuOf = (t: { cpu: number }): string => `${t.cpu.toFixed(1)} CPU-s`;

export async function main(): Promise<void> {
  const manifest = await benchData();
  const events = manifest.eventCount;
  const [load1, load5] = loadavg();
  console.log(`\n# embedded engine: ${events.toLocaleString('en-US')} events, ${manifest.fileCount} .json.gz files, median of ${RUNS} runs`);
  console.log(`load average at the start: ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min) on ${availableParallelism()} cores`);

  const single = await loadBenchRunbook('bench-single-query.yaml', manifest);
  const fourSteps = await loadBenchRunbook('bench-four-queries.yaml', manifest);

  const [cold, four] = (await timeInTurn([single, fourSteps], { kind: 'off' })) as [Timing, Timing];
  const coldRate = events / cold.wall;
  const verdict = coldRate >= TARGET_RATE ? 'met' : 'MISSED';
  printFigure('one query, cold', time(cold), `${rate(events, cold.wall)}, ${cpuOf(cold)} (target ≥ ${TARGET_RATE.toLocaleString('en-US')}: ${verdict})`);
  const ratio = four.wall / cold.wall;
  const fourVerdict = ratio <= TARGET_FOUR ? 'met' : 'MISSED';
  printFigure(
    'four queries, cold',
    time(four),
    `${ratio.toFixed(2)}× the one-query time (CPU ${(four.cpu / cold.cpu).toFixed(2)}×), ${cpuOf(four)} (target ≤ ${TARGET_FOUR}×: ${fourVerdict})`,
  );

  const [fill] = (await timeInTurn([single], { kind: 'fill' })) as [Timing];
  printFigure('one query, filling cache', time(fill), `${rate(events, fill.wall)}, ${cpuOf(fill)} (cold, writing the cache as it goes)`);

  const warmDir = await mkdtemp(join(tmpdir(), 'ctrb-bench-cache-'));
  try {
    const settings = { dir: warmDir, maxBytes: parseSize(DEFAULT_CACHE_MAX_SIZE, 'bench') };
    await runOnce(single, { kind: 'warm', settings }); // fills it
    const [warm] = (await timeInTurn([single], { kind: 'warm', settings })) as [Timing];
    const fromCache = `${warm.fromCache}/${manifest.fileCount} files from the cache`;
    printFigure('one query, warm', time(warm), `${rate(events, warm.wall)}, ${cpuOf(warm)} (${fromCache})`);
  } finally {
    await rm(warmDir, { recursive: true, force: true });
  }

  const files = `find AWSLogs -name '*.json.gz' -print0 | xargs -0 cat`;
  const gunzip = timeShell(`${files} | gzip -dc > /dev/null`);
  printFigure('gunzip only', time(gunzip), `${rate(events, gunzip.wall)}, ${cpuOf(gunzip)} (decompression alone, one thread)`);
  if (hasJq()) {
    const jq = timeShell(
      `${files} | gzip -dc | jq -c '.Records[] | select(.eventName == "ConsoleLogin") | {eventTime, principal: .userIdentity.arn, sourceIPAddress, mfa: .additionalEventData.MFAUsed}' > /dev/null`,
    );
    const faster = jq.wall / cold.wall;
    const jqVerdict = faster >= TARGET_JQ ? 'met' : 'MISSED';
    printFigure(
      'jq, same filter',
      time(jq),
      `${cpuOf(jq)}; engine cold is ${faster.toFixed(1)}× faster (${(jq.cpu / cold.cpu).toFixed(1)}× less CPU) (target ≥ ${TARGET_JQ}×: ${jqVerdict})`,
    );
  } else {
    console.log('jq not found: install it to compare (Debian/Ubuntu: sudo apt-get install jq; macOS: brew install jq)');
  }
  const [end1] = loadavg();
  console.log(`load average at the end: ${end1!.toFixed(2)} (1 min)`);
}
