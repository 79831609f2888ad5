/**
 * Loading only what a run reads: the runner tells the engine which CloudTrail fields the
 * run's queries read before anything is loaded; the DuckDB engine shows just those, and a
 * query reading any other column fails, naming it, instead of finding it empty. (From the
 * cache, which holds whole records, a struct keeps every field, each with its values.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineHooks, EngineSession, QueryEngine } from '../../src/query/engine.js';
import { ColumnNotLoadedError, createDuckDbEngine } from '../../src/query/engines/duckdb/index.js';
import { CLOUDTRAIL_COLUMNS } from '../../src/query/fields.js';
import { newRunContext } from '../../src/run/context.js';
import { columnsRead, compileStepQuery, prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import { shareOneSession } from '../../src/run/shared-engine.js';
import type { ResolvedParams } from '../../src/model/run.js';
import type { Reporter } from '../../src/run/reporter.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { exampleValue } from '../../src/runbook/param-examples.js';
import { cloudTrailEvent, makeLogsDir, removeDir, window, writeS3Logs } from './cloudtrail-files.js';
import { openDuckDb } from './open-duckdb.js';

const MAY_1 = window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z');
const quiet: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };

let logs: string;
let session: EngineSession | undefined;

beforeEach(async () => {
  logs = await makeLogsDir();
  await writeS3Logs(logs, [
    cloudTrailEvent({ eventName: 'ConsoleLogin', errorCode: 'Failed', requestParameters: { bucketName: 'audit' } }),
    cloudTrailEvent({ eventName: 'GetObject' }),
  ]);
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await removeDir(logs);
});

function runbookYaml(steps: string): ReturnType<typeof prepareRunbook> {
  const yaml = `id: projection-test\ntitle: t\nsummary: s\nseverity: info\nsteps:\n${steps}`;
  return prepareRunbook(parseRunbook(yaml, 'projection-test.yaml'));
}

describe('the fields a run reads', () => {
  it('are those its queries name in where, select, group and order, with eventTime and eventID; of a struct, the fields named', () => {
    const prepared = runbookYaml(`
  - id: logins
    query:
      where: { eventName: ConsoleLogin, any: [{ errorCode: { exists: true } }, { not: { awsRegion: us-east-1 } }] }
      select: [sourceIPAddress, additionalEventData.MFAUsed as mfa]
      order: userAgent desc
  - id: per_user
    query:
      where: { eventSource: { prefix: iam } }
      group: { by: [userIdentity.arn as who], max: { last: eventTime }, count_distinct: { buckets: requestParameters.bucketName } }
`);
    expect([...columnsRead(prepared)!].sort()).toEqual(
      [
        'additionalEventData',
        'awsRegion',
        'errorCode',
        'eventID',
        'eventName',
        'eventSource',
        'eventTime',
        'requestParameters',
        'sourceIPAddress',
        'userAgent',
        'userIdentity.arn',
      ].sort(),
    );
  });

  it('are every field when a step is raw SQL', () => {
    const prepared = runbookYaml(`
  - id: raw
    raw:
      sql: { duckdb: "SELECT * FROM :table WHERE \\"eventTime\\" >= :window_start AND \\"eventTime\\" < :window_end" }
`);
    expect(columnsRead(prepared)).toBeUndefined();
  });

  it('cover every column each built-in runbook’s DuckDB statements name', () => {
    const now = new Date('2024-05-02T00:00:00Z');
    const ctx = { window: { start: '2024-05-01T00:00:00Z', end: now.toISOString() } };
    const missing: string[] = [];
    let statements = 0;
    for (const file of readdirSync(BUILTIN_RUNBOOK_DIR).filter((n) => n.endsWith('.yaml'))) {
      const runbook = parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, file), 'utf8'), file);
      const prepared = prepareRunbook(runbook, file);
      const read = columnsRead(prepared);
      if (!read) continue; // raw SQL: every column is loaded
      for (const step of prepared.steps) {
        if (step.kind !== 'query') continue;
        const compiled = compileStepQuery(step, 'duckdb', { ...ctx, params: exampleParams(runbook.params) }, undefined, {}, now);
        statements++;
        const text = compiled.text.replace(/'([^']|'')*'/g, "''");
        // Quoted identifier chains (`"userIdentity"."arn"`) that are not aliases.
        for (const m of text.matchAll(/"[^"]*"(?:\."[^"]*")*/g)) {
          if (/\bAS$/i.test(text.slice(0, m.index).trimEnd())) continue;
          const chain = m[0].split('.').map((p) => p.replaceAll('"', ''));
          if (!Object.hasOwn(CLOUDTRAIL_COLUMNS, chain[0]!)) continue;
          // Loaded when the field, or a struct holding it, is.
          const held = chain.some((_, i) => read.has(chain.slice(0, i + 1).join('.')));
          if (!held) missing.push(`${runbook.id}.${step.spec.id}: ${chain.join('.')}`);
        }
      }
    }
    expect(statements).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

