/**
 * The sample checked in at samples/cloudtrail/: two days of logs (Sunday 1 and Monday 2
 * November 2026) for two accounts in two regions, with every incident planted on the
 * second day. The CLI anchors "now" at the sample's end, so the runbooks' default windows
 * find the incidents. Regenerate with `npx tsx src/sample/make-bundled-sample.ts`; a test
 * fails when the checked-in tree differs from what this makes.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../runbook/library.js';
import type { GenerateResult, TreeOptions, TreeSink } from './generate.js';
import { generateCloudTrail, generateTree } from './generate.js';
import type { SampleManifest } from './manifest.js';

export const BUNDLED_SAMPLE_DIR = join(PACKAGE_ROOT, 'samples', 'cloudtrail');

export const BUNDLED_SAMPLE_OPTIONS: TreeOptions = {
  start: '2026-11-01T00:00:00Z',
  days: 2,
  // The background and the planted events together. A story planted later raises this by its
  // own events, so the background's share stays the same and every background event (and the
  // tests that count them) stays where it was.
  events: 9043,
  accounts: ['123456789012', '210987654321'],
  regions: ['us-east-1', 'eu-west-1'],
  seed: 'cloudtrail-runbooks-sample-1',
  incidents: true,
};

export function makeBundledSample(outDir = BUNDLED_SAMPLE_DIR): Promise<GenerateResult> {
  return generateCloudTrail({ ...BUNDLED_SAMPLE_OPTIONS, outDir, overwrite: true });
}

/** The bundled sample's files, uncompressed, into any sink (to compare without writing). */
export function generateBundledSample(sink: TreeSink): Promise<SampleManifest> {
  return generateTree(BUNDLED_SAMPLE_OPTIONS, sink);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await makeBundledSample();
  const m = result.manifest;
  console.log(`wrote ${BUNDLED_SAMPLE_DIR}: ${m.eventCount} events in ${m.fileCount} files (${(result.bytes / 1e6).toFixed(2)} MB), ${m.start} to ${m.end}, ${m.incidents.length} incidents`);
}
