/**
 * The log tree the engine benchmarks read: BENCH_LOGS (a tree `ctrb sample` made), or
 * BENCH_EVENTS generated events (default 200,000) over three days, kept under .cache/bench/
 * for later runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/runbook/library.js';
import { generateCloudTrail } from '../src/sample/generate.js';
import { MANIFEST_FILE, readManifest, type SampleManifest } from '../src/sample/manifest.js';

export const BENCH_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
export const BENCH_LOGS = process.env.BENCH_LOGS ?? join(PACKAGE_ROOT, '.cache', 'bench', `cloudtrail-${BENCH_EVENTS}`);
const SPAN = { start: '2026-10-01T00:00:00Z', days: 3 };

export async function benchData(): Promise<SampleManifest> {
  if (existsSync(join(BENCH_LOGS, MANIFEST_FILE))) {
    const manifest = await readManifest(BENCH_LOGS);
    if (process.env.BENCH_LOGS || manifest.eventCount >= BENCH_EVENTS * 0.99) return manifest;
  }
  process.stderr.write(`generating ${BENCH_EVENTS.toLocaleString('en-US')} events into ${BENCH_LOGS} (kept for later runs)…\n`);
  const { manifest } = await generateCloudTrail({ outDir: BENCH_LOGS, start: SPAN.start, days: SPAN.days, events: BENCH_EVENTS, seed: 7, overwrite: true });
  return manifest;
}
