/**
 * The CloudTrail Lake engine with the real CloudTrailClient against the CloudTrail fake: the
 * statement sent as compiled (values already escaped, no placeholders), states followed,
 * pages read, Lake's text values typed like the other engines', stats, failures and
 * cancellation.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLakeEngine, selectItems } from '../../src/query/engines/lake/index.js';
import { compileQuery, parsePortableQuery } from '../../src/query/index.js';
import type { CompiledQuery, EngineSession } from '../../src/query/engine.js';
import type { TimeWindow } from '../../src/model/query.js';
import { FakeCloudTrail } from '../fakes/aws/cloudtrail.js';
import { FAKE_BASE_CREDENTIALS } from '../fakes/aws/http.js';

const WINDOW: TimeWindow = { start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') };
const EDS = 'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE';

let ct: FakeCloudTrail;
beforeAll(async () => {
  ct = await FakeCloudTrail.start({ lakePageSize: 2 });
});
afterAll(() => ct.close());

async function open(): Promise<EngineSession> {
  return createLakeEngine({
    client: () => new CloudTrailClient({ region: 'us-east-1', endpoint: ct.url, credentials: FAKE_BASE_CREDENTIALS, maxAttempts: 3 }),
    timeoutMs: 60_000,
    poll: { firstDelayMs: 5, factor: 1.5, maxDelayMs: 20 },
  }).open(WINDOW);
}

/** Sign-ins per user from an address a parameter names (with a quote in it, to see it escaped). */
function loginsByUser(): CompiledQuery {
  const query = parsePortableQuery({
    where: { eventName: 'ConsoleLogin', 'userIdentity.userName': '$user' },
    group: { by: ['userIdentity.userName as user'], count: 'logins', max: { lastSeen: 'eventTime' } },
    order: 'logins desc',
  });
  return compileQuery(query, 'lake', { params: { user: "o'brien" }, window: WINDOW, lake: { eventDataStore: EDS } });
}

describe('lake engine', () => {
  it('sends the compiled statement as it is, with its values already escaped', async () => {
    const compiled = loginsByUser();
    ct.lake.willAnswer({ columns: compiled.columns, rows: [] });
    const session = await open();
    await session.run(compiled);
    await session.close();

    const sent = String(ct.callsTo('StartQuery').at(-1)!.input.QueryStatement);
    expect(sent).toBe(compiled.text);
    expect(sent).toContain(`FROM ${EDS}`);
    expect(sent).toContain("'o''brien'");
  });

  it('polls until FINISHED, reads every page, and types counts and eventIDs like the other engines', async () => {
    const compiled = loginsByUser();
    ct.lake.willAnswer({
      columns: compiled.columns,
      rows: [
        ["o'brien", '12', '2024-05-01T09:00:00Z', '[e1, e2]'],
        ['alice', '3', '2024-05-01T08:00:00Z', '[e3]'],
        ['bob', '1', null, '[]'],
      ],
      polls: 3,
      bytesScanned: 7_340_032,
      eventsScanned: 5_120,
    });
    const session = await open();
    const result = await session.run(compiled);
    await session.close();

    const describes = ct.callsTo('DescribeQuery').filter((c) => c.input.QueryId === result.stats.engineQueryId);
    expect(describes).toHaveLength(4);
    expect(ct.callsTo('GetQueryResults').filter((c) => c.input.QueryId === result.stats.engineQueryId)).toHaveLength(2);
    expect(result.columns).toEqual(['user', 'logins', 'lastSeen', 'eventIDs']);
    expect(result.rows).toEqual([
      { user: "o'brien", logins: 12, lastSeen: '2024-05-01T09:00:00Z', eventIDs: ['e1', 'e2'] },
      { user: 'alice', logins: 3, lastSeen: '2024-05-01T08:00:00Z', eventIDs: ['e3'] },
      { user: 'bob', logins: 1, lastSeen: null, eventIDs: [] },
    ]);
    expect(result.stats).toMatchObject({ bytesScanned: 7_340_032, eventsScanned: 5_120 });
  });

  it('fails the step with Lake’s error message', async () => {
    ct.lake.willAnswer({ outcome: 'FAILED', errorMessage: 'Query failed: line 3: column "useridentity.usernam" cannot be resolved' });
    const session = await open();
    await expect(session.run(loginsByUser())).rejects.toThrow(/the CloudTrail Lake query .* failed: Query failed: line 3: column "useridentity.usernam" cannot be resolved/);
    await session.close();
  });

  it('cancels the query in Lake when the run is cancelled', async () => {
    ct.lake.willAnswer({ polls: 10_000 });
    const session = await open();
    const controller = new AbortController();
    const failure = session.run(loginsByUser(), controller.signal);
    const started = ct.lakeQueries.size;
    while (ct.lakeQueries.size === started || [...ct.lakeQueries.values()].at(-1)!.pollsSeen === 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const id = [...ct.lakeQueries.keys()].at(-1)!;
    controller.abort(new Error('run cancelled'));
    await expect(failure).rejects.toThrow('run cancelled');
    await session.close();
    expect(ct.callsTo('CancelQuery').map((c) => c.input.QueryId)).toContain(id);
    expect(ct.lakeQueries.get(id)!.cancelled).toBe(true);
  });

  it('reads the select list of compiled statements, commas inside calls and strings included', () => {
    expect(selectItems(`SELECT a AS "a",\n  count(DISTINCT x) AS "n",\n  element_at(p, 'k,FROM v') AS "k"\nFROM eds\nWHERE b = 'c'`)).toEqual([
      'a AS "a"',
      'count(DISTINCT x) AS "n"',
      "element_at(p, 'k,FROM v') AS \"k\"",
    ]);
  });
});
