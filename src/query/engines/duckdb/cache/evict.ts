/**
 * Keep the cache folder within its size. After a load has written entries:
 *
 * 1. entries no lookup can pick any more go: every file they hold is held by an entry used
 *    more recently (planCacheReads picks that one);
 * 2. temporary files left by a process that died while writing go, once clearly abandoned,
 *    and so does the folder (`open-<id>/`: links, entries being written) of a session that
 *    died before closing;
 * 3. while the folder is over its size, the entry used longest ago goes.
 *
 * Several processes may evict at once: removing what another just removed is not an error.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTRY_PREFIX, readEntries, removeEntry, type CacheEntry } from './entries.js';

/** A writer renames its files into place within minutes at most; anything older is abandoned. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** A session's folder of links to the entries it reads (event-cache.ts). */
export const OPEN_PREFIX = 'open-';
/** Sessions last a run; a folder this old belongs to a process that died. */
const OPEN_ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

export async function evictCache(dir: string, maxBytes: number, nowMs = Date.now()): Promise<void> {
  const entries = await readEntries(dir);
  const superseded = entries.filter((entry) => isSuperseded(entry, entries));
  for (const entry of superseded) await removeEntry(entry);
  const live = entries.filter((entry) => !superseded.includes(entry));

  let bytes = live.reduce((sum, entry) => sum + entry.bytes, 0) + (await removeAbandoned(dir, live, nowMs));
  for (const entry of [...live].sort((a, b) => a.usedAtMs - b.usedAtMs)) {
    if (bytes <= maxBytes) break;
    await removeEntry(entry);
    bytes -= entry.bytes;
  }
}

function isSuperseded(entry: CacheEntry, entries: readonly CacheEntry[]): boolean {
  if (!entry.current) return false;
  const newer = entries.filter((other) => other !== entry && other.current && other.usedAtMs > entry.usedAtMs);
  return [...entry.sources.keys()].every((key) => newer.some((other) => other.sources.has(key)));
}

/**
 * Remove the cache's files that belong to no entry (a `.tmp` of a write in progress or
 * abandoned, a Parquet file whose manifest was never written) once they are old enough to be
 * abandoned; returns the bytes of those that stay.
 */
async function removeAbandoned(dir: string, live: readonly CacheEntry[], nowMs: number): Promise<number> {
  const owned = new Set(live.flatMap((entry) => [entry.manifestPath, entry.parquetPath]));
  let kept = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    if (name.startsWith(OPEN_PREFIX)) {
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory() && nowMs - info.mtimeMs > OPEN_ABANDONED_AFTER_MS) await rm(path, { recursive: true, force: true });
      continue;
    }
    if (!name.startsWith(ENTRY_PREFIX) || owned.has(path)) continue;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    if (nowMs - info.mtimeMs > ABANDONED_AFTER_MS) await rm(path, { force: true });
    else kept += info.size;
  }
  return kept;
}
