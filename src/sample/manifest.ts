/**
 * `.manifest.json` at the root of a generated tree (hidden, so log readers pass it by): what was generated, and the incidents
 * planted in it with the runbook and parameters that should find each one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlantedIncident } from './incidents.js';

export const MANIFEST_FILE = '.manifest.json';

export interface SampleManifest {
  /** Start and end of the span, ISO 8601 UTC; events lie in [start, end). */
  start: string;
  end: string;
  seed: string;
  accounts: string[];
  /**
   * Accounts of partners the generated organization deliberately lets in (the monitoring
   * vendor): with `accounts`, the own accounts a sweep of the tree starts from.
   */
  partnerAccounts: string[];
  regions: string[];
  eventCount: number;
  fileCount: number;
  incidents: PlantedIncident[];
}

export async function readManifest(dir: string): Promise<SampleManifest> {
  return JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as SampleManifest;
}
