/**
 * The Athena engine with the real AthenaClient against the Athena fake: what is sent, how
 * states are followed, how pages become rows, what a failure, a cancellation or a time limit
 * does, and what every step result says about data scanned and cost.
 */
import { randomUUID } from 'node:crypto';
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTimeoutError, simulatedClock } from '../../src/aws/index.js';
import { athenaScanCostUsd, createAthenaEngine, type AthenaEngineOptions } from '../../src/query/engines/athena/index.js';
import { athenaExecutionParameters, compileQuery, parsePortableQuery } from '../../src/query/index.js';
import type { CompiledQuery, EngineSession } from '../../src/query/engine.js';
import type { TimeWindow } from '../../src/model/query.js';
import { FakeAthena } from '../fakes/aws/athena.js';
import { FAKE_BASE_CREDENTIALS } from '../fakes/aws/http.js';

const WINDOW: TimeWindow = { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') };
const FAST_POLL = { firstDelayMs: 5, factor: 1.5, maxDelayMs: 20 };

let athena: FakeAthena;
beforeAll(async () => {
  athena = await FakeAthena.start({ workgroupOutput: 's3://workgroup-results/' });
});
afterAll(() => athena.close());

function client(fake: FakeAthena = athena): AthenaClient {
  return new AthenaClient({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_BASE_CREDENTIALS, maxAttempts: 3 });
}

function options(over: Partial<AthenaEngineOptions> = {}): AthenaEngineOptions {
  return {
    workgroup: 'security',
    database: 'cloudtrail',
    outputLocation: 's3://ctrb-results/athena/',
    timeoutMs: 60_000,
    pricePerTbUsd: 5,
    // A run of its own per session, unless a test resumes one: the same run and statement share an execution.
    runId: randomUUID(),
    client: () => client(),
    poll: FAST_POLL,
    ...over,
  };
}

async function open(over: Partial<AthenaEngineOptions> = {}, warnings: string[] = []): Promise<EngineSession> {
  return createAthenaEngine(options(over)).open(WINDOW, { onWarning: (w) => warnings.push(w) });
}

/** Root sign-ins from outside two networks, grouped: text, count and eventIDs columns. */
function rootLogins(): CompiledQuery {
  const query = parsePortableQuery({
    where: { eventName: 'ConsoleLogin', 'userIdentity.type': 'Root', sourceIPAddress: { not_in_cidr: '$trusted' } },
    group: { by: ['sourceIPAddress'], count: 'logins', max: { lastSeen: 'eventTime' } },
    order: 'logins desc',
  });
  return compileQuery(query, 'athena', {
    params: { trusted: ['198.51.100.0/24', '203.0.113.0/24'] },
    window: WINDOW,
    athena: { table: 'cloudtrail_logs', partitioning: 'timestamp' },
  });
}

const GROUP_COLUMNS = [
  { name: 'sourceipaddress', type: 'varchar' },
  { name: 'logins', type: 'bigint' },
  { name: 'lastseen', type: 'varchar' },
  { name: 'eventids', type: 'array' },
];

describe('athena engine: the request', () => {
  it('sends the statement with one ExecutionParameter per placeholder, the workgroup, database and result location', async () => {
    const compiled = rootLogins();
    athena.willAnswer({ columns: GROUP_COLUMNS, rows: [] });
    const session = await open();
    await session.run(compiled);
    await session.close();

    const start = athena.callsTo('StartQueryExecution').at(-1)!.input;
    expect(start.QueryString).toBe(compiled.text);
    expect(start.ExecutionParameters).toEqual(athenaExecutionParameters(compiled.params));
    expect((start.ExecutionParameters as string[]).length).toBe(compiled.text.split('?').length - 1);
    expect(start).toMatchObject({
      WorkGroup: 'security',
      QueryExecutionContext: { Database: 'cloudtrail' },
      ResultConfiguration: { OutputLocation: 's3://ctrb-results/athena/' },
    });
    expect(String(start.ClientRequestToken)).toMatch(/^[0-9a-f]{64}$/);
    expect(start.ResultReuseConfiguration).toBeUndefined();
  });

  it('leaves the result location to a workgroup that enforces one, and asks for result reuse when configured', async () => {
    athena.willAnswer({ columns: GROUP_COLUMNS, rows: [['198.51.100.9', '1', '2024-05-01T01:00:00Z', '[e1]']], bytesScanned: 5e9, reused: true });
    const session = await open({ outputLocation: undefined, resultReuseMaxAgeMinutes: 60 });
    const result = await session.run(rootLogins());
    await session.close();

    const start = athena.callsTo('StartQueryExecution').at(-1)!.input;
    expect(start.ResultConfiguration).toBeUndefined();
    expect(start.ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } });
    // A reused result scanned nothing and cost nothing.
    expect(result.stats).toMatchObject({ bytesScanned: 0, costUsd: 0 });
  });

  it('is refused by Athena when neither the request nor the workgroup gives a result location', async () => {
    const bare = await FakeAthena.start();
    try {
      const session = await open({ outputLocation: undefined, client: () => client(bare) });
      await expect(session.run(rootLogins())).rejects.toThrow(/No output location provided/);
      await session.close();
    } finally {
      await bare.close();
    }
  });
});

