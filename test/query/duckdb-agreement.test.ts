/**
 * The DuckDB SQL, executed for real on the contract's `events` table, returns exactly what
 * the in-memory evaluator returns on the same events: the two implementations of the
 * portable semantics (null-safe ne / not_in, NOT over missing fields, CIDR, JSON text,
 * grouping and eventIDs, ordering) check each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, evaluateQuery, parsePortableQuery, parseRawQuery, type PortableQuery, type Row } from '../../src/query/index.js';
import { EVENTS, WINDOW } from './support/events.js';
import { openEventsDb, type EventsDb } from './support/duckdb.js';
import { CASES, type QueryCase } from './support/cases.js';
import { contextFor } from './support/compile-case.js';

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb(EVENTS);
});
afterAll(() => db.close());

/** Rows of an unordered query compare as a set. */
function canonical(query: PortableQuery, rows: Row[]): Row[] {
  return query.order.length > 0 ? rows : [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function bothWays(c: QueryCase): Promise<{ sql: Row[]; memory: Row[] }> {
  const query = parsePortableQuery(c.query);
  const ctx = contextFor(c);
  const sql = await db.run(compileQuery(query, 'duckdb', ctx));
  const memory = evaluateQuery(query, EVENTS, ctx).rows;
  return { sql: canonical(query, sql), memory: canonical(query, memory) };
}

const ids = (rows: Row[]): unknown[] => rows.map((r) => r.eventID);

describe('DuckDB agrees with the evaluator on the golden cases', () => {
  for (const c of CASES.filter((x) => !x.raw)) {
    it(c.name, async () => {
      const { sql, memory } = await bothWays(c);
      expect(sql).toEqual(memory);
    });
  }
});

const EDGE_CASES: QueryCase[] = [
  { name: 'ne keeps events without the field', query: { where: { userAgent: { ne: 'Mozilla/5.0' } }, select: ['eventID'] } },
  { name: 'not over eq keeps events without the field', query: { where: { not: { sourceIPAddress: '10.1.2.3' } }, select: ['eventID'] } },
  { name: 'not over prefix keeps events without the field', query: { where: { not: { userAgent: { prefix: 'Moz' } } }, select: ['eventID'] } },
  { name: 'not over in keeps events without the field', query: { where: { not: { errorCode: { in: ['AccessDenied'] } } }, select: ['eventID'] } },
  { name: 'not_in keeps events without the field', query: { where: { errorCode: { not_in: ['AccessDenied'] } }, select: ['eventID'] } },
  { name: 'double negation', query: { where: { not: { not: { errorCode: { exists: true } } } }, select: ['eventID'] } },
  { name: 'JSON null payload does not exist', query: { where: { requestParameters: { exists: true } }, select: ['eventID', 'requestParameters'] } },
  { name: 'resources exists', query: { where: { resources: { exists: true } }, select: ['eventID'] } },
  { name: 'JSON number equals its text', query: { where: { 'requestParameters.durationSeconds': 3600 }, select: ['eventID', 'requestParameters.durationSeconds as d'] } },
  { name: 'JSON object as text', query: { where: { 'requestParameters.bucketPolicy': { contains: '"Version":"2012-10-17"' } }, select: ['eventID', 'requestParameters.bucketPolicy as policy'] } },
  { name: 'boolean parameter', query: { where: { readOnly: '$ro' }, select: ['eventID', 'readOnly', 'managementEvent'] }, params: { ro: 'false' } },
  { name: 'boolean in list', query: { where: { managementEvent: { in: [false] } }, select: ['eventID'] } },
  { name: 'unicode contains', query: { where: { userAgent: { contains: '’quoted’' } }, select: ['eventID', 'userAgent'] } },
  { name: 'case-sensitive prefix', query: { where: { userAgent: { prefix: 'mozilla' } }, select: ['eventID'] } },
  { name: 'empty prefix matches present values only', query: { where: { userAgent: { prefix: '' } }, select: ['eventID'] } },
  { name: 'in_cidr with an empty list parameter', query: { where: { sourceIPAddress: { in_cidr: '$none' } }, select: ['eventID'] }, params: { none: [] } },
  { name: 'not_in_cidr with an empty list keeps every address', query: { where: { sourceIPAddress: { not_in_cidr: '$none' } }, select: ['eventID'] }, params: { none: [] } },
  { name: 'not_in_cidr under not', query: { where: { not: { sourceIPAddress: { not_in_cidr: '10.0.0.0/8' } } }, select: ['eventID'] } },
  { name: 'gt and lte on whole seconds', query: { where: { eventTime: { gt: '2024-05-01T09:00:00.999Z', lte: '2024-05-01T14:00:00.5Z' } }, select: ['eventID'] } },
  { name: 'order by a field that is not returned', query: { where: {}, select: ['eventName'], order: 'eventSource desc', limit: 4 } },
  { name: 'group by a field with missing values', query: { where: {}, group: { by: ['errorCode'], count: 'n', min: { lowest: 'readOnly' }, max: { newest: 'eventTime', biggest: 'requestParameters.bucketName' }, count_distinct: { times: 'eventTime' } }, order: 'n desc' } },
  { name: 'group by two fields', query: { where: { eventSource: { ne: 'sts.amazonaws.com' } }, group: { by: ['eventSource', 'userIdentity.type as who'], count: 'n' }, order: ['eventSource', 'who desc'] } },
  { name: 'grouped with no matching events', query: { where: { eventName: 'Nothing' }, group: { by: ['eventName'], count: 'n' } } },
];

describe('DuckDB agrees with the evaluator on edge cases', () => {
  for (const c of EDGE_CASES) {
    it(c.name, async () => {
      const { sql, memory } = await bothWays(c);
      expect(sql).toEqual(memory);
    });
  }
});

describe('answers a responder relies on', () => {
  it('the root-login runbook query finds the untrusted root logins inside the window, newest first', async () => {
    const c = CASES.find((x) => x.name === 'root-login-not-in-cidr')!;
    const { sql } = await bothWays(c);
    expect(ids(sql)).toEqual(['e10', 'e01']);
    expect(sql[1]).toEqual({ eventTime: '2024-05-01T06:00:00Z', sourceIPAddress: '203.0.113.5', userAgent: 'Mozilla/5.0', mfa: 'No', eventID: 'e01' });
  });

  it('in_cidr matches IPv4 and IPv6 addresses in range, never service names or dotted-tail IPv6', async () => {
    const { sql } = await bothWays(CASES.find((x) => x.name === 'cidr-in')!);
    expect(ids(sql).sort()).toEqual(['e02', 'e03', 'e04', 'e08']);
  });

  it('a missing field counts as different for ne', async () => {
    const { sql } = await bothWays(EDGE_CASES[0]!);
    expect(ids(sql)).toContain('e07');
    expect(ids(sql)).not.toContain('e02');
  });

  it('grouped rows carry counts as numbers and the eventIDs behind them in time order', async () => {
    const { sql } = await bothWays(CASES.find((x) => x.name === 'group-aggregates')!);
    const rootRow = sql.find((r) => r.principal === 'arn:aws:iam::111122223333:root')!;
    expect(rootRow).toMatchObject({ calls: 3, actions: 2, first_seen: '2024-05-01T06:00:00Z', last_seen: '2024-05-02T01:00:00Z', eventIDs: ['e01', 'e09', 'e10'] });
  });

  it('the window includes its start and excludes its end', async () => {
    const query = parsePortableQuery({ where: {}, select: ['eventID'] });
    const rows = await db.run(compileQuery(query, 'duckdb', { params: {}, window: WINDOW }));
    expect(ids(rows)).toContain('e01');
    expect(ids(rows)).not.toContain('e12');
    expect(ids(rows)).not.toContain('e13');
  });

  it('raw SQL runs with its values bound, its table and window filled in', async () => {
    const c = CASES.find((x) => x.name === 'raw-sql')!;
    const rows = await db.run(compileQuery(parseRawQuery(c.query), 'duckdb', contextFor(c)));
    expect(rows).toEqual([
      { eventName: 'ConsoleLogin', n: 3 },
      { eventName: 'GetObject', n: 1 },
    ]);
  });
});