describe('duckdb engine: a session loads only the fields asked for', () => {
  it('answers over the fields it loaded', async () => {
    const opened = await openDuckDb(logs, MAY_1, { columns: new Set(['eventName', 'errorCode']) });
    session = opened.session;

    expect(await opened.rows('SELECT "eventName", "errorCode" FROM events ORDER BY "eventID"')).toEqual([
      { eventName: 'ConsoleLogin', errorCode: 'Failed' },
      { eventName: 'GetObject', errorCode: null },
    ]);
    expect(await opened.rows('SELECT count(DISTINCT "eventID") AS ids, min("eventTime") AS first FROM events')).toEqual([
      { ids: 2, first: '2024-05-01T12:00:00Z' },
    ]);
  });

  it('fails a query that reads a field it did not load, naming the field, rather than finding it empty', async () => {
    const opened = await openDuckDb(logs, MAY_1, { columns: new Set(['eventName']) });
    session = opened.session;

    const reading = opened.rows(`SELECT count(*) AS n FROM events WHERE "requestParameters"->>'$.bucketName' = 'audit'`);
    await expect(reading).rejects.toThrow(ColumnNotLoadedError);
    await expect(reading).rejects.toThrow(/reads "requestParameters", which this session did not load \(it loaded eventTime, eventName, eventID\)/);
  });

  it('without the cache, loads only the fields of a struct asked for, and fails a query reading another of its fields', async () => {
    const opened = await openDuckDb(logs, MAY_1, { cache: false, columns: new Set(['userIdentity.arn', 'userIdentity.sessionContext.sessionIssuer.arn']) });
    session = opened.session;

    expect(await opened.rows('SELECT DISTINCT "userIdentity"."arn" AS arn, "userIdentity"."sessionContext"."sessionIssuer"."arn" AS issuer FROM events')).toEqual([
      { arn: 'arn:aws:iam::123456789012:user/alice', issuer: null },
    ]);
    const reading = opened.rows('SELECT "userIdentity"."userName" AS who FROM events');
    await expect(reading).rejects.toThrow(ColumnNotLoadedError);
    await expect(reading).rejects.toThrow(/reads "userName", which this session did not load \(it loaded userIdentity\.arn, userIdentity\.sessionContext\.sessionIssuer\.arn, eventTime, eventID\)/);
  });

  it('with the cache, answers a query reading a struct field the run did not name with its values, never empty', async () => {
    const opened = await openDuckDb(logs, MAY_1, { columns: new Set(['userIdentity.arn']) });
    session = opened.session;

    expect(opened.loaded.filesCached + opened.loaded.filesFromCache).toBe(1);
    expect(await opened.rows('SELECT DISTINCT "userIdentity"."userName" AS who FROM events')).toEqual([{ who: 'alice' }]);
  });

  it('refuses a struct field the events table does not have', async () => {
    await expect(openDuckDb(logs, MAY_1, { columns: new Set(['userIdentity.shoeSize']) })).rejects.toThrow(/"userIdentity" has no field "shoeSize"/);
  });

  it('loads every field when none are named', async () => {
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows(`SELECT count(*) AS n FROM events WHERE "requestParameters"->>'$.bucketName' = 'audit'`)).toEqual([{ n: 1 }]);
  });

  it('refuses a field the events table does not have', async () => {
    await expect(openDuckDb(logs, MAY_1, { columns: new Set(['eventName', 'tlsDetails']) })).rejects.toThrow(
      /the events table has no column "tlsDetails"/,
    );
  });
});

