/**
 * The bundled sample's logs plus one truncated file inside its span: for tests that check
 * what a run does with a damaged log file (a warning, posted once) on otherwise real data.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUNDLED_SAMPLE_DIR } from '../../src/sample/log-source.js';

export const DAMAGED_FILE = 'cut-off.json.gz';

let made: string | undefined;

/** A folder (made once per test process) that reads as the sample plus one damaged file. */
export function sampleLogsWithDamagedFile(): string {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'ctrb-damaged-sample-'));
  symlinkSync(join(BUNDLED_SAMPLE_DIR, 'AWSLogs'), join(dir, 'AWSLogs'), 'dir');
  const day = join(dir, 'exports', '2026', '11', '02');
  mkdirSync(day, { recursive: true });
  const whole = gzipSync(JSON.stringify({ Records: [{ eventID: 'cut', eventTime: '2026-11-02T10:00:00Z', eventName: 'GetCallerIdentity' }] }));
  writeFileSync(join(day, DAMAGED_FILE), whole.subarray(0, Math.floor(whole.length / 2)));
  made = dir;
  return dir;
}
