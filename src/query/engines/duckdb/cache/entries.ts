/**
 * Cache entries on disk. An entry is two files in the cache folder:
 *
 * - `events-<id>.parquet`: the typed rows of some log files, every event of each (not cut to
 *   a window), each row tagged with its file's number (`ctrb_file`);
 * - `events-<id>.json`: its manifest, naming those files (by key, see source-key.ts), their
 *   numbers and event counts, and the columns the rows hold.
 *
 * Both are written under a temporary name and renamed into place, the Parquet file first:
 * a reader that finds a manifest finds the complete Parquet file beside it (until an
 * eviction removes both, manifest first, which readers survive by parsing the files again).
 * A manifest's modification time is when the entry was last used.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { typeCovers } from '../struct-fields.js';
import { EVENTS_COLUMNS, type EventColumn } from '../table.js';

/** Bumped whenever what an entry holds changes meaning; older entries are then never read. */
const ENTRY_FORMAT = 2;

/** The table's types as the entries were written with them: entries of other types are not read. */
export const SCHEMA_ID = createHash('sha256')
  .update(JSON.stringify([ENTRY_FORMAT, EVENTS_COLUMNS]))
  .digest('hex')
  .slice(0, 16);

/** Every file of the cache's own starts with this: nothing else in the folder is touched. */
export const ENTRY_PREFIX = 'events-';
const MANIFEST_NAME = /^events-[0-9a-f-]{36}\.json$/;

export interface EntrySource {
  key: string;
  /** For people looking at the folder: the file's path when it was cached. */
  path: string;
  /** Its rows' `ctrb_file`. */
  file: number;
  /** Events in the file (all of them, not only a window's). */
  events: number;
}

interface EntryManifest {
  schema: string;
  /** Each column with its type: a struct may hold only some of its fields (struct-fields.ts). */
  columns: (readonly [name: string, type: string])[];
  sources: EntrySource[];
}

export interface CacheEntry {
  id: string;
  /** Written with this version's table types (only those are read). */
  current: boolean;
  manifestPath: string;
  parquetPath: string;
  /** Column name → the type it was written with. */
  columns: ReadonlyMap<string, string>;
  sources: ReadonlyMap<string, EntrySource>;
  /** Last use (the manifest's modification time). */
  usedAtMs: number;
  /** Bytes on disk, both files. */
  bytes: number;
}

export function newEntryId(uuid: string): string {
  return `${ENTRY_PREFIX}${uuid}`;
}

export function entryPaths(dir: string, id: string): { manifest: string; parquet: string } {
  return { manifest: join(dir, `${id}.json`), parquet: join(dir, `${id}.parquet`) };
}

/** The entries in the folder; anything unreadable (half removed, say) is passed over. */
export async function readEntries(dir: string): Promise<CacheEntry[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const entries = await Promise.all(names.filter((n) => MANIFEST_NAME.test(n)).map((n) => readEntry(dir, n.slice(0, -'.json'.length))));
  return entries.filter((e): e is CacheEntry => e !== null);
}

async function readEntry(dir: string, id: string): Promise<CacheEntry | null> {
  const paths = entryPaths(dir, id);
  try {
    const [text, manifestStat, parquetStat] = await Promise.all([readFile(paths.manifest, 'utf8'), stat(paths.manifest), stat(paths.parquet)]);
    const manifest = JSON.parse(text) as Partial<EntryManifest>;
    const current = manifest.schema === SCHEMA_ID && Array.isArray(manifest.columns) && Array.isArray(manifest.sources);
    return {
      id,
      current,
      manifestPath: paths.manifest,
      parquetPath: paths.parquet,
      columns: new Map(current ? manifest.columns : []),
      sources: new Map(current ? manifest.sources!.map((s) => [s.key, s]) : []),
      usedAtMs: manifestStat.mtimeMs,
      bytes: manifestStat.size + parquetStat.size,
    };
  } catch {
    return null;
  }
}

/** Publish an entry whose Parquet file is written at `${parquet}.tmp`. */
export async function publishEntry(
  dir: string,
  id: string,
  columns: ReadonlyArray<readonly [string, string]>,
  sources: readonly EntrySource[],
): Promise<void> {
  const paths = entryPaths(dir, id);
  await rename(`${paths.parquet}.tmp`, paths.parquet);
  const manifest: EntryManifest = { schema: SCHEMA_ID, columns: [...columns], sources: [...sources] };
  await writeFile(`${paths.manifest}.tmp`, JSON.stringify(manifest));
  await rename(`${paths.manifest}.tmp`, paths.manifest);
}

/** Whether the entry holds every one of these columns, each with at least the fields asked for. */
export function holdsColumns(entry: Pick<CacheEntry, 'columns'>, columns: ReadonlyArray<EventColumn>): boolean {
  return columns.every(([name, type]) => {
    const held = entry.columns.get(name);
    return held !== undefined && typeCovers(held, type);
  });
}

/** Manifest first: from then on no reader picks the entry. */
export async function removeEntry(entry: Pick<CacheEntry, 'manifestPath' | 'parquetPath'>): Promise<void> {
  await rm(entry.manifestPath, { force: true });
  await rm(entry.parquetPath, { force: true });
}
