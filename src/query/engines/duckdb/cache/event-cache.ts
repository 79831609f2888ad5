/**
 * The cache of typed events, for repeated runs over the same logs (several runbooks in a
 * row over one folder; a worker answering alarm after alarm): parsing CloudTrail's JSON is
 * most of a load, so the rows DuckDB typed from a batch of files are written once to a
 * Parquet file, and a later load reads them back with `read_parquet` instead.
 *
 * - Keyed by each file as it is now (source-key.ts): a changed file is parsed again, a
 *   deleted one is not looked for; stale events are never served.
 * - An entry holds the columns its run loaded; a run that needs more parses again (and writes
 *   an entry with its own columns).
 * - Safe with several processes (entries.ts: written under temporary names, renamed into
 *   place) and bounded in size (evict.ts).
 * - Never a reason for a run to fail: an entry that cannot be read is parsed again, and a
 *   folder that cannot be written turns the cache off for the rest of the load, with a warning.
 */
import { metrics } from '../../../../log/metrics.js';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, utimes } from 'node:fs/promises';
import { LIST, TIMESTAMP, UINTEGER, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { TimeWindow } from '../../../../model/query.js';
import type { LogFile } from '../discover.js';
import { FILE_COLUMN, LOADED_TABLE, ofFiles } from '../loaded-table.js';
import { toTimestampValue } from '../params.js';
import { sqlLiteral } from '../schema.js';
import { narrowingSql } from '../struct-fields.js';
import { columnListSql, type EventColumn } from '../table.js';
import { entryPaths, newEntryId, publishEntry, readEntries, type EntrySource } from './entries.js';
import { evictCache } from './evict.js';
import { planCacheReads, type CachedGroup, type CachePlan } from './plan.js';
import type { CacheSettings } from './settings.js';
import { sourceKey } from './source-key.js';

/**
 * A cache that cannot be made or written says so once per process: a worker answering alarm
 * after alarm should not repeat it in every thread.
 */
const warnedAbout = new Set<string>();

function warnOnce(warn: (message: string) => void, dir: string, message: string): void {
  if (warnedAbout.has(dir)) return;
  warnedAbout.add(dir);
  warn(message);
}

/** A file just read: all its events are in the loaded table, numbered `number`. */
export interface LoadedFile {
  source: string;
  number: number;
  key: string | null;
  events: number;
}

export class EventCache {
  private unwritable: string | null = null;
  private wrote = false;

  private constructor(
    private readonly settings: CacheSettings,
    private readonly columns: ReadonlyArray<EventColumn>,
    private readonly warn: (message: string) => void,
  ) {}

  /** The cache for a load of these columns; null (with a warning) when its folder cannot be made. */
  static async open(settings: CacheSettings, columns: ReadonlyArray<EventColumn>, warn: (message: string) => void): Promise<EventCache | null> {
    try {
      await mkdir(settings.dir, { recursive: true });
    } catch (error) {
      warnOnce(warn, settings.dir, `the cache folder ${settings.dir} cannot be made (${messageOf(error)}); reading the logs without it`);
      return null;
    }
    return new EventCache(settings, columns, warn);
  }

  /** Whether entries are still being written (false once writing failed). */
  get writable(): boolean {
    return this.unwritable === null;
  }

  /** The types the load's columns are read with: entries read in one statement must agree on them. */
  signatureOf(group: CachedGroup): string {
    return JSON.stringify(this.columns.map(([name]) => group.entry.columns.get(name)));
  }

  /** Which files can be read from the cache, keyed as they are now. */
  async plan(files: readonly LogFile[]): Promise<CachePlan> {
    const [entries, keys] = await Promise.all([readEntries(this.settings.dir), Promise.all(files.map((f) => sourceKey(f.path)))]);
    const keyed = files.map((file, number) => ({ file, number, key: keys[number] ?? null }));
    const plan = planCacheReads(entries, keyed, this.columns);
    metrics.cacheLookups.inc({ result: 'miss' }, plan.misses.length);
    metrics.cacheLookups.inc({ result: 'hit' }, files.length - plan.misses.length);
    return plan;
  }

  /**
   * Insert the window's events of a group's files into the loaded table. Throws when the
   * entry cannot be read (another process evicted it, say); nothing is inserted then.
   */
  async read(connection: DuckDBConnection, groups: readonly CachedGroup[], window: TimeWindow): Promise<void> {
    const whole = groups.every((g) => g.whole);
    // The groups' entries hold these columns with the same types (readsOf groups them so); a
    // struct written wider than this load's is narrowed to it.
    const held = groups[0]!.entry.columns;
    const select = this.columns.map(([name, type]) => narrowingSql(name, held.get(name)!, type)).join(', ');
    const sql = `
INSERT INTO ${LOADED_TABLE} BY NAME
SELECT ${select} FROM read_parquet($1, union_by_name = true)
WHERE "eventTime" >= $2 AND "eventTime" < $3${whole ? '' : ` AND ${FILE_COLUMN} IN (SELECT unnest($4))`}`;
    const values = [listValue(groups.map((g) => g.entry.parquetPath)), toTimestampValue(window.start), toTimestampValue(window.end)];
    const types = [LIST(VARCHAR), TIMESTAMP, TIMESTAMP];
    if (whole) {
      await connection.run(sql, values, types);
    } else {
      // One entry at a time: its file numbers mean nothing in another entry.
      const [group] = groups;
      await connection.run(sql, [...values, listValue(group!.files.map((f) => f.fileInEntry))], [...types, LIST(UINTEGER)]);
    }
    const now = new Date();
    // Last use, for eviction; an entry removed meanwhile needs no date.
    await Promise.all(groups.map((g) => utimes(g.entry.manifestPath, now, now).catch(() => undefined)));
  }

  /**
   * Write the rows of files just loaded (all their events are in the loaded table) as one
   * entry. Files that changed since they were looked at are left out: their rows may be of
   * either version. Returns how many files the entry holds.
   */
  async write(connection: DuckDBConnection, files: readonly LoadedFile[]): Promise<number> {
    if (!this.writable || files.length === 0) return 0;
    const unchanged = await this.unchangedSince(files);
    if (unchanged.length === 0) return 0;
    const id = newEntryId(randomUUID());
    const { parquet } = entryPaths(this.settings.dir, id);
    try {
      await connection.run(
        `COPY (SELECT ${columnListSql(this.columns)}, ${FILE_COLUMN} FROM ${LOADED_TABLE} WHERE ${ofFiles('$1')}) ` +
          `TO ${sqlLiteral(`${parquet}.tmp`)} (FORMAT parquet)`,
        [listValue(unchanged.map((f) => f.number))],
        [LIST(UINTEGER)],
      );
      const sources: EntrySource[] = unchanged.map((f) => ({ key: f.key!, path: f.source, file: f.number, events: f.events }));
      await publishEntry(this.settings.dir, id, this.columns, sources);
      this.wrote = true;
      return unchanged.length;
    } catch (error) {
      await rm(`${parquet}.tmp`, { force: true });
      this.unwritable = messageOf(error);
      warnOnce(this.warn, this.settings.dir, `the cache at ${this.settings.dir} cannot be written (${this.unwritable}); reading on without it`);
      return 0;
    }
  }

  /** After a load: keep the folder within its size, if this load added to it. */
  async evict(): Promise<void> {
    if (!this.wrote) return;
    await evictCache(this.settings.dir, this.settings.maxBytes).catch((error: unknown) => {
      this.warn(`the cache at ${this.settings.dir} could not be trimmed to its size (${messageOf(error)})`);
    });
  }

  private async unchangedSince(files: readonly LoadedFile[]): Promise<LoadedFile[]> {
    const now = await Promise.all(files.map((f) => (f.key === null ? null : sourceKey(f.source))));
    return files.filter((f, i) => f.key !== null && now[i] === f.key);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
