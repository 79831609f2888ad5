/** `ctrb sample --out DIR`: a generated CloudTrail tree to try runbooks (and benchmarks) on. */
import { join } from 'node:path';
import { generateCloudTrail } from '../../sample/generate.js';
import { MANIFEST_FILE } from '../../sample/manifest.js';
import { readIsoTime } from '../../model/values/time.js';
import { UsageError } from '../errors.js';

/** As the CLI parsed them: `events` ≥ 1000, `days` ≥ 1, whole numbers (src/cli.ts). */
export interface SampleOptions {
  out: string;
  events: number;
  days: number;
  seed: number;
  /** End of the span; default: now rounded down to the hour, so `ctrb run --logs DIR` finds it. */
  end?: string;
  /** Replace logs already in `out`. */
  overwrite?: boolean;
}

const HOUR = 3_600_000;

function endOfSpan(text: string): Date {
  const reading = readIsoTime(text);
  if ('problem' in reading) throw new UsageError(`--end ${JSON.stringify(text)} ${reading.problem}`);
  return reading.time;
}

export async function sampleCommand(opts: SampleOptions): Promise<void> {
  const end = opts.end === undefined ? new Date(Math.floor(Date.now() / HOUR) * HOUR) : endOfSpan(opts.end);
  const start = new Date(end.getTime() - opts.days * 24 * HOUR);
  const tty = !!process.stderr.isTTY;
  const { manifest, bytes } = await generateCloudTrail({
    outDir: opts.out,
    start,
    days: opts.days,
    events: opts.events,
    seed: opts.seed,
    overwrite: opts.overwrite ?? false,
    onProgress: tty ? (p) => process.stderr.write(`\r\x1b[K${p.events.toLocaleString('en-US')} events, ${p.files} files`) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  process.stdout.write(
    `wrote ${manifest.eventCount.toLocaleString('en-US')} events in ${manifest.fileCount} files (${(bytes / 1e6).toFixed(1)} MB) to ${opts.out}\n` +
      `span ${manifest.start} → ${manifest.end}; ${manifest.incidents.length} planted incidents listed in ${join(opts.out, MANIFEST_FILE)}\n`,
  );
}
