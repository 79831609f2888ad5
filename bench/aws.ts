/**
 * The AWS engines' benchmark, against the local fakes with the real SDK clients:
 *
 * - Athena: API calls per query and the latency the polling schedule adds (the time between
 *   the query finishing on Athena and the engine noticing), for queries that run 1 s, 10 s
 *   and 60 s. Time is simulated: the fake Athena and the engine share a clock that the
 *   engine's waits move forward, so a "60 s" query takes milliseconds and the figures do
 *   not depend on this machine. Other schedules are shown for comparison.
 * - LookupEvents: four workers, each with its own Redis connection, page through LookupEvents
 *   in the same account and region for a while (real time, 10 s by default); the request rate
 *   the fake CloudTrail measured, overall and in the busiest one-second window, must stay at
 *   or under 2 per second.
 *
 * Redis: REDIS_URL when set (keys under a fresh prefix), else a private redis-server.
 * BENCH_LOOKUP_SECONDS changes the LookupEvents run's length.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { Redis } from 'ioredis';
import { DEFAULT_POLL_SCHEDULE, simulatedClock, type PollSchedule } from '../src/aws/index.js';
import { createAthenaEngine } from '../src/query/engines/athena/index.js';
import { createLookupEngine, lookupLimiterKey, redisRateLimiter } from '../src/query/engines/lookup/index.js';
import { compileQuery, parsePortableQuery } from '../src/query/index.js';
import type { CompiledQuery } from '../src/query/engine.js';
import type { TimeWindow } from '../src/model/query.js';
import { FakeAthena } from '../test/fakes/aws/athena.js';
import { FakeCloudTrail, type CloudTrailRecord } from '../test/fakes/aws/cloudtrail.js';
import { FAKE_BASE_CREDENTIALS } from '../test/fakes/aws/http.js';
import { printFigure } from './report.js';
import { startTestRedis } from '../test/support/redis-server.js';

const DURATIONS_S = [1, 10, 60];
const PHASES = 10;
const SCHEDULES: [string, PollSchedule][] = [
  ['default (200ms x1.5, cap 2s)', DEFAULT_POLL_SCHEDULE],
  ['fixed 1s', { firstDelayMs: 1_000, factor: 1, maxDelayMs: 1_000 }],
  ['200ms x2, cap 10s', { firstDelayMs: 200, factor: 2, maxDelayMs: 10_000 }],
];
const LOOKUP_SECONDS = Number(process.env.BENCH_LOOKUP_SECONDS ?? 10);
const LOOKUP_WORKERS = 4;
const WINDOW: TimeWindow = { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') };

export async function main(): Promise<void> {
  console.log('\n== AWS engines ==');
  await athenaPolling();
  await lookupRate();
}

async function athenaPolling(): Promise<void> {
  const query = compileQuery(parsePortableQuery({ where: { eventName: 'ConsoleLogin' }, group: { by: ['sourceIPAddress'], count: 'n' } }), 'athena', {
    params: {},
    window: WINDOW,
    athena: { table: 'cloudtrail_logs', partitioning: 'timestamp' },
  });
  for (const [name, schedule] of SCHEDULES) {
    console.log(`Athena polling: ${name}`);
    for (const seconds of DURATIONS_S) {
      // Real queries do not end on a poll: each duration is run at PHASES offsets spread
      // over the following second (10.0 s, 10.1 s … 10.9 s), and the figures averaged.
      const runs = await Promise.all(Array.from({ length: PHASES }, (_, k) => athenaQuery(query, schedule, seconds * 1000 + (k * 1000) / PHASES)));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const added = runs.map((r) => r.addedMs);
      printFigure(
        `  ${seconds}s query`,
        `${mean(runs.map((r) => r.calls)).toFixed(1)} calls`,
        `${mean(runs.map((r) => r.polls)).toFixed(1)} polls; added latency mean ${(mean(added) / 1000).toFixed(2)} s, worst ${(Math.max(...added) / 1000).toFixed(2)} s`,
      );
    }
  }
}

/** One query of `durationMs` on a simulated clock: the API calls it took and the latency polling added. */
async function athenaQuery(query: CompiledQuery, schedule: PollSchedule, durationMs: number): Promise<{ calls: number; polls: number; addedMs: number }> {
  const clock = simulatedClock();
  const athena = await FakeAthena.start({ workgroupOutput: 's3://bench-results/', now: clock.now });
  try {
    athena.willAnswer({
      columns: [{ name: 'sourceipaddress', type: 'varchar' }, { name: 'n', type: 'bigint' }, { name: 'eventids', type: 'array' }],
      rows: [['192.0.2.1', '1', '[e1]']],
      durationMs,
    });
    const session = await createAthenaEngine({
      workgroup: 'ctrb',
      database: 'security',
      timeoutMs: 600_000,
      pricePerTbUsd: 5,
      runId: randomUUID(),
      client: () => new AthenaClient({ region: 'us-east-1', endpoint: athena.url, credentials: FAKE_BASE_CREDENTIALS }),
      poll: schedule,
      clock,
    }).open(WINDOW);
    const result = await session.run(query);
    await session.close();
    return { calls: athena.calls.length, polls: athena.callsTo('GetQueryExecution').length, addedMs: result.stats.elapsedMs - durationMs };
  } finally {
    await athena.close();
  }
}

