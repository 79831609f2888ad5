/** Reading a generated CloudTrail tree back, for the tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BUNDLED_SAMPLE_DIR } from '../../src/sample/log-source.js';
import type { CloudTrailRecord } from '../../src/sample/record.js';

/** Every file under `root`, as paths relative to it with forward slashes, sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function readLogFile(path: string): CloudTrailRecord[] {
  const doc = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: CloudTrailRecord[] };
  return doc.Records;
}

export function readAllRecords(root: string): Map<string, CloudTrailRecord[]> {
  const out = new Map<string, CloudTrailRecord[]>();
  for (const f of listFiles(root)) if (f.endsWith('.json.gz')) out.set(f, readLogFile(join(root, f)));
  return out;
}

export function treeBytes(root: string): number {
  return listFiles(root).reduce((n, f) => n + statSync(join(root, f)).size, 0);
}

/**
 * How many events of the bundled sample match: for tests whose figures come from the sample
 * (a step's row count), so a story planted later changes the figure and not the test.
 */
export function countSampleEvents(matches: (r: CloudTrailRecord) => boolean): number {
  let n = 0;
  for (const records of readAllRecords(BUNDLED_SAMPLE_DIR).values()) for (const r of records) if (matches(r)) n++;
  return n;
}