describe('athena engine: following the query and reading its results', () => {
  it('polls through QUEUED and RUNNING, then reads every page, skipping the header row on the first only', async () => {
    const paged = await FakeAthena.start({ workgroupOutput: 's3://r/', pageSize: 3 });
    try {
      const rows = Array.from({ length: 7 }, (_, i) => [`198.51.100.${i}`, String(10 - i), `2024-05-01T0${i}:00:00Z`, `[id-${i}a, id-${i}b]`]);
      paged.willAnswer({ columns: GROUP_COLUMNS, rows, polls: 3 });
      const session = await open({ client: () => client(paged) });
      const result = await session.run(rootLogins());
      await session.close();

      expect(paged.callsTo('GetQueryExecution')).toHaveLength(4);
      expect(paged.callsTo('GetQueryResults')).toHaveLength(3);
      expect(result.columns).toEqual(['sourceIPAddress', 'logins', 'lastSeen', 'eventIDs']);
      expect(result.rows).toHaveLength(7);
      expect(result.rows[0]).toEqual({ sourceIPAddress: '198.51.100.0', logins: 10, lastSeen: '2024-05-01T00:00:00Z', eventIDs: ['id-0a', 'id-0b'] });
      expect(result.rows.map((r) => r.logins)).toEqual([10, 9, 8, 7, 6, 5, 4]);
    } finally {
      await paged.close();
    }
  });

  it('gives NULL as null and an empty list as []', async () => {
    athena.willAnswer({ columns: GROUP_COLUMNS, rows: [[null, '0', null, '[]']] });
    const session = await open();
    const result = await session.run(rootLogins());
    await session.close();
    expect(result.rows).toEqual([{ sourceIPAddress: null, logins: 0, lastSeen: null, eventIDs: [] }]);
  });

  it('reports the data scanned and its cost, with the 10 MB minimum', async () => {
    athena.willAnswer({ columns: GROUP_COLUMNS, rows: [], bytesScanned: 3 * 1024 ** 3 }, { columns: GROUP_COLUMNS, rows: [], bytesScanned: 1024 });
    const session = await open({ pricePerTbUsd: 5 });
    const big = await session.run(rootLogins());
    const small = await session.run({ ...rootLogins(), text: `${rootLogins().text} -- second` });
    await session.close();

    expect(big.stats.bytesScanned).toBe(3 * 1024 ** 3);
    expect(big.stats.costUsd).toBeCloseTo((3 / 1024) * 5, 10);
    expect(small.stats.costUsd).toBeCloseTo((10 / 1024 ** 2) * 5, 12);
    expect(big.stats.engineQueryId).toBe(athena.callsTo('GetQueryResults').at(-2)!.input.QueryExecutionId);
    expect(athenaScanCostUsd(0, 5)).toBe(athenaScanCostUsd(1, 5));
  });
});

