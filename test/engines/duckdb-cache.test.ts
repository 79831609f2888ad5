/**
 * The DuckDB engine's cache of parsed events: a second run over the same logs reads the typed
 * events back instead of parsing the JSON again; a changed or deleted log file is never
 * answered from it; loads running at once share it safely; it keeps within its size; and it
 * can be turned off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../src/query/engine.js';
import { cacheSettingsFromEnv, type CacheSettings } from '../../src/query/engines/duckdb/index.js';
import { ctrb } from '../cli/ctrb.js';
import { cloudTrailEvent, makeLogsDir, removeDir, window, writeBytes, writeS3Logs, type CloudTrailEvent } from './cloudtrail-files.js';
import { fillDone, openDuckDb, type OpenedSession } from './open-duckdb.js';
import { fillPending } from '../../src/query/engines/duckdb/cache/fill-jobs.js';

const MAY_1 = window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z');
const BIG = 1024 ** 3;

let logs: string;
let cache: CacheSettings;
const sessions: EngineSession[] = [];

beforeEach(async () => {
  logs = await makeLogsDir();
  cache = { dir: await mkdtemp(join(tmpdir(), 'ctrb-cache-test-')), maxBytes: BIG };
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await removeDir(logs);
  await removeDir(cache.dir);
});

/** Open a session over `logs` with the test's cache, closed after the test. */
async function load(win = MAY_1, options: Parameters<typeof openDuckDb>[2] = {}): Promise<OpenedSession> {
  const opened = await openDuckDb(logs, win, { cache, ...options });
  sessions.push(opened.session);
  return opened;
}

const names = (opened: OpenedSession): Promise<Record<string, unknown>[]> =>
  opened.rows('SELECT "eventName", "awsRegion" FROM events ORDER BY "eventName", "awsRegion"');

/** The cache's files, by kind; not the folders of open sessions (their links to the entries they read). */
async function cacheFiles(dir = cache.dir): Promise<{ manifests: string[]; parquet: string[]; other: string[] }> {
  // runbooks/ is the CLI's memo of runbook files it found valid (src/runbook/memo.ts), beside the events.
  const all = (await readdir(dir).catch(() => [] as string[])).filter((n) => n !== 'runbooks' && !n.startsWith('open-'));
  return {
    manifests: all.filter((n) => n.endsWith('.json')),
    parquet: all.filter((n) => n.endsWith('.parquet')),
    other: all.filter((n) => !n.endsWith('.json') && !n.endsWith('.parquet')),
  };
}

async function threeRegions(): Promise<string[]> {
  const written: string[] = [];
  for (const [region, eventName] of [['us-east-1', 'ConsoleLogin'], ['eu-west-1', 'GetObject'], ['ap-south-1', 'PutObject']] as const) {
    written.push(...(await writeS3Logs(logs, [cloudTrailEvent({ eventName, awsRegion: region }), cloudTrailEvent({ awsRegion: region })], { region })));
  }
  return written;
}

/** What the cache's size counts: its entries' files. */
async function cacheBytes(dir: string): Promise<number> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('events-'));
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Rewrite a log file with other events, the way a trail never does but a copy or an edit might. */
async function rewrite(path: string, events: CloudTrailEvent[]): Promise<void> {
  await writeFile(path, gzipSync(JSON.stringify({ Records: events })));
}

