/**
 * The embedded engine's benchmark: one million generated events (cached under .cache/), then
 *  - events/s of a one-query runbook (load + query, the whole window),
 *  - a four-query runbook's time against the one-query runbook's,
 *  - over the same files: jq filtering the same events, and plain gunzip.
 * Targets on a 2-core machine: ≥ 250,000 events/s, ≥ 4× faster than jq, four queries ≤ 1.3×.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDuckDbEngine } from '../src/query/engines/duckdb/index.js';
import { loadRunbookFile } from '../src/runbook/load.js';
import { PACKAGE_ROOT } from '../src/runbook/library.js';
import { resolveParams } from '../src/runbook/params.js';
import { newRunContext } from '../src/run/context.js';
import { prepareRunbook } from '../src/run/prepare.js';
import { runRunbook } from '../src/run/runner.js';
import type { Reporter } from '../src/run/types.js';
import { generateCloudTrail } from '../src/sample/generate.js';
import { MANIFEST_FILE, readManifest, type SampleManifest } from '../src/sample/manifest.js';
import { median, printFigure, seconds } from './report.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DATA_DIR = join(PACKAGE_ROOT, '.cache', 'bench', `cloudtrail-${EVENTS}`);
const SPAN = { start: '2026-10-01T00:00:00Z', days: 3 };

async function benchData(): Promise<SampleManifest> {
  if (existsSync(join(DATA_DIR, MANIFEST_FILE))) {
    const manifest = await readManifest(DATA_DIR);
    if (manifest.eventCount >= EVENTS * 0.99) return manifest;
  }
  process.stderr.write(`generating ${EVENTS.toLocaleString('en-US')} events into ${DATA_DIR} (cached for later runs)…\n`);
  const { manifest } = await generateCloudTrail({ outDir: DATA_DIR, start: SPAN.start, days: SPAN.days, events: EVENTS, seed: 7, overwrite: true });
  return manifest;
}

async function timeRunbook(file: string, manifest: SampleManifest): Promise<{ seconds: number; rows: number }> {
  const { runbook } = await loadRunbookFile(join(PACKAGE_ROOT, 'bench', 'runbooks', file));
  const prepared = prepareRunbook(runbook);
  const { params, window } = resolveParams(runbook, { since: manifest.start, until: manifest.end }, { now: new Date(manifest.end) });
  const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const ctx = newRunContext({ runbookId: runbook.id, params, window, requestedBy: 'bench', source: 'terminal' });
    const started = process.hrtime.bigint();
    const result = await runRunbook(prepared, ctx, { engine: createDuckDbEngine({ logsDir: DATA_DIR }), reporter: silent, gates: 'plan' });
    times.push(seconds(started));
    if (result.status !== 'completed') throw new Error(`${runbook.id} ${result.status}: ${result.steps.map((s) => s.reason).join('; ')}`);
    rows = result.steps.reduce((n, s) => n + (s.query?.rows.length ?? 0), 0);
  }
  return { seconds: median(times), rows };
}

/** The same files through a shell pipeline; the median of RUNS runs. */
function timeShell(script: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { cwd: DATA_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`benchmark pipeline failed (${r.status}): ${script}`);
    times.push(seconds(started));
  }
  return median(times);
}

function hasJq(): boolean {
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
  console.log(`\n# embedded engine: ${events.toLocaleString('en-US')} events, ${manifest.fileCount} .json.gz files, median of ${RUNS} runs`);

  const single = await timeRunbook('bench-single-query.yaml', manifest);
  const four = await timeRunbook('bench-four-queries.yaml', manifest);
  const rate = events / single.seconds;
  printFigure('one-query runbook', `${single.seconds.toFixed(2)} s`, `${Math.round(rate).toLocaleString('en-US')} events/s (target ≥ 250,000)`);
  printFigure('four-query runbook', `${four.seconds.toFixed(2)} s`, `${(four.seconds / single.seconds).toFixed(2)}× the one-query time (target ≤ 1.3×)`);

  const files = `find AWSLogs -name '*.json.gz' -print0 | xargs -0 cat`;
  const gunzip = timeShell(`${files} | gzip -dc > /dev/null`);
  printFigure('gunzip only', `${gunzip.toFixed(2)} s`, `${Math.round(events / gunzip).toLocaleString('en-US')} events/s (decompression alone)`);
  if (hasJq()) {
    const jq = timeShell(`${files} | gzip -dc | jq -c '.Records[] | select(.eventName == "ConsoleLogin") | {eventTime, principal: .userIdentity.arn, sourceIPAddress, mfa: .additionalEventData.MFAUsed}' > /dev/null`);
    printFigure('jq, same filter', `${jq.toFixed(2)} s`, `engine is ${(jq / single.seconds).toFixed(1)}× faster than jq (target ≥ 4×)`);
  } else {
    console.log('jq not found: install it to compare (Debian/Ubuntu: sudo apt-get install jq; macOS: brew install jq)');
  }
}
