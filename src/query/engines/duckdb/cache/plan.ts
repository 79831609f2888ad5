/**
 * Which log files of a load the cache can answer: those an entry holds under the key the file
 * has now. Each is read from the entry used most recently among those that hold it; the rest
 * are parsed.
 */
import type { LogFile } from '../discover.js';
import type { CacheEntry } from './entries.js';

export interface KeyedFile {
  file: LogFile;
  /** Its number in this load. */
  number: number;
  /** Null when it could not be looked at: it is read (and reported) like any file. */
  key: string | null;
}

export interface CachedFile {
  /** The file in this load (parsed after all, should its entry be unreadable). */
  keyed: KeyedFile;
  /** Its rows' `ctrb_file` in the entry. */
  fileInEntry: number;
  events: number;
}

/** Files read from one entry; `whole` when its Parquet file holds their rows and no others. */
export interface CachedGroup {
  entry: CacheEntry;
  files: CachedFile[];
  whole: boolean;
}

export interface CachePlan {
  groups: CachedGroup[];
  misses: KeyedFile[];
}

export function planCacheReads(entries: readonly CacheEntry[], files: readonly KeyedFile[]): CachePlan {
  const newestFirst = entries.filter((e) => e.current).sort((a, b) => b.usedAtMs - a.usedAtMs);
  const groups = new Map<CacheEntry, CachedFile[]>();
  const misses: KeyedFile[] = [];
  for (const keyed of files) {
    const entry = keyed.key === null ? undefined : newestFirst.find((e) => e.sources.has(keyed.key!));
    if (!entry) {
      misses.push(keyed);
      continue;
    }
    const source = entry.sources.get(keyed.key!)!;
    const group = groups.get(entry) ?? [];
    group.push({ keyed, fileInEntry: source.file, events: source.events });
    groups.set(entry, group);
  }
  return {
    groups: [...groups].map(([entry, cached]) => ({ entry, files: cached, whole: cached.length === entry.sources.size && !entry.extraRows })),
    misses,
  };
}