describe('athena engine: failures, cancellation and time limits', () => {
  it('fails the step with Athena’s reason', async () => {
    athena.willAnswer({
      outcome: 'FAILED',
      reason: "COLUMN_NOT_FOUND: line 1:8: Column 'eventtime' cannot be resolved",
      athenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false },
    });
    const session = await open();
    const failure = session.run(rootLogins());
    await expect(failure).rejects.toThrow(/failed: COLUMN_NOT_FOUND: line 1:8: Column 'eventtime' cannot be resolved \(an error in the query or its data\)/);
    await session.close();
  });

  it('starts a query Athena says failed for a retryable reason once more, with a new token, and says so', async () => {
    athena.willAnswer(
      { outcome: 'FAILED', reason: 'S3 slow down', athenaError: { ErrorCategory: 1, ErrorType: 401, Retryable: true } },
      { columns: GROUP_COLUMNS, rows: [['198.51.100.1', '2', 'x', '[a]']] },
    );
    const warnings: string[] = [];
    const before = athena.callsTo('StartQueryExecution').length;
    const session = await open({}, warnings);
    const result = await session.run(rootLogins());
    await session.close();

    const starts = athena.callsTo('StartQueryExecution').slice(before);
    expect(starts).toHaveLength(2);
    expect(starts[0]!.input.ClientRequestToken).not.toBe(starts[1]!.input.ClientRequestToken);
    expect(result.rows).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/failed \(S3 slow down .*\); starting it again/);
  });

  it('stops the query on Athena when the run is cancelled', async () => {
    athena.willAnswer({ polls: 10_000 });
    const session = await open();
    const controller = new AbortController();
    const failure = session.run(rootLogins(), controller.signal);
    const id = await waitForStart();
    controller.abort(new Error('run cancelled'));
    await expect(failure).rejects.toThrow('run cancelled');
    await session.close();

    expect(athena.callsTo('StopQueryExecution').map((c) => c.input.QueryExecutionId)).toContain(id);
    expect(athena.stateOf(athena.executions.get(id)!)).toBe('CANCELLED');
  });

  it('stops a query that runs past the time limit, and says so', async () => {
    const clock = simulatedClock();
    const slow = await FakeAthena.start({ workgroupOutput: 's3://r/', now: clock.now });
    try {
      slow.willAnswer({ durationMs: 60_000 });
      const session = await open({ client: () => client(slow), clock, timeoutMs: 10_000, poll: { firstDelayMs: 200, factor: 1.5, maxDelayMs: 3_000 } });
      const failure = session.run(rootLogins());
      await expect(failure).rejects.toThrow(QueryTimeoutError);
      await expect(failure).rejects.toThrow(/ran longer than 10s \(CTRB_QUERY_TIMEOUT\) and was stopped/);
      await session.close();
      expect(slow.callsTo('StopQueryExecution')).toHaveLength(1);
      expect(clock.now() - Date.UTC(2024, 0, 1)).toBe(10_000);
    } finally {
      await slow.close();
    }
  });
});

describe('athena engine: throttling and idempotent starts', () => {
  it('retries a throttled start with the same ClientRequestToken, and starts one query', async () => {
    athena.willAnswer({ columns: GROUP_COLUMNS, rows: [['198.51.100.1', '1', 'x', '[a]']] });
    athena.throttle('StartQueryExecution', 1, 'TooManyRequestsException');
    athena.throttle('GetQueryResults', 1, 'ThrottlingException');
    const executionsBefore = athena.executions.size;
    const session = await open();
    const result = await session.run(rootLogins());
    await session.close();

    const attempts = athena.callsTo('StartQueryExecution', { all: true }).slice(-2);
    expect(attempts.map((a) => a.outcome)).toEqual(['TooManyRequestsException', 'ok']);
    expect(attempts[0]!.input.ClientRequestToken).toBe(attempts[1]!.input.ClientRequestToken);
    expect(athena.executions.size).toBe(executionsBefore + 1);
    expect(result.rows).toHaveLength(1);
  });

  it('finds the query already started when the run resumes the same step on another worker', async () => {
    athena.willAnswer({ columns: GROUP_COLUMNS, rows: [['198.51.100.1', '1', 'x', '[a]']] });
    const runId = randomUUID();
    const first = await open({ runId });
    const a = await first.run(rootLogins());
    await first.close();
    const executionsBefore = athena.executions.size;
    const resumed = await open({ runId });
    const b = await resumed.run(rootLogins());
    await resumed.close();

    expect(b.stats.engineQueryId).toBe(a.stats.engineQueryId);
    expect(athena.executions.size).toBe(executionsBefore);
    expect(b.rows).toEqual(a.rows);
  });
});

/** The id of the next query the fake starts. */
async function waitForStart(): Promise<string> {
  const before = athena.callsTo('GetQueryExecution').length;
  for (let i = 0; i < 200; i++) {
    const polled = athena.callsTo('GetQueryExecution');
    if (polled.length > before) return String(polled.at(-1)!.input.QueryExecutionId);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the query never started');
}