describe('duckdb engine: a second run over the same logs', () => {
  it('reads every file from the cache, and answers the same', async () => {
    await threeRegions();
    const first = await load();
    expect(first.loaded).toMatchObject({ filesFromCache: 0, filesCached: 3 });

    const second = await load();

    expect(second.loaded).toMatchObject({ filesFromCache: 3, filesCached: 0, eventsLoaded: 6 });
    expect(await names(second)).toEqual(await names(first));
    expect(second.progress.at(-1)).toEqual({ filesRead: 3, filesTotal: 3, eventsRead: 6 });
    expect(second.warnings).toEqual([]);
  });

  it('serves another window from the same entries: they hold whole files, not one window', async () => {
    for (const day of ['01', '02', '03']) {
      await writeS3Logs(logs, [cloudTrailEvent({ eventName: `Day${day}`, eventTime: `2024-05-${day}T12:00:00Z` })]);
    }
    const oneDay = await load(window('2024-05-02T00:00:00Z', '2024-05-03T00:00:00Z'));
    expect(await oneDay.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'Day02' }]);
    expect(oneDay.loaded.filesCached).toBe(3); // the day's folder and, for late deliveries, the days beside it

    const threeDays = await load(window('2024-05-01T00:00:00Z', '2024-05-04T00:00:00Z'));

    expect(threeDays.loaded.filesFromCache).toBe(3);
    expect(await threeDays.rows('SELECT "eventName" FROM events ORDER BY 1')).toEqual([
      { eventName: 'Day01' },
      { eventName: 'Day02' },
      { eventName: 'Day03' },
    ]);
  });

  it('reads lookup-events output and plain JSON from the cache too', async () => {
    await writeBytes(join(logs, 'export.json'), JSON.stringify({ Records: [cloudTrailEvent({ eventName: 'FromExport' })] }));
    const event = cloudTrailEvent({ eventName: 'FromLookup' });
    await writeBytes(join(logs, 'lookup.json'), JSON.stringify({ Events: [{ EventId: event.eventID, CloudTrailEvent: JSON.stringify(event) }] }));
    await load();

    const second = await load();

    expect(second.loaded.filesFromCache).toBe(2);
    expect(await second.rows('SELECT "eventName" FROM events ORDER BY 1')).toEqual([{ eventName: 'FromExport' }, { eventName: 'FromLookup' }]);
  });
});

describe('duckdb engine: the cache never answers for a file that changed', () => {
  it('parses a rewritten file again and answers with its new events', async () => {
    const [changed] = await threeRegions();
    await load();
    await rewrite(changed!, [cloudTrailEvent({ eventName: 'Rewritten', awsRegion: 'us-east-1' })]);

    const second = await load();

    expect(second.loaded).toMatchObject({ filesFromCache: 2, filesCached: 1 });
    expect(await second.rows(`SELECT "eventName" FROM events WHERE "awsRegion" = 'us-east-1'`)).toEqual([{ eventName: 'Rewritten' }]);
  });

  it('parses a file again whose size is unchanged and whose modification time was put back', async () => {
    const [changed] = await threeRegions();
    const original = cloudTrailEvent({ eventName: 'Original_', awsRegion: 'us-east-1' });
    await rewrite(changed!, [original]);
    const times = join(cache.dir, 'times-of-the-cached-file');
    await writeFile(times, '');
    execFileSync('touch', ['-r', changed!, times]); // keeps the time to the nanosecond
    const cachedSize = (await stat(changed!)).size;
    await load();

    // Same length, other content, and the modification time put back (as `touch -r`, `cp -p` or
    // rsync would): only the file's change time tells.
    await rewrite(changed!, [{ ...original, eventName: 'Tampered!' }]);
    execFileSync('touch', ['-r', times, changed!]);
    expect((await stat(changed!)).size).toBe(cachedSize);
    expect((await stat(changed!, { bigint: true })).mtimeNs).toBe((await stat(times, { bigint: true })).mtimeNs);

    const second = await load();

    expect(await second.rows(`SELECT "eventName" FROM events WHERE "awsRegion" = 'us-east-1'`)).toEqual([{ eventName: 'Tampered!' }]);
    expect(second.loaded.filesFromCache).toBe(2);
  });

  it('parses a file again when only its modification time changed', async () => {
    const [touched] = await threeRegions();
    await load();
    const later = new Date(Date.now() + 60_000);
    await utimes(touched!, later, later);

    const second = await load();

    expect(second.loaded).toMatchObject({ filesFromCache: 2, filesCached: 1, eventsLoaded: 6 });
  });

  it('answers nothing from a file that was deleted', async () => {
    const [deleted] = await threeRegions();
    await load();
    await rm(deleted!);

    const second = await load();

    expect(second.loaded.filesFromCache).toBe(2);
    expect(await second.rows(`SELECT count(*) AS n FROM events WHERE "awsRegion" = 'us-east-1'`)).toEqual([{ n: 0 }]);
    expect(second.loaded.eventsLoaded).toBe(4);
  });
});

