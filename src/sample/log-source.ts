/**
 * Which logs a terminal run reads, and what "now" means for them. On the bundled sample,
 * "now" is the sample's end, so relative windows (`since=24h`) land inside it; on the
 * user's own logs, now is now.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../runbook/library.js';
import { MANIFEST_FILE } from './manifest.js';
import { REGION, isAccountId } from '../model/values/aws-ids.js';

export const BUNDLED_SAMPLE_DIR = join(PACKAGE_ROOT, 'samples', 'cloudtrail');

export interface LogSource {
  dir: string;
  now: Date;
  /** A line for the user saying what is being read. */
  description: string;
  bundled: boolean;
  /**
   * For a tree `ctrb sample` made (the bundled sample too): the accounts its organization owns
   * or deliberately lets in, from its manifest. Unknown for other logs.
   */
  ownAccounts?: string[];
  /**
   * For a generated tree: the regions its organization works in, from its manifest. A story
   * may act elsewhere (its events sit under that region's folder), so the folders cannot say.
   */
  ownRegions?: string[];
}

interface Declared {
  ownAccounts: string[];
  ownRegions: string[];
}

/** The manifest's accounts, partner accounts and regions, when `dir` is a generated tree. */
function declared(dir: string): Declared | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { accounts?: unknown; partnerAccounts?: unknown; regions?: unknown };
  const list = (v: unknown, ok: (s: string) => boolean): string[] => (Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string' && ok(a)) : []);
  return {
    ownAccounts: [...list(manifest.accounts, isAccountId), ...list(manifest.partnerAccounts, isAccountId)],
    ownRegions: list(manifest.regions, (r) => REGION.test(r)),
  };
}

export class LogsNotFoundError extends Error {
  override name = 'LogsNotFoundError';
}

export function resolveLogSource(logs: string | undefined, until?: string): LogSource {
  if (logs !== undefined) {
    const dir = resolve(logs);
    if (!existsSync(dir)) throw new LogsNotFoundError(`--logs ${logs}: no such file or directory`);
    const tree = declared(dir);
    return { dir, now: until ? new Date(until) : new Date(), description: `logs: ${dir}`, bundled: false, ...(tree ?? {}) };
  }
  const manifestFile = join(BUNDLED_SAMPLE_DIR, MANIFEST_FILE);
  if (!existsSync(manifestFile)) {
    throw new LogsNotFoundError(`the bundled sample is missing (${manifestFile}); pass --logs DIR`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { start: string; end: string };
  return {
    dir: BUNDLED_SAMPLE_DIR,
    now: new Date(manifest.end),
    description: `bundled sample logs (${manifest.start} → ${manifest.end}; "now" is the sample's end)`,
    bundled: true,
    ...(declared(BUNDLED_SAMPLE_DIR) ?? { ownAccounts: [], ownRegions: [] }),
  };
}
