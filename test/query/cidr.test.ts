/**
 * CIDR matching is exact on every engine: the SQL address keys (run here on DuckDB) equal
 * the evaluator's, for addresses at range edges, odd IPv6 spellings, and values that only
 * look like addresses.
 */
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, evaluateQuery, parsePortableQuery, QueryDefinitionError, QueryValueError } from '../../src/query/index.js';
import { ipFamily, ipv6Key, parseCidr } from '../../src/model/values/ip.js';
import { openEventsDb, type EventsDb } from './support/duckdb.js';
import { WINDOW } from './support/events.js';

const SOURCES: (string | null)[] = [
  '0.0.0.0', '255.255.255.255', '9.255.255.255', '10.0.0.0', '10.0.0.1', '10.127.255.255', '10.128.0.0',
  '172.16.0.1', '172.31.255.255', '172.32.0.0', '192.168.1.300', '010.1.1.1', '1.2.3', '1.2.3.4.5',
  ' 10.0.0.1', '10.0.0.1\n', '::', '::1', '1::', '2001:db8::', '2001:db8::1', '2001:DB8::FFFF',
  '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db9::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
  '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'fe80::1%eth0', '::ffff:10.0.0.1', '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', 's3.amazonaws.com', 'AWS Internal', '', null,
];

const EVENTS = SOURCES.map((ip, i) => ({
  eventID: `ip${String(i).padStart(2, '0')}`,
  eventTime: '2024-05-01T12:00:00Z',
  eventName: 'Probe',
  ...(ip === null ? {} : { sourceIPAddress: ip }),
}));

const CIDR_SETS: string[][] = [
  ['10.0.0.0/9'],
  ['172.16.0.0/12', '0.0.0.0/32'],
  ['10.0.0.1', '255.255.255.255/31'],
  ['0.0.0.0/0'],
  ['2001:db8::/32'],
  ['2001:db8::/127', '10.0.0.0/8'],
  ['::/0'],
  ['::1/128', '1::/16', '::/128'],
  [],
];

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb(EVENTS);
});
afterAll(() => db.close());

async function matchIds(op: 'in_cidr' | 'not_in_cidr', cidrs: string[]): Promise<{ sql: string[]; memory: string[] }> {
  const query = parsePortableQuery({ where: { sourceIPAddress: { [op]: '$cidrs' } }, select: ['eventID'] });
  const ctx = { params: { cidrs }, window: WINDOW };
  const sql = (await db.run(compileQuery(query, 'duckdb', ctx))).map((r) => String(r.eventID)).sort();
  const memory = evaluateQuery(query, EVENTS, ctx).rows.map((r) => String(r.eventID)).sort();
  return { sql, memory };
}

const idOf = (ip: string | null): string => EVENTS[SOURCES.indexOf(ip)]!.eventID;

describe('DuckDB and the evaluator agree on every CIDR set', () => {
  for (const cidrs of CIDR_SETS) {
    for (const op of ['in_cidr', 'not_in_cidr'] as const) {
      it(`${op} [${cidrs.join(', ')}]`, async () => {
        const { sql, memory } = await matchIds(op, cidrs);
        expect(sql).toEqual(memory);
      });
    }
  }
});

describe('what in_cidr and not_in_cidr match', () => {
  it('includes both ends of a range and nothing just outside it', async () => {
    const { sql } = await matchIds('in_cidr', ['10.0.0.0/9']);
    expect(sql).toEqual(['10.0.0.0', '10.0.0.1', '10.127.255.255'].map(idOf).sort());
  });

  it('matches IPv6 whatever its spelling (compressed, upper case, zero-padded)', async () => {
    const { sql } = await matchIds('in_cidr', ['2001:db8::/32']);
    expect(sql).toEqual(
      ['2001:db8::', '2001:db8::1', '2001:DB8::FFFF', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'].map(idOf).sort(),
    );
  });

  it('never matches service names, malformed addresses or missing values, in either direction', async () => {
    const notAddresses = ['s3.amazonaws.com', 'AWS Internal', '', null, '192.168.1.300', '010.1.1.1', ' 10.0.0.1', '10.0.0.1\n', 'fe80::1%eth0', '1::2::3', '12345::1'];
    const inside = await matchIds('in_cidr', ['0.0.0.0/0', '::/0']);
    const outside = await matchIds('not_in_cidr', ['192.0.2.0/24']);
    for (const v of notAddresses) {
      expect(inside.sql).not.toContain(idOf(v));
      expect(outside.sql).not.toContain(idOf(v));
    }
  });

  it('treats an address of the other family as outside the list', async () => {
    const { sql } = await matchIds('not_in_cidr', ['10.0.0.0/8']);
    expect(sql).toContain(idOf('2001:db8::1'));
    expect(sql).not.toContain(idOf('10.0.0.1'));
  });
});

describe('address keys', () => {
  it('expand IPv6 exactly like a reference parser', () => {
    for (const v of SOURCES) {
      if (v === null || ipFamily(v) !== 'v6') continue;
      const hex = ipaddr.IPv6.parse(v).toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('');
      expect(ipv6Key(v), v).toBe(hex);
    }
  });

  it('a CIDR with host bits set covers its whole network', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ low: '010.000.000.000', high: '010.255.255.255' });
  });
});

describe('CIDR values are validated before anything compiles', () => {
  it('refuses a literal that is not a CIDR when the query is loaded', () => {
    expect(() => parsePortableQuery({ where: { sourceIPAddress: { in_cidr: ['10.0.0.0/8', '10.0.0.0/33'] } } })).toThrow(
      new QueryDefinitionError('where.sourceIPAddress.in_cidr[1]', '"10.0.0.0/33" is not a CIDR; write one such as 10.0.0.0/8 or 2001:db8::/32'),
    );
  });

  it('refuses a parameter value that is not a CIDR, on every engine', () => {
    const query = parsePortableQuery({ where: { sourceIPAddress: { not_in_cidr: '$trusted' } } });
    for (const engine of ['duckdb', 'athena', 'lake', 'lookup'] as const) {
      const ctx = { params: { trusted: ["10.0.0.0/8') OR ('1'='1"] }, window: WINDOW, athena: { table: 't', partitioning: 'none' as const }, lake: { eventDataStore: 'eds-1' }, now: WINDOW.end };
      expect(() => compileQuery(query, engine, ctx)).toThrow(QueryValueError);
      expect(() => compileQuery(query, engine, ctx)).toThrow(/parameter \$trusted: "10\.0\.0\.0\/8'\) OR \('1'='1" is not a CIDR/);
    }
  });
});
