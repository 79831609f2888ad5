/**
 * Cache entries on disk. An entry is two files in the cache folder:
 *
 * - `events-<id>.parquet`: whole records (every column of the events table) of some log
 *   files, every event of each (not cut to a window), each row tagged with its file's number
 *   (`ctrb_file`); zstd-compressed, so smaller than the gzipped logs;
 * - `events-<id>.json`: its manifest, naming those files (by key, see source-key.ts), their
 *   numbers and event counts, and whether the Parquet file holds rows of other files too.
 *
 * The Parquet file is written in the writing session's own folder and hard-linked into place,
 * then the manifest is written under a temporary name and renamed into place: a reader that
 * finds a manifest finds the complete Parquet file beside it (until an eviction removes both,
 * manifest first, which readers survive by parsing the files again).
 * A manifest's modification time is when the entry was last used.
 */
import { createHash } from 'node:crypto';
import { link, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENTS_COLUMNS } from '../table.js';

/** Bumped whenever what an entry holds changes meaning; older entries are then never read. */
const ENTRY_FORMAT = 3;

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
  sources: EntrySource[];
  /**
   * The Parquet file holds rows of files the manifest does not name (a file that changed
   * while it was read, or that DuckDB refused after its rows were written): readers then
   * pick the named files' rows by number.
   */
  extraRows?: boolean;
}

export interface CacheEntry {
  id: string;
  /** Written with this version's table types (only those are read). */
  current: boolean;
  manifestPath: string;
  parquetPath: string;
  sources: ReadonlyMap<string, EntrySource>;
  /** Rows of files not in `sources` are in the Parquet file too. */
  extraRows: boolean;
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
    const current = manifest.schema === SCHEMA_ID && Array.isArray(manifest.sources);
    return {
      id,
      current,
      manifestPath: paths.manifest,
      parquetPath: paths.parquet,
      sources: new Map(current ? manifest.sources!.map((s) => [s.key, s]) : []),
      extraRows: manifest.extraRows === true,
      usedAtMs: manifestStat.mtimeMs,
      bytes: manifestStat.size + parquetStat.size,
    };
  } catch {
    return null;
  }
}

/** Publish an entry whose Parquet file is written at `written` (on the cache's file system). */
export async function publishEntry(dir: string, id: string, written: string, sources: readonly EntrySource[], extraRows: boolean): Promise<void> {
  const paths = entryPaths(dir, id);
  await link(written, paths.parquet);
  const manifest: EntryManifest = { schema: SCHEMA_ID, sources: [...sources], ...(extraRows ? { extraRows } : {}) };
  await writeFile(`${paths.manifest}.tmp`, JSON.stringify(manifest));
  await rename(`${paths.manifest}.tmp`, paths.manifest);
}

/** Manifest first: from then on no reader picks the entry. */
export async function removeEntry(entry: Pick<CacheEntry, 'manifestPath' | 'parquetPath'>): Promise<void> {
  await rm(entry.manifestPath, { force: true });
  await rm(entry.parquetPath, { force: true });
}
