/**
 * The sample checked in at samples/cloudtrail/ is small, spans a fixed time, and is
 * exactly what the generator makes now (so it cannot drift from the code). Contents are
 * compared uncompressed: gzip output may differ between zlib builds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUNDLED_SAMPLE_DIR, generateBundledSample } from '../../src/sample/make-bundled-sample.js';
import { MANIFEST_FILE, readManifest } from '../../src/sample/manifest.js';
import { listFiles, treeBytes } from './tree.js';

describe('the bundled sample', () => {
  it('is under 5 MB', () => {
    expect(treeBytes(BUNDLED_SAMPLE_DIR)).toBeLessThan(5_000_000);
  });

  it('spans two fixed days and holds every incident', async () => {
    const manifest = await readManifest(BUNDLED_SAMPLE_DIR);
    expect(manifest.start).toBe('2026-11-01T00:00:00.000Z');
    expect(manifest.end).toBe('2026-11-03T00:00:00.000Z');
    expect(manifest.incidents.length).toBeGreaterThanOrEqual(18);
  });

  it('is what the generator makes now (regenerate: npx tsx src/sample/make-bundled-sample.ts)', async () => {
    const fresh = new Map<string, string>();
    const manifest = await generateBundledSample({
      write: async (key, json) => void fresh.set(key, json),
      flush: async () => {},
    });
    const checkedIn = listFiles(BUNDLED_SAMPLE_DIR).filter((f) => f !== MANIFEST_FILE);
    expect(checkedIn).toEqual([...fresh.keys()].sort());
    const differing = checkedIn.filter((f) => gunzipSync(readFileSync(join(BUNDLED_SAMPLE_DIR, f))).toString('utf8') !== fresh.get(f));
    expect(differing).toEqual([]);
    expect(await readManifest(BUNDLED_SAMPLE_DIR)).toEqual(manifest);
  });
});