describe('the runner and the shared session', () => {
  /** The DuckDB engine, recording the hooks each open was given. */
  function recording(): { engine: QueryEngine; opened: EngineHooks[] } {
    const duckdb = createDuckDbEngine({ logsDir: logs, threads: 1 });
    const opened: EngineHooks[] = [];
    return {
      opened,
      engine: { name: 'duckdb', open: (w, hooks) => (opened.push(hooks ?? {}), duckdb.open(w, hooks)) },
    };
  }

  const context = (id: string) =>
    newRunContext({ runbookId: id, params: {}, window: MAY_1, requestedBy: 't', source: 'terminal' });

  it('tells the engine the run’s fields before the first query, and the run answers from them', async () => {
    const prepared = runbookYaml(`
  - id: buckets
    query:
      where: { eventName: ConsoleLogin }
      select: [requestParameters.bucketName as bucket]
`);
    const { engine, opened } = recording();
    const result = await runRunbook(prepared, context('projection-test'), { engine, reporter: quiet, gates: 'plan' });

    expect(result.status).toBe('completed');
    expect(result.steps[0]!.query!.rows.map((r) => r.bucket)).toEqual(['audit']);
    expect([...opened[0]!.columns!].sort()).toEqual(['eventID', 'eventName', 'eventTime', 'requestParameters']);
  });

  it('serves, from a shared session holding a whole struct, a run reading one of its fields', async () => {
    const { engine } = recording();
    const shared = shareOneSession(engine, { columns: new Set(['eventTime', 'eventID', 'eventName', 'userIdentity']) });
    try {
      const prepared = runbookYaml(`
  - id: who
    query:
      where: { eventName: ConsoleLogin }
      select: [userIdentity.arn as who]
`);
      const result = await runRunbook(prepared, context('projection-test'), { engine: shared, reporter: quiet, gates: 'plan' });

      expect(result.status).toBe('completed');
      expect(result.steps[0]!.query!.rows.map((r) => r.who)).toEqual(['arn:aws:iam::123456789012:user/alice']);
    } finally {
      await shared.close();
    }
  });

  it('refuses, in a shared session, a run reading a field the shared load left out', async () => {
    const { engine } = recording();
    const shared = shareOneSession(engine, { columns: new Set(['eventTime', 'eventID', 'eventName']) });
    try {
      const prepared = runbookYaml(`
  - id: errors
    query:
      where: { errorCode: { exists: true } }
`);
      const result = await runRunbook(prepared, context('projection-test'), { engine: shared, reporter: quiet, gates: 'plan' });

      expect(result.status).toBe('failed');
      expect(result.steps[0]!.reason).toMatch(/shared engine session does not load .*errorCode/);
    } finally {
      await shared.close();
    }
  });
});

function exampleParams(params: Record<string, { default?: unknown; example?: unknown; list?: boolean }>): ResolvedParams {
  const out: ResolvedParams = {};
  for (const [name, spec] of Object.entries(params)) {
    const v = spec.default ?? spec.example ?? exampleValue(spec as Parameters<typeof exampleValue>[0]);
    out[name] = Array.isArray(v) ? v.map(String) : spec.list ? String(v).split(',') : String(v);
  }
  return out;
}