describe('duckdb engine: filling the cache after answering', () => {
  it('answers from what the run reads, then fills the cache in the background for the next run', async () => {
    await threeRegions();
    const first = await load(MAY_1, { fill: 'background', columns: new Set(['eventName']) });
    expect(first.loaded).toMatchObject({ filesFromCache: 0, filesCached: 0 });
    expect(await first.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 6 }]);
    for (const s of sessions.splice(0)) await s.close();

    await fillDone(cache.dir);
    const next = await load(MAY_1, { columns: new Set(['awsRegion', 'requestParameters']) });

    expect(next.loaded).toMatchObject({ filesFromCache: 3, filesCached: 0 });
    expect(await next.rows('SELECT count(DISTINCT "awsRegion") AS n FROM events')).toEqual([{ n: 3 }]);
    expect((await cacheFiles()).other).toEqual([]);
  });

  it('leaves no fill behind a run that was stopped after its load (Ctrl-C)', async () => {
    await threeRegions();
    const stop = new AbortController();
    const first = await load(MAY_1, { fill: 'background', columns: new Set(['eventName']), signal: stop.signal });
    expect(await first.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 6 }]);
    stop.abort();
    for (const s of sessions.splice(0)) await s.close();

    // No job was written and no filler started: the next run parses the files, and fills after it.
    expect(await fillPending(cache.dir)).toBe(false);
    expect((await cacheFiles()).manifests).toEqual([]);
    const next = await load(MAY_1, { fill: 'background', columns: new Set(['eventName']) });
    expect(next.loaded).toMatchObject({ filesFromCache: 0 });
    for (const s of sessions.splice(0)) await s.close();
    await fillDone(cache.dir);
    expect((await load(MAY_1)).loaded).toMatchObject({ filesFromCache: 3 });
  });

  it('fills with every event of the files, not only those the first run could match', async () => {
    await threeRegions();
    // A run whose queries match ConsoleLogin only: it parses the one event holding that word.
    const first = await load(MAY_1, { fill: 'background', columns: new Set(['eventName']), needles: ['ConsoleLogin'] });
    expect(await first.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'ConsoleLogin' }]);
    expect(first.loaded.eventsLoaded).toBe(6);
    for (const s of sessions.splice(0)) await s.close();

    await fillDone(cache.dir);
    const next = await load();

    expect(next.loaded.filesFromCache).toBe(3);
    expect(await names(next)).toHaveLength(6);
  });
});

describe('duckdb engine: one cache for every run, whatever fields it reads', () => {
  it('serves a run reading other fields than the run that filled it, parsing nothing', async () => {
    await threeRegions();
    await load(MAY_1, { columns: new Set(['eventName']) });

    const wider = await load(MAY_1, { columns: new Set(['eventName', 'awsRegion', 'requestParameters']) });

    expect(wider.loaded).toMatchObject({ filesFromCache: 3, filesCached: 0 });
    expect(await names(wider)).toHaveLength(6);
    expect(await wider.rows(`SELECT count(*) AS n FROM events WHERE "requestParameters"->>'$.bucketName' = 'audit-logs'`)).toEqual([{ n: 6 }]);
  });

  it('serves any field of a struct, whichever of its fields the filling run read', async () => {
    await threeRegions();
    await load(MAY_1, { columns: new Set(['userIdentity.arn']) });

    const userName = await load(MAY_1, { columns: new Set(['userIdentity.userName']) });

    expect(userName.loaded.filesFromCache).toBe(3);
    expect(await userName.rows('SELECT DISTINCT "userIdentity"."userName" AS who FROM events')).toEqual([{ who: 'alice' }]);
  });

  it('writes one entry per load: a later run reading more fields adds none', async () => {
    await threeRegions();
    await load(MAY_1, { columns: new Set(['eventName']) });
    await load(MAY_1, { columns: new Set(['eventName', 'awsRegion']) });
    await load(MAY_1);

    expect((await cacheFiles()).manifests).toHaveLength(1);
  });
});

