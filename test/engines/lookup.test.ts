/**
 * The LookupEvents engine with the real CloudTrailClient against the CloudTrail fake: the
 * lookup attribute and window sent, pages followed, the rest of the query applied to the
 * returned events, throttling retried, and the shared limit of 2 requests a second per
 * account and region held across workers that share one Redis.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  TooManyEventsError,
  createLookupEngine,
  lookupLimiterKey,
  memoryRateLimiter,
  redisRateLimiter,
  type LookupEngineOptions,
  type RateLimiter,
} from '../../src/query/engines/lookup/index.js';
import { compileQuery, parsePortableQuery, type PortableQuery } from '../../src/query/index.js';
import type { CompiledQuery } from '../../src/query/engine.js';
import type { TimeWindow } from '../../src/model/query.js';
import { FakeCloudTrail, type CloudTrailRecord } from '../fakes/aws/cloudtrail.js';
import { FAKE_BASE_CREDENTIALS } from '../fakes/aws/http.js';
import { useTestRedis } from '../support/redis.js';
import { cloudTrailEvent } from './cloudtrail-files.js';

const WINDOW: TimeWindow = { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') };
const NOW = new Date('2024-05-02T00:00:00Z');

const redis = useTestRedis();

function managementEvent(overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return { ...cloudTrailEvent(), eventCategory: 'Management', managementEvent: true, eventSource: 'signin.amazonaws.com', ...overrides };
}

function login(ip: string, time: string, user = 'alice'): CloudTrailRecord {
  return managementEvent({
    eventName: 'ConsoleLogin',
    eventTime: time,
    sourceIPAddress: ip,
    userIdentity: { type: 'IAMUser', userName: user, arn: `arn:aws:iam::123456789012:user/${user}`, accountId: '123456789012' },
  });
}

function compile(yaml: Record<string, unknown>, params: Record<string, string | string[]> = {}): CompiledQuery {
  const query: PortableQuery = parsePortableQuery(yaml);
  return compileQuery(query, 'lookup', { params, window: WINDOW, now: NOW });
}

const UNTRUSTED_LOGINS = {
  where: { eventName: 'ConsoleLogin', sourceIPAddress: { not_in_cidr: '$trusted' } },
  select: ['eventTime', 'sourceIPAddress', 'userIdentity.userName as user'],
  order: 'eventTime desc',
};
const TRUSTED = { trusted: ['198.51.100.0/24'] };

function client(fake: FakeCloudTrail, region = 'us-east-1'): CloudTrailClient {
  return new CloudTrailClient({ region, endpoint: fake.url, credentials: FAKE_BASE_CREDENTIALS, maxAttempts: 3 });
}

function engine(fake: FakeCloudTrail, over: Partial<LookupEngineOptions> = {}) {
  return createLookupEngine({
    client: () => client(fake),
    limiter: memoryRateLimiter(2),
    limiterKey: lookupLimiterKey('123456789012', 'us-east-1'),
    maxEvents: 1000,
    ...over,
  });
}

let ct: FakeCloudTrail;
beforeAll(async () => {
  ct = await FakeCloudTrail.start({
    events: [
      login('203.0.113.5', '2024-05-01T03:00:00Z'),
      login('198.51.100.7', '2024-05-01T04:00:00Z', 'bob'),
      login('192.0.2.44', '2024-05-01T05:00:00Z', 'carol'),
      login('192.0.2.45', '2024-04-30T05:00:00Z'), // before the window
      managementEvent({ eventName: 'CreateAccessKey', eventTime: '2024-05-01T06:00:00Z', sourceIPAddress: '192.0.2.44' }),
      cloudTrailEvent({ eventName: 'ConsoleLogin', eventTime: '2024-05-01T07:00:00Z', sourceIPAddress: '192.0.2.99' }), // a data event
    ],
  });
});
afterAll(() => ct.close());

describe('lookup engine: one attribute at AWS, the rest of the query here', () => {
  it('sends the compiled attribute and window, and filters and projects what comes back', async () => {
    const session = await engine(ct).open(WINDOW);
    const result = await session.run(compile(UNTRUSTED_LOGINS, TRUSTED));
    await session.close();

    const sent = ct.callsTo('LookupEvents').at(-1)!.input;
    expect(sent.LookupAttributes).toEqual([{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }]);
    expect(sent).toMatchObject({ StartTime: WINDOW.start.getTime() / 1000, EndTime: WINDOW.end.getTime() / 1000, MaxResults: 50 });
    expect(result.columns).toEqual(['eventTime', 'sourceIPAddress', 'user', 'eventID']);
    expect(result.rows.map(({ eventID: _, ...rest }) => rest)).toEqual([
      { eventTime: '2024-05-01T05:00:00Z', sourceIPAddress: '192.0.2.44', user: 'carol' },
      { eventTime: '2024-05-01T03:00:00Z', sourceIPAddress: '203.0.113.5', user: 'alice' },
    ]);
    expect(result.stats.eventsScanned).toBe(3);
  });

  it('groups and counts the way the SQL engines do (counts as numbers, eventIDs as lists)', async () => {
    const session = await engine(ct).open(WINDOW);
    const result = await session.run(compile({ where: { eventName: 'ConsoleLogin' }, group: { by: ['userIdentity.userName as user'], count: 'logins' }, order: 'user' }));
    await session.close();
    expect(result.rows.map((r) => [r.user, r.logins])).toEqual([['alice', 1], ['bob', 1], ['carol', 1]]);
    expect(Array.isArray(result.rows[0]!.eventIDs)).toBe(true);
  });

  it('follows NextToken through every page', async () => {
    const paged = await FakeCloudTrail.start({ events: ct.events, pageSize: 1 });
    try {
      const session = await engine(paged, { limiter: memoryRateLimiter(2, { now: Date.now, sleep: async () => {} }) }).open(WINDOW);
      const result = await session.run(compile(UNTRUSTED_LOGINS, TRUSTED));
      await session.close();
      const calls = paged.callsTo('LookupEvents');
      expect(calls).toHaveLength(3);
      expect(calls[0]!.input.NextToken).toBeUndefined();
      expect(calls[1]!.input.NextToken).toEqual(expect.any(String));
      expect(result.rows).toHaveLength(2);
    } finally {
      await paged.close();
    }
  });

  it('fails a step that would read more events than the bound, saying how to narrow it', async () => {
    const session = await engine(ct, { maxEvents: 2 }).open(WINDOW);
    await expect(session.run(compile(UNTRUSTED_LOGINS, TRUSTED))).rejects.toThrow(TooManyEventsError);
    await expect(session.run(compile(UNTRUSTED_LOGINS, TRUSTED))).rejects.toThrow(/more than 2 events .*lookup attribute EventName=ConsoleLogin/);
    await session.close();
  });

  it('reaches CloudTrail through AWS_ENDPOINT_URL_CLOUDTRAIL like any SDK client', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', ct.url);
    try {
      const before = ct.callsTo('LookupEvents').length;
      const session = await engine(ct, { client: () => new CloudTrailClient({ region: 'eu-west-1', credentials: FAKE_BASE_CREDENTIALS }) }).open(WINDOW);
      await session.run(compile(UNTRUSTED_LOGINS, TRUSTED));
      await session.close();
      expect(ct.callsTo('LookupEvents').slice(before).map((c) => c.region)).toEqual(['eu-west-1']);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('lookup engine: the 2 requests a second limit', () => {
  it('retries a throttled request with backoff, and the retry waits for its own slot', async () => {
    ct.throttle('LookupEvents', 1);
    const session = await engine(ct).open(WINDOW);
    const result = await session.run(compile(UNTRUSTED_LOGINS, TRUSTED));
    await session.close();

    const [throttled, retried] = ct.callsTo('LookupEvents', { all: true }).slice(-2);
    expect([throttled!.outcome, retried!.outcome]).toEqual(['ThrottlingException', 'ok']);
    expect(retried!.receivedAt - throttled!.receivedAt).toBeGreaterThanOrEqual(500);
    expect(result.rows).toHaveLength(2);
  });

  it('holds four workers sharing one Redis to 2 requests a second per account and region, and leaves other regions alone', async () => {
    const paged = await FakeCloudTrail.start({ events: ct.events, pageSize: 2 });
    try {
      const prefix = redis.prefix();
      // One Redis connection and limiter per "worker process". The slots each one reserves
      // are read off its connection (the script returns them, on Redis's own clock): the
      // schedule is what the limiter guarantees, while arrival times at the fake also carry
      // however late a busy machine runs each request after its slot.
      const slots: { region: string; at: number; waitMs: number }[] = [];
      const workers: RateLimiter[] = Array.from({ length: 5 }, (_, i) => {
        const connection = redis.connect();
        const evaluate = connection.eval.bind(connection) as (...args: unknown[]) => Promise<unknown>;
        (connection as unknown as { eval: typeof evaluate }).eval = async (...args) => {
          const [at, waitMs] = (await evaluate(...args)) as [number, number];
          slots.push({ region: i < 4 ? 'us-east-1' : 'eu-west-1', at, waitMs });
          return [at, waitMs];
        };
        return redisRateLimiter(connection, { requestsPerSecond: 2, prefix });
      });
      const query = compile(UNTRUSTED_LOGINS, TRUSTED); // 3 events, 2 a page: 2 requests a session
      const runs = workers.map(async (limiter, i) => {
        const region = i < 4 ? 'us-east-1' : 'eu-west-1';
        const session = await createLookupEngine({
          client: () => client(paged, region),
          limiter,
          limiterKey: lookupLimiterKey('123456789012', region),
          maxEvents: 1000,
        }).open(WINDOW);
        const result = await session.run(query);
        await session.close();
        return result.rows.length;
      });
      expect(await Promise.all(runs)).toEqual([2, 2, 2, 2, 2]);

      const east = slots.filter((s) => s.region === 'us-east-1').map((s) => s.at).sort((a, b) => a - b);
      expect(paged.callsTo('LookupEvents').filter((c) => c.region === 'us-east-1')).toHaveLength(8);
      expect(east).toHaveLength(8);
      // Never three requests within one second: every slot is at least half a second after
      // the one before it, across the four workers.
      for (let i = 0; i + 1 < east.length; i++) expect(east[i + 1]! - east[i]!).toBeGreaterThanOrEqual(500);
      // The other region has its own budget: its first request did not queue behind us-east-1's.
      const west = slots.filter((s) => s.region === 'eu-west-1');
      expect(west).toHaveLength(2);
      expect(west[0]!.waitMs).toBe(0);
    } finally {
      await paged.close();
    }
  });
});