async function lookupRate(): Promise<void> {
  const redis = await startTestRedis();
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const events: CloudTrailRecord[] = Array.from({ length: 200 }, (_, i) => ({
    eventVersion: '1.09',
    eventID: randomUUID(),
    eventTime: new Date(WINDOW.start.getTime() + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventName: 'ConsoleLogin',
    eventSource: 'signin.amazonaws.com',
    eventCategory: 'Management',
    sourceIPAddress: `192.0.2.${i % 250}`,
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' },
  }));
  const cloudtrail = await FakeCloudTrail.start({ events, pageSize: 5 });
  const connections = Array.from({ length: LOOKUP_WORKERS }, () => new Redis(redis.url));
  const query = compileQuery(parsePortableQuery({ where: { eventName: 'ConsoleLogin' }, select: ['eventTime'] }), 'lookup', { params: {}, window: WINDOW, now: WINDOW.end });
  try {
    console.log(`LookupEvents: ${LOOKUP_WORKERS} workers sharing Redis, one account and region, ${LOOKUP_SECONDS} s`);
    const deadline = Date.now() + LOOKUP_SECONDS * 1000;
    const controller = new AbortController();
    const stop = setTimeout(() => controller.abort(new Error('bench over')), LOOKUP_SECONDS * 1000);
    await Promise.all(
      connections.map(async (connection) => {
        const engine = createLookupEngine({
          client: () => new CloudTrailClient({ region: 'us-east-1', endpoint: cloudtrail.url, credentials: FAKE_BASE_CREDENTIALS }),
          limiter: redisRateLimiter(connection, { requestsPerSecond: 2, prefix }),
          limiterKey: lookupLimiterKey('123456789012', 'us-east-1'),
          maxEvents: 100_000,
        });
        const session = await engine.open(WINDOW);
        while (Date.now() < deadline) await session.run(query, controller.signal).catch(() => undefined);
        await session.close();
      }),
    );
    clearTimeout(stop);
    const times = cloudtrail.callsTo('LookupEvents', { all: true }).map((c) => c.receivedAt).sort((a, b) => a - b);
    const span = (times.at(-1)! - times[0]!) / 1000;
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    printFigure('  requests', String(times.length), `over ${span.toFixed(1)} s from ${LOOKUP_WORKERS} workers`);
    printFigure('  request rate', `${((times.length - 1) / span).toFixed(2)}/s`, 'target: at most 2/s');
    printFigure('  busiest 1 s window', `${busiest} req`, 'target: at most 2');
    printFigure('  smallest gap', `${Math.min(...gaps)} ms`, 'slots are 550 ms apart (2/s with a 10% margin)');
  } finally {
    await Promise.all(connections.map((c) => c.quit()));
    await cloudtrail.close();
    await redis.stop();
  }
}


