/**
 * How the engine reads files before DuckDB parses them: split into one event per line (the
 * quick way where the file is as CloudTrail writes it), and, without the cache, only the
 * events of the window that hold one of the run's needles. Whatever the shortcut, the answer
 * is the one a full parse gives.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../src/query/engine.js';
import { stageDocument } from '../../src/query/engines/duckdb/stage-core.js';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { cloudTrailEvent, makeLogsDir, removeDir, window, writeBytes, writeS3Logs } from './cloudtrail-files.js';
import { fillDone, openDuckDb } from './open-duckdb.js';

const MAY_1 = window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z');

let logs: string;
let session: EngineSession | undefined;

beforeEach(async () => {
  logs = await makeLogsDir();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await removeDir(logs);
});

const lines = (staged: ReturnType<typeof stageDocument>): string[] =>
  staged.ok ? Buffer.concat(staged.pieces).toString().split('\n').filter((l) => l.length > 0) : [];

describe('splitting a file into events', () => {
  it('splits a file as CloudTrail writes it the quick way, into the events the thorough way finds', () => {
    const events = [cloudTrailEvent(), cloudTrailEvent({ userAgent: 'a "quoted" },{ value' }), cloudTrailEvent()];
    const text = JSON.stringify({ Records: events });

    const quick = stageDocument(Buffer.from(text));
    const thorough = stageDocument(Buffer.from(text), { thorough: true });

    expect(quick).toMatchObject({ ok: true, quick: true, events: 3, kept: 3 });
    expect(thorough).toMatchObject({ ok: true, quick: false, events: 3 });
    expect(lines(quick).map((l) => JSON.parse(l) as unknown)).toEqual(events);
    expect(lines(quick)).toEqual(lines(thorough));
  });

  it('reads every event right when an event holds the quick way’s boundary nested inside it', async () => {
    // A payload holding a list of objects whose first member is eventVersion: the quick cut
    // falls inside the event, DuckDB refuses the pieces, and the file is split the thorough way.
    const nested = { items: [{ a: 1 }, { eventVersion: 'inner', b: 2 }] };
    const events = [cloudTrailEvent({ eventName: 'Outer', requestParameters: nested }), cloudTrailEvent({ eventName: 'Plain' })];
    await writeS3Logs(logs, events);
    expect(lines(stageDocument(Buffer.from(JSON.stringify({ Records: events }))))).toHaveLength(3);

    const opened = await openDuckDb(logs, MAY_1, { cache: false });
    session = opened.session;

    expect(await opened.rows(`SELECT "eventName", "requestParameters"->>'$.items[1].b' AS b FROM events ORDER BY 1`)).toEqual([
      { eventName: 'Outer', b: '2' },
      { eventName: 'Plain', b: null },
    ]);
    expect(opened.warnings).toEqual([]);
  });
});

describe('without the cache, parsing only the events a run can see', () => {
  async function threeTimes(): Promise<void> {
    await writeS3Logs(logs, [
      cloudTrailEvent({ eventName: 'Before', eventTime: '2024-04-30T23:59:59Z' }),
      cloudTrailEvent({ eventName: 'ConsoleLogin', eventTime: '2024-05-01T00:00:00Z' }),
      cloudTrailEvent({ eventName: 'GetObject', eventTime: '2024-05-01T08:00:00Z' }),
      cloudTrailEvent({ eventName: 'After', eventTime: '2024-05-02T00:00:00Z' }),
    ], { deliveredOn: '2024-05-01' });
  }

  it('leaves out the events of other times and those holding none of the needles, and still counts the window’s events', async () => {
    await threeTimes();
    const opened = await openDuckDb(logs, MAY_1, { cache: false, needles: ['ConsoleLogin'] });
    session = opened.session;

    expect(await opened.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'ConsoleLogin' }]);
    expect(opened.loaded.eventsLoaded).toBe(2);
    expect(opened.progress.at(-1)).toEqual({ filesRead: 1, filesTotal: 1, eventsRead: 4 });
  });

  it('keeps an event whose text could spell a needle another way (an escape), and one whose time it cannot read', async () => {
    const escaped = JSON.stringify(cloudTrailEvent({ eventID: 'escaped' })).replace('"eventName":"GetObject"', '"eventName":"Console\\u004cogin"');
    const oddTime = JSON.stringify(cloudTrailEvent({ eventID: 'odd-time', eventTime: '2024-05-01T12:00:00.250Z' }));
    const other = JSON.stringify(cloudTrailEvent({ eventID: 'other' }));
    await writeBytes(join(logs, 'odd.json.gz'), gzipSync(`{"Records":[${escaped},${oddTime},${other}]}`));

    const opened = await openDuckDb(logs, MAY_1, { cache: false, needles: ['ConsoleLogin'] });
    session = opened.session;

    expect(await opened.rows(`SELECT "eventID", "eventName" FROM events ORDER BY 1`)).toEqual([
      { eventID: 'escaped', eventName: 'ConsoleLogin' },
      { eventID: 'odd-time', eventName: 'GetObject' },
    ]);
    expect(opened.loaded.eventsLoaded).toBe(3);
  });

  it('answers a runbook the same with and without the shortcut', async () => {
    await threeTimes();
    const query = `SELECT "eventName", "eventTime" FROM events WHERE "eventName" IN ('ConsoleLogin', 'After') ORDER BY 1`;
    const full = await openDuckDb(logs, MAY_1, { cache: false });
    const filtered = await openDuckDb(logs, MAY_1, { cache: false, needles: ['ConsoleLogin', 'After'] });
    try {
      expect(await filtered.rows(query)).toEqual(await full.rows(query));
      expect(await filtered.rows(query)).toEqual([{ eventName: 'ConsoleLogin', eventTime: '2024-05-01T00:00:00Z' }]);
    } finally {
      await full.session.close();
      await filtered.session.close();
    }
  });
});

describe('a load larger than the memory its table may take', () => {
  async function fourRegions(): Promise<void> {
    for (const region of ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']) {
      await writeS3Logs(logs, [cloudTrailEvent({ awsRegion: region, eventName: 'ConsoleLogin' }), cloudTrailEvent({ awsRegion: region })], { region });
    }
  }
  const tiny = { tableBytes: 1, batchFiles: 1 };
  const regions = `SELECT "awsRegion", count(*) AS n FROM events GROUP BY 1 ORDER BY 1`;

  it('without the cache, keeps the rest in Parquet files of its own, answers the same, and leaves nothing once closed', async () => {
    await fourRegions();
    const spillDir = await mkdtemp(join(tmpdir(), 'ctrb-spill-test-'));
    try {
      const small = await openDuckDb(logs, MAY_1, { cache: false, spillDir, tuning: tiny });
      const large = await openDuckDb(logs, MAY_1, { cache: false });
      expect(await small.rows(regions)).toEqual(await large.rows(regions));
      expect(await small.rows(regions)).toHaveLength(4);
      expect((await readdir(spillDir)).length).toBe(1); // the session's folder
      await small.session.close();
      await large.session.close();
      expect(await readdir(spillDir)).toEqual([]);
    } finally {
      await removeDir(spillDir);
    }
  });

  it('with the cache, keeps the rest in Parquet of its own too, and leaves every file it parsed to the background fill', async () => {
    await fourRegions();
    const cache = { dir: await mkdtemp(join(tmpdir(), 'ctrb-cache-test-')), maxBytes: 1024 ** 3 };
    try {
      const first = await openDuckDb(logs, MAY_1, { cache, fill: 'background', tuning: tiny, needles: ['ConsoleLogin'] });
      // Nothing written to the cache while the person waits: whole records are the fill's job.
      expect(first.loaded.filesCached).toBe(0);
      expect((await readdir(cache.dir)).filter((n) => n.endsWith('.parquet'))).toEqual([]);
      // Every file the same way, in the table or past it: the events its queries can match.
      expect(await first.rows(regions)).toEqual([
        { awsRegion: 'us-east-1', n: 1 },
        { awsRegion: 'us-east-2', n: 1 },
        { awsRegion: 'us-west-1', n: 1 },
        { awsRegion: 'us-west-2', n: 1 },
      ]);
      await first.session.close();
      await fillDone(cache.dir);

      const next = await openDuckDb(logs, MAY_1, { cache });
      expect(next.loaded.filesFromCache).toBe(4);
      expect(await next.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 8 }]);
      await next.session.close();
    } finally {
      await removeDir(cache.dir);
    }
  });
});