describe('duckdb engine: the cache shared by loads at once', () => {
  it('gives every concurrent load the right answer, leaves whole entries only, and serves the next load', async () => {
    await threeRegions();

    const concurrent = await Promise.all([load(), load(), load()]);

    for (const opened of concurrent) expect(await names(opened)).toHaveLength(6);
    const files = await cacheFiles();
    expect(files.other).toEqual([]); // no temporary file left behind
    expect(files.parquet).toHaveLength(files.manifests.length);
    const next = await load();
    expect(next.loaded.filesFromCache).toBe(3);
    expect(await names(next)).toEqual(await names(concurrent[0]!));
  });

  it('keeps answering from entries another process evicts while it is open, and leaves nothing once closed', async () => {
    await threeRegions();
    await load();
    const open = await load();
    expect(open.loaded.filesFromCache).toBe(3);

    const { manifests, parquet } = await cacheFiles();
    for (const name of [...manifests, ...parquet]) await rm(join(cache.dir, name));

    expect(await names(open)).toHaveLength(6);
    for (const s of sessions.splice(0)) await s.close();
    expect(await readdir(cache.dir)).toEqual([]);
  });

  it('parses the files again when an entry disappears under a load (another process evicted it)', async () => {
    await threeRegions();
    await load();
    const { parquet } = await cacheFiles();
    await rm(join(cache.dir, parquet[0]!));

    const second = await load();

    expect(second.loaded.filesFromCache).toBe(0);
    expect(await names(second)).toHaveLength(6);
    expect(second.warnings).toEqual([]);
  });
});

describe('duckdb engine: the cache’s size', () => {
  it('removes the entries used longest ago once the folder is over its size', async () => {
    const other = await makeLogsDir();
    try {
      await threeRegions();
      await writeS3Logs(other, [cloudTrailEvent({ eventName: 'Elsewhere' })]);
      const loadOther = async (): Promise<OpenedSession> => {
        const opened = await openDuckDb(other, MAY_1, { cache });
        sessions.push(opened.session);
        return opened;
      };
      // The size of each folder's entry, measured in a cache of its own.
      const measured = cache;
      cache = { dir: await mkdtemp(join(tmpdir(), 'ctrb-cache-test-')), maxBytes: BIG };
      await load();
      const logsEntry = await cacheBytes(cache.dir);
      await loadOther();
      const otherEntry = (await cacheBytes(cache.dir)) - logsEntry;
      await removeDir(cache.dir);
      // Room for either entry, not both.
      cache = { ...measured, maxBytes: logsEntry + otherEntry - Math.min(logsEntry, otherEntry) / 2 };

      await load();
      expect((await loadOther()).loaded.filesCached).toBe(1);

      expect((await cacheFiles()).manifests).toHaveLength(1);
      expect(await cacheBytes(cache.dir)).toBeLessThanOrEqual(cache.maxBytes);
      expect((await loadOther()).loaded.filesFromCache).toBe(1);
      expect((await load()).loaded.filesFromCache).toBe(0);
    } finally {
      await removeDir(other);
    }
  });
});

describe('duckdb engine: without the cache', () => {
  it('parses every file and writes nothing with cache: false', async () => {
    await threeRegions();
    const first = await load(MAY_1, { cache: false });
    const second = await load(MAY_1, { cache: false });

    expect(second.loaded).toMatchObject({ filesFromCache: 0, filesCached: 0, eventsLoaded: 6 });
    expect(await names(second)).toEqual(await names(first));
    expect((await cacheFiles()).manifests).toEqual([]);
  });

  it('warns, and answers, when the cache folder cannot be made', async () => {
    await threeRegions();
    const blocker = join(cache.dir, 'a-file');
    await writeFile(blocker, 'not a folder');

    const opened = await load(MAY_1, { cache: { dir: join(blocker, 'cache'), maxBytes: BIG } });

    expect(await names(opened)).toHaveLength(6);
    expect(opened.warnings).toEqual([expect.stringMatching(/^the cache folder .*a-file\/cache cannot be made .*; reading the logs without it$/)]);
  });
});

