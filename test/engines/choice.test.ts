/**
 * Which engine answers each step: the deployment default unless it cannot answer the step;
 * what `ctrb explain` says about it; and a run on a LookupEvents deployment whose data-event
 * step goes to Athena, both in the run's account, through the real SDK clients and the fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/aws/index.js';
import { loadConfig } from '../../src/config.js';
import { NoEngineError, availableEngines, chooseEngine, createEngine } from '../../src/query/engines/index.js';
import { parsePortableQuery, parseRawQuery } from '../../src/query/index.js';
import type { TimeWindow } from '../../src/model/query.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { newRunContext } from '../../src/run/context.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import type { Reporter } from '../../src/run/reporter.js';
import { explainRunbook } from '../../src/terminal/commands/explain.js';
import { FakeAthena } from '../fakes/aws/athena.js';
import { FakeCloudTrail } from '../fakes/aws/cloudtrail.js';
import { FAKE_BASE_CREDENTIALS } from '../fakes/aws/http.js';
import { FakeSts } from '../fakes/aws/sts.js';
import { cloudTrailEvent } from './cloudtrail-files.js';

const NOW = new Date('2024-05-02T00:00:00Z');
const DAY: TimeWindow = { start: new Date('2024-05-01T00:00:00Z'), end: NOW };
const HALF_YEAR: TimeWindow = { start: new Date('2023-11-01T00:00:00Z'), end: NOW };

const management = parsePortableQuery({ where: { eventName: 'ConsoleLogin' } });
const dataEvents = parsePortableQuery({ where: { eventName: 'DeleteObject' }, data_events: true });
const lakeOnlySql = parseRawQuery({ sql: { lake: 'SELECT eventID FROM :table WHERE eventTime >= :window_start AND eventTime < :window_end' } });

describe('chooseEngine', () => {
  it('keeps the default engine when it can answer', () => {
    expect(chooseEngine(management, DAY, ['lookup', 'athena'], 'lookup', NOW)).toEqual({
      engine: 'lookup',
      reason: 'the default engine; management events of the last 90 days suffice',
    });
    expect(chooseEngine(dataEvents, HALF_YEAR, ['athena'], 'athena', NOW).engine).toBe('athena');
  });

  it('sends what LookupEvents cannot answer to Athena, else Lake, and says why', () => {
    expect(chooseEngine(dataEvents, DAY, ['lookup', 'lake', 'athena'], 'lookup', NOW)).toEqual({
      engine: 'athena',
      reason: 'data events: LookupEvents returns management events only',
    });
    expect(chooseEngine(management, HALF_YEAR, ['lookup', 'lake'], 'lookup', NOW)).toEqual({
      engine: 'lake',
      reason: "the window starts 2023-11-01T00:00:00Z, beyond the 90 days LookupEvents keeps",
    });
    expect(chooseEngine(lakeOnlySql, DAY, ['lookup', 'athena', 'lake'], 'lookup', NOW)).toEqual({ engine: 'lake', reason: 'raw SQL: LookupEvents runs no SQL' });
  });

  it('runs raw SQL on an engine it was written for', () => {
    expect(chooseEngine(lakeOnlySql, DAY, ['athena', 'lake'], 'athena', NOW)).toEqual({ engine: 'lake', reason: 'raw SQL written for lake, not athena' });
  });

  it('refuses a step no configured engine can answer, naming the engines that could', () => {
    const refuse = () => chooseEngine(dataEvents, DAY, ['lookup'], 'lookup', NOW);
    expect(refuse).toThrow(NoEngineError);
    expect(refuse).toThrow(
      'data events: LookupEvents returns management events only, and no other engine is configured here. ' +
        'This step can run on athena (set CTRB_ATHENA_DATABASE and CTRB_ATHENA_TABLE), or lake (set CTRB_LAKE_EVENT_DATA_STORE), ' +
        'or the local duckdb engine on downloaded logs (ctrb run --logs DIR).',
    );
    expect(() => chooseEngine(lakeOnlySql, DAY, ['athena'], 'athena', NOW)).toThrow(/raw SQL written for lake, not athena, .*This step can run on lake/);
  });

  it('says whether the step itself (a runner skips it) or the run\'s window is what no engine here can answer', () => {
    const refusal = (run: () => unknown): NoEngineError => {
      try {
        run();
      } catch (e) {
        return e as NoEngineError;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => chooseEngine(dataEvents, DAY, ['lookup'], 'lookup', NOW))).toMatchObject({ limit: 'step', engines: ['athena', 'lake', 'duckdb'] });
    expect(refusal(() => chooseEngine(lakeOnlySql, DAY, ['athena'], 'athena', NOW))).toMatchObject({ limit: 'step', engines: ['lake'] });
    expect(refusal(() => chooseEngine(management, HALF_YEAR, ['lookup'], 'lookup', NOW))).toMatchObject({ limit: 'window' });
  });
});

const RUNBOOK = `
id: two-kinds
title: Two kinds of question
summary: A management-event question and a data-event one.
severity: medium
steps:
  - id: logins
    title: Console sign-ins
    query:
      where: { eventName: ConsoleLogin }
      select: [eventTime, sourceIPAddress]
  - id: deletions
    title: Objects deleted
    query:
      where: { eventName: DeleteObject }
      select: [eventTime, requestParameters.key as key]
      data_events: true
`;
const prepared = prepareRunbook(parseRunbook(RUNBOOK, 'two-kinds.yaml'));
const ctxOf = (window: TimeWindow) => ({ params: {}, window: { start: window.start.toISOString(), end: window.end.toISOString() } });

describe('ctrb explain: which engine answers each step, and why', () => {
  it('prints the engine and the reason above each statement', () => {
    const text = explainRunbook(prepared, ctxOf(DAY), { engine: 'lookup', available: ['athena'], now: NOW });
    const lines = text.split('\n');
    const engineLines = lines.filter((l) => l.startsWith('-- engine:'));
    expect(engineLines).toEqual([
      '-- engine: lookup (the default engine; management events of the last 90 days suffice)',
      '-- engine: athena (data events: LookupEvents returns management events only)',
    ]);
    // The statement under each line is that engine's.
    expect(lines[lines.indexOf(engineLines[0]!) + 1]).toMatch(/^LookupEvents LookupAttributes=\[\{AttributeKey=EventName, AttributeValue=ConsoleLogin\}\]/);
    expect(lines[lines.indexOf(engineLines[1]!) + 1]).toMatch(/^SELECT "eventtime" AS "eventTime"/);
  });

  it('says when no engine here can answer a step', () => {
    const text = explainRunbook(prepared, ctxOf(DAY), { engine: 'lookup', available: [], now: NOW });
    expect(text).toContain('-- engine: none: a run skips this step (and the steps reading its rows). data events: LookupEvents returns management events only, and no other engine is configured here.');
  });
});

describe('a run on a LookupEvents deployment, in the alarm’s account', () => {
  const ACCOUNT = '111122223333';
  let sts: FakeSts;
  let athena: FakeAthena;
  let cloudtrail: FakeCloudTrail;
  // The run looks at the last day, so LookupEvents' 90-day horizon holds whenever the test runs.
  const window = { start: new Date(Date.now() - 24 * 3600_000), end: new Date() };
  const loginTime = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  beforeAll(async () => {
    sts = await FakeSts.start({ [`arn:aws:iam::${ACCOUNT}:role/ctrb-query`]: { externalId: 'ext-123' } });
    athena = await FakeAthena.start();
    cloudtrail = await FakeCloudTrail.start({
      events: [
        { ...cloudTrailEvent({ eventName: 'ConsoleLogin', eventTime: loginTime, sourceIPAddress: '192.0.2.1' }), eventCategory: 'Management' },
      ],
    });
  });
  afterAll(async () => {
    await Promise.all([sts.close(), athena.close(), cloudtrail.close()]);
  });

  const config = () =>
    loadConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-1-2-test',
        CTRB_ENGINE: 'lookup',
        AWS_REGION: 'us-east-1',
        CTRB_ATHENA_DATABASE: 'security',
        CTRB_ATHENA_TABLE: 'cloudtrail_logs',
        CTRB_ATHENA_OUTPUT: 's3://ctrb-results/',
        CTRB_QUERY_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-query',
        CTRB_ROLE_EXTERNAL_ID: 'ext-123',
      },
      { role: 'worker' },
    );

  it('answers the management step on LookupEvents and the data-event step on Athena, with the assumed role', async () => {
    const cfg = config();
    expect(availableEngines(cfg)).toEqual(['lookup', 'athena']);
    const ctx = newRunContext({ runbookId: 'two-kinds', params: {}, window, requestedBy: 'U1', source: 'alarm' });
    athena.willAnswer({ columns: [{ name: 'eventtime', type: 'varchar' }, { name: 'key', type: 'varchar' }, { name: 'eventid', type: 'varchar' }], rows: [['2026-11-01T11:00:00Z', 'a.csv', 'e-9']], bytesScanned: 2048 });
    const engines = createEngine(cfg, { runId: ctx.runId, accountId: ACCOUNT, region: 'eu-west-1' }, {
      aws: { endpoints: { sts: sts.url, athena: athena.url, cloudtrail: cloudtrail.url }, baseCredentials: FAKE_BASE_CREDENTIALS },
      credentialCache: new CredentialCache(),
    });
    const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
    const result = await runRunbook(prepared, ctx, {
      engine: engines.default,
      engineFor: (query, w) => engines.forStep(query, w).engine,
      settings: engines.compileSettings,
      reporter: silent,
      gates: 'plan',
    });

    expect(result.status).toBe('completed');
    const [logins, deletions] = result.steps;
    expect(logins!.query).toMatchObject({ engine: 'lookup', rows: [{ sourceIPAddress: '192.0.2.1' }] });
    expect(deletions!.query).toMatchObject({ engine: 'athena', rows: [{ eventTime: '2026-11-01T11:00:00Z', key: 'a.csv', eventID: 'e-9' }] });
    expect(deletions!.query!.stats).toMatchObject({ bytesScanned: 2048, costUsd: expect.any(Number) });

    // One AssumeRole for the run, carrying its id; both services saw the assumed key.
    expect(sts.calls.filter((c) => c.outcome === 'ok').map((c) => c.params.RoleSessionName)).toEqual([`ctrb-${ctx.runId}`]);
    const assumedKey = sts.calls[0]!.issued!.accessKeyId;
    expect(cloudtrail.callsTo('LookupEvents').map((c) => [c.accessKeyId, c.region])).toEqual([[assumedKey, 'eu-west-1']]);
    expect(athena.callsTo('StartQueryExecution').map((c) => [c.accessKeyId, c.region])).toEqual([[assumedKey, 'us-east-1']]);
  });

  it('refuses, before anything runs, an account no role covers', () => {
    const cfg = loadConfig(
      { SLACK_BOT_TOKEN: 'xoxb-1-2-test', CTRB_ENGINE: 'lookup', AWS_REGION: 'us-east-1', CTRB_QUERY_ROLES: `444455556666=arn:aws:iam::444455556666:role/q` },
      { role: 'worker' },
    );
    expect(() => createEngine(cfg, { runId: 'r', accountId: ACCOUNT })).toThrow(`no query role is configured for account ${ACCOUNT}`);
  });
});
