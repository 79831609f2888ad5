/**
 * The cache of parsed events, for repeated runs over the same logs (several runbooks in a
 * row over one folder, a sweep, a worker answering alarm after alarm): parsing CloudTrail's
 * JSON is most of a load, so the whole records of the files a load parses are written once,
 * as Parquet, and every later session (whatever runbook, whatever fields it reads) queries
 * them where they lie, reading only the columns and row groups each query needs.
 *
 * - Keyed by each file as it is now (source-key.ts): a changed file is parsed again, a
 *   deleted one is not looked for; stale events are never served.
 * - Safe with several processes (entries.ts: written under temporary names, renamed into
 *   place) and bounded in size (evict.ts). A session reads its entries through hard links
 *   of its own (`open-<id>/`, removed when it closes), so an entry another process evicts
 *   meanwhile stays readable until the session is done with it.
 * - Never a reason for a run to fail: an entry that cannot be read is parsed again, and a
 *   folder that cannot be written turns the cache off for the rest of the load, with a warning.
 */
import { measure } from '../../../../log/measure.js';
import { randomUUID } from 'node:crypto';
import { link, mkdir, rm, stat, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LogFile } from '../discover.js';
import { newEntryId, publishEntry, readEntries, type EntrySource } from './entries.js';
import { evictCache, OPEN_PREFIX } from './evict.js';
import { planCacheReads, type CachedGroup, type CachePlan } from './plan.js';
import type { CacheSettings } from './settings.js';
import { sourceKeys } from './source-key.js';

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

/** A file just parsed: its rows are in an entry being written, numbered `number`. */
export interface ParsedFile {
  source: string;
  number: number;
  key: string | null;
  events: number;
}

/** Where a new entry's rows are written: in the session's own folder, linked into the cache when published. */
export interface EntryTarget {
  id: string;
  /** The Parquet file as written, which the session reads (and removes when it closes). */
  writing: string;
}

/** Parquet files queries read, each with the files of it to answer from (all of them: null). */
export interface ParquetSource {
  path: string;
  files: number[] | null;
  /** Whole records (a cache entry), or only the columns the session reads (its own file). */
  whole: boolean;
}

export class EventCache {
  private unwritable: string | null = null;
  private wrote = false;
  private readonly openDir: string;

  private constructor(
    private readonly settings: CacheSettings,
    private readonly warn: (message: string) => void,
  ) {
    this.openDir = join(settings.dir, `${OPEN_PREFIX}${randomUUID()}`);
  }

  /** The cache; null (with a warning) when its folder cannot be made. */
  static async open(settings: CacheSettings, warn: (message: string) => void): Promise<EventCache | null> {
    try {
      await mkdir(settings.dir, { recursive: true });
    } catch (error) {
      warnOnce(warn, settings.dir, `the cache folder ${settings.dir} cannot be made (${messageOf(error)}); reading the logs without it`);
      return null;
    }
    return new EventCache(settings, warn);
  }

  /** Whether entries are still being written (false once writing failed). */
  get writable(): boolean {
    return this.unwritable === null;
  }

  /** Which files can be read from the cache, keyed as they are now. */
  async plan(files: readonly LogFile[]): Promise<CachePlan> {
    const entries = await readEntries(this.settings.dir);
    const keys = sourceKeys(files.map((f) => f.path));
    const keyed = files.map((file, number) => ({ file, number, key: keys[number] ?? null }));
    const plan = planCacheReads(entries, keyed);
    measure.cacheLookups(files.length - plan.misses.length, plan.misses.length);
    return plan;
  }

  /**
   * What queries read for these groups: each entry's Parquet file, with the numbers (in it)
   * of the files to answer from when it holds others too. Each entry still there is marked
   * used (for eviction); one gone (another process evicted it) throws, so its files are
   * parsed instead.
   */
  async use(groups: readonly CachedGroup[]): Promise<ParquetSource[]> {
    const now = new Date();
    return Promise.all(
      groups.map(async (group) => {
        const path = await this.pin(group.entry.parquetPath);
        await utimes(group.entry.manifestPath, now, now).catch(() => undefined);
        return { path, files: group.whole ? null : group.files.map((f) => f.fileInEntry), whole: true };
      }),
    );
  }

  /**
   * The path a session reads an entry's Parquet file by: a hard link of its own, which
   * outlives an eviction; the entry's own path where links cannot be made. Throws when the
   * entry is gone.
   */
  async pin(parquet: string): Promise<string> {
    await stat(parquet);
    const pinned = join(this.openDir, basename(parquet));
    try {
      await mkdir(this.openDir, { recursive: true });
      await link(parquet, pinned);
      return pinned;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return pinned;
      return parquet;
    }
  }

  /** The session is done with its entries: its links go (an evicted entry's space is freed then). */
  async release(): Promise<void> {
    await rm(this.openDir, { recursive: true, force: true });
  }

  /** A new entry to write rows to (entries.ts names it). */
  async newEntry(): Promise<EntryTarget> {
    await mkdir(this.openDir, { recursive: true });
    const id = newEntryId(randomUUID());
    return { id, writing: join(this.openDir, `${id}.parquet`) };
  }

  /**
   * Publish an entry whose Parquet file holds the rows of these files. Files that changed
   * since they were looked at are left out of its manifest: their rows may be of either
   * version (the session that read them answers from them all the same). Returns how many
   * files the entry answers for.
   */
  async publish(target: EntryTarget, files: readonly ParsedFile[]): Promise<number> {
    if (!this.writable) return 0;
    const unchanged = this.unchangedSince(files);
    if (unchanged.length === 0) return 0;
    const sources: EntrySource[] = unchanged.map((f) => ({ key: f.key!, path: f.source, file: f.number, events: f.events }));
    try {
      await publishEntry(this.settings.dir, target.id, target.writing, sources, unchanged.length < files.length);
    } catch (error) {
      this.failed(error);
      return 0;
    }
    this.wrote = true;
    return unchanged.length;
  }

  /** Writing failed (the folder is full, or read-only): the load goes on without the cache. */
  failed(error: unknown): void {
    this.unwritable = messageOf(error);
    warnOnce(this.warn, this.settings.dir, `the cache at ${this.settings.dir} cannot be written (${this.unwritable}); reading on without it`);
  }

  /** After a load: keep the folder within its size, if this load added to it. */
  async evict(): Promise<void> {
    if (!this.wrote) return;
    await evictCache(this.settings.dir, this.settings.maxBytes).catch((error: unknown) => {
      this.warn(`the cache at ${this.settings.dir} could not be trimmed to its size (${messageOf(error)})`);
    });
  }

  private unchangedSince(files: readonly ParsedFile[]): ParsedFile[] {
    const now = sourceKeys(files.map((f) => f.source));
    return files.filter((f, i) => f.key !== null && now[i] === f.key);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
