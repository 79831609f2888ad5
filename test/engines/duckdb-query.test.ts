import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedParamError, WrongEngineError } from '../../src/query/engines/duckdb/index.js';
import { cloudTrailEvent, duckdbQuery, makeLogsDir, removeDir, window, writeS3Logs } from './cloudtrail-files.js';
import { openDuckDb, type OpenedSession } from './open-duckdb.js';

const MAY_1 = window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z');

let logs: string;
let opened: OpenedSession;

beforeAll(async () => {
  logs = await makeLogsDir();
  await writeS3Logs(logs, [
    cloudTrailEvent({
      eventName: 'ConsoleLogin',
      eventTime: '2024-05-01T02:00:00Z',
      sourceIPAddress: '198.51.100.7',
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' },
      additionalEventData: { MFAUsed: 'No' },
    }),
    cloudTrailEvent({ eventName: 'CreateAccessKey', eventTime: '2024-05-01T02:05:00Z', readOnly: false }),
    cloudTrailEvent({ eventName: 'GetObject', eventTime: '2024-05-01T03:00:00Z' }),
    cloudTrailEvent({ eventName: 'GetObject', eventTime: '2024-05-01T04:00:00Z', errorCode: 'AccessDenied' }),
  ]);
  opened = await openDuckDb(logs, MAY_1);
});
afterAll(async () => {
  await opened.session.close();
  await removeDir(logs);
});

describe('duckdb engine: binding a compiled query’s values', () => {
  it('binds strings, Dates (as UTC timestamps) and string lists positionally', async () => {
    const result = await opened.session.run(
      duckdbQuery(
        `SELECT "eventName", "eventTime" FROM events
         WHERE list_contains($1, "eventName") AND "eventTime" >= $2 AND "eventTime" < $3 AND "sourceIPAddress" <> $4
         ORDER BY "eventTime"`,
        [['ConsoleLogin', 'CreateAccessKey', 'DeleteTrail'], new Date('2024-05-01T02:00:00Z'), new Date('2024-05-01T02:05:00Z'), '10.0.0.1'],
        ['eventName', 'eventTime'],
      ),
    );
    expect(result.rows).toEqual([{ eventName: 'ConsoleLogin', eventTime: '2024-05-01T02:00:00Z' }]);
  });

  it('binds an empty list, numbers and booleans', async () => {
    const none = await opened.rows('SELECT count(*) AS n FROM events WHERE list_contains($1, "eventName")', [[]]);
    expect(none).toEqual([{ n: 0 }]);
    const writes = await opened.rows(
      'SELECT "eventName" FROM events WHERE "readOnly" = $1 LIMIT $2',
      [false, 10],
    );
    expect(writes).toEqual([{ eventName: 'CreateAccessKey' }]);
    expect(await opened.rows('SELECT $1 * 2 AS x', [1.25])).toEqual([{ x: 2.5 }]);
  });

  it('refuses values the compiler never emits, naming the placeholder and where it came from', async () => {
    const query = { ...duckdbQuery('SELECT $1 AS x'), params: [{ placeholder: '$1', value: { a: 1 }, source: 'param:who' }] };
    await expect(opened.session.run(query)).rejects.toThrow(UnsupportedParamError);
    await expect(opened.session.run(query)).rejects.toThrow('cannot bind $1 (param:who)');
  });

  it('refuses a query compiled for another engine', async () => {
    const athena = { ...duckdbQuery('SELECT 1'), engine: 'athena' as const };
    await expect(opened.session.run(athena)).rejects.toThrow(WrongEngineError);
  });
});

describe('duckdb engine: results as plain JSON values', () => {
  it('gives times as ISO strings, counts as numbers, lists as string arrays, JSON and structs as text, NULL as null', async () => {
    const result = await opened.session.run(
      duckdbQuery(`
        SELECT "userIdentity"."type" AS who,
               max("eventTime") AS last_seen,
               count(*) AS calls,
               count(*)::HUGEINT AS huge,
               list(DISTINCT "eventName" ORDER BY "eventName") AS actions,
               any_value("additionalEventData") AS extra,
               any_value({'ip': "sourceIPAddress", 'n': 1}) AS pair,
               any_value("errorCode") AS error
        FROM events WHERE "eventName" = 'ConsoleLogin' GROUP BY 1`),
    );
    expect(result.columns).toEqual(['who', 'last_seen', 'calls', 'huge', 'actions', 'extra', 'pair', 'error']);
    expect(result.rows).toEqual([
      {
        who: 'Root',
        last_seen: '2024-05-01T02:00:00Z',
        calls: 1,
        huge: 1,
        actions: ['ConsoleLogin'],
        extra: '{"MFAUsed":"No"}',
        pair: '{"ip":"198.51.100.7","n":1}',
        error: null,
      },
    ]);
    expect(result.stats.eventsScanned).toBe(4);
    expect(result.stats.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps the columns in the order the query names them', async () => {
    const result = await opened.session.run(duckdbQuery('SELECT "eventID" AS b, "eventName" AS a FROM events LIMIT 1'));
    expect(result.columns).toEqual(['b', 'a']);
    expect(Object.keys(result.rows[0]!)).toEqual(['b', 'a']);
  });
});

describe('duckdb engine: one load per session', () => {
  it('answers every query of a runbook from the loaded window, without reading the files again', async () => {
    const progressBefore = opened.progress.length;
    await removeDir(logs); // were a query to read files, it would now fail

    const steps = [
      'SELECT count(*) AS n FROM events',
      `SELECT count(*) AS n FROM events WHERE "eventName" = 'GetObject'`,
      `SELECT count(*) AS n FROM events WHERE "errorCode" IS NOT NULL`,
    ];
    const answers = [];
    for (const step of steps) answers.push((await opened.rows(step))[0]);

    expect(answers).toEqual([{ n: 4 }, { n: 2 }, { n: 1 }]);
    expect(opened.progress.length).toBe(progressBefore);
  });

  it('gives a runbook’s SQL no access to files on the machine', async () => {
    await expect(opened.rows(`SELECT * FROM read_text('/etc/hostname')`)).rejects.toThrow(/disabled by configuration/);
  });

  it('answers queries that overlap (a sweep runs runbooks two at a time), each with its own rows', async () => {
    const asked = [
      [`SELECT count(*) AS n FROM events WHERE "eventName" = $1`, ['GetObject'], { n: 2 }],
      [`SELECT "eventName" AS e FROM events WHERE "readOnly" = $1`, [false], { e: 'CreateAccessKey' }],
      [`SELECT "sourceIPAddress" AS ip FROM events WHERE "eventName" = $1`, ['ConsoleLogin'], { ip: '198.51.100.7' }],
    ] as const;
    const rounds = await Promise.all(Array.from({ length: 4 }, () => Promise.all(asked.map(([text, values]) => opened.rows(text, [...values])))));
    for (const answers of rounds) expect(answers).toEqual(asked.map(([, , row]) => [row]));
    // Every connection the overlap opened is as shut off from the machine as the first.
    const reads = await Promise.allSettled(Array.from({ length: 3 }, () => opened.rows(`SELECT * FROM read_text('/etc/hostname')`)));
    expect(reads.map((r) => (r.status === 'rejected' ? String(r.reason) : 'read'))).toEqual(Array(3).fill(expect.stringMatching(/disabled by configuration/)));
  });
});