describe('the cache’s settings from the environment', () => {
  it('lives under XDG_CACHE_HOME, else ~/.cache, unless CTRB_CACHE_DIR says where', () => {
    expect(cacheSettingsFromEnv({ XDG_CACHE_HOME: '/var/cache/me' })).toEqual({ dir: '/var/cache/me/cloudtrail-runbooks', maxBytes: 2 * 1024 ** 3 });
    expect(cacheSettingsFromEnv({ HOME: '/home/me' })?.dir).toMatch(/\/\.cache\/cloudtrail-runbooks$/);
    expect(cacheSettingsFromEnv({ CTRB_CACHE_DIR: '/tmp/ctrb', XDG_CACHE_HOME: '/x' })?.dir).toBe('/tmp/ctrb');
  });

  it('is off with CTRB_CACHE=off, and sized by CTRB_CACHE_MAX_SIZE', () => {
    expect(cacheSettingsFromEnv({ CTRB_CACHE: 'off' })).toBeNull();
    expect(cacheSettingsFromEnv({ CTRB_CACHE: 'on', CTRB_CACHE_MAX_SIZE: '500MB' })?.maxBytes).toBe(500 * 1024 ** 2);
    expect(cacheSettingsFromEnv({ CTRB_CACHE_MAX_SIZE: '1.5 GB' })?.maxBytes).toBe(1.5 * 1024 ** 3);
  });

  it('refuses values it cannot read, saying what it expected', () => {
    expect(() => cacheSettingsFromEnv({ CTRB_CACHE: 'sometimes' })).toThrow('CTRB_CACHE=sometimes: expected on or off');
    expect(() => cacheSettingsFromEnv({ CTRB_CACHE_MAX_SIZE: 'lots' })).toThrow('CTRB_CACHE_MAX_SIZE=lots: expected a size such as 2GB or 500MB');
  });
});

describe('ctrb run: processes sharing one cache', () => {
  it('answers alike in three processes filling the cache at once, and leaves only whole entries', async () => {
    await threeRegions();
    const env = { CTRB_CACHE_DIR: cache.dir };
    const args = ['run', 'root-activity', '--logs', logs, 'since=2024-05-01T00:00:00Z', 'until=2024-05-02T00:00:00Z', '--json'];

    const outputs = await Promise.all([ctrb(args, env), ctrb(args, env), ctrb(args, env)]);

    const steps = outputs.map((out) => {
      expect(out.code).toBe(0);
      return (JSON.parse(out.stdout) as { steps: { stepId: string; query?: { rows: unknown[] } }[] }).steps.map((st) => [st.stepId, st.query?.rows]);
    });
    expect(steps[1]).toEqual(steps[0]);
    expect(steps[2]).toEqual(steps[0]);
    await fillDone(cache.dir);
    const files = await cacheFiles();
    expect(files.other).toEqual([]);
    expect(files.parquet.length).toBe(files.manifests.length);
    // Any run reading fields the runbook read is served from what the processes wrote.
    expect((await load(MAY_1, { columns: new Set(['eventName']) })).loaded.filesFromCache).toBe(3);
  }, 240_000);
});

describe('ctrb run and ctrb sweep: --no-cache', () => {
  it('neither reads nor fills the cache with --no-cache, and fills it without', async () => {
    await threeRegions();
    const env = { CTRB_CACHE_DIR: cache.dir };

    const uncached = await ctrb(['run', 'root-activity', '--logs', logs, 'since=2024-05-01T00:00:00Z', 'until=2024-05-02T00:00:00Z', '--no-cache'], env);
    expect(uncached.code).toBe(0);
    const swept = await ctrb(['sweep', '--logs', logs, '--since', '2024-05-01T00:00:00Z', '--until', '2024-05-02T00:00:00Z', '--no-cache', '--json'], env);
    expect(swept.code).toBe(0);
    expect((await cacheFiles()).manifests).toEqual([]);

    const cached = await ctrb(['run', 'root-activity', '--logs', logs, 'since=2024-05-01T00:00:00Z', 'until=2024-05-02T00:00:00Z'], env);
    expect(cached.code).toBe(0);
    await fillDone(cache.dir);
    expect((await cacheFiles()).manifests).not.toEqual([]);
  }, 240_000);
});
