/**
 * Every Athena and CloudTrail Lake statement the compiler writes parses with Trino's grammar
 * (test/fakes/aws/trino.ts): each query step of each built-in runbook, on both Athena table
 * layouts, before a run and with earlier steps that found nothing, and every golden case. A
 * dialect change that breaks the syntax fails here, whatever the golden text says.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { athenaDialect } from '../../src/query/dialects/athena.js';
import { compileSql } from '../../src/query/sql-compiler.js';
import { isRawQuery, type CompiledQuery, type PortableQuery } from '../../src/query/index.js';
import { compileStepQuery, prepareRunbook } from '../../src/run/prepare.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { exampleParams } from '../../src/runbook/param-examples.js';
import { parseTrino } from '../fakes/aws/trino.js';
import { ATHENA_REGIONS, ATHENA_TIMESTAMP, CASES, LAKE } from './support/cases.js';
import { compileCase, contextFor, normalizedCase } from './support/compile-case.js';

const EDS_ID = 'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE';
const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' };

function syntaxErrors(q: CompiledQuery): string[] {
  return parseTrino(q.text, q.engine === 'lake' ? { table: EDS_ID } : {}).errors;
}

const files = readdirSync(BUILTIN_RUNBOOK_DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('every built-in runbook statement parses as Trino SQL', () => {
  it.each(files)('%s', async (file) => {
    const { runbook } = await loadRunbookFile(join(BUILTIN_RUNBOOK_DIR, file));
    const prepared = prepareRunbook(runbook, file);
    const ctx = { params: exampleParams(runbook), window: WINDOW };
    const settings = [
      { athena: ATHENA_TIMESTAMP, lake: LAKE },
      { athena: ATHENA_REGIONS, lake: LAKE },
    ];
    // Before a run (explain, validate), and in a run whose earlier steps found nothing.
    const foundNothing = new Map<string, { stepId: string; query: { columns: string[]; rows: [] } }>();
    let checked = 0;
    for (const step of prepared.steps) {
      if (!step.query) continue;
      for (const engine of ['athena', 'lake'] as const) {
        if (isRawQuery(step.query) && step.query.sql[engine] === undefined) continue;
        for (const s of settings) {
          for (const finished of [undefined, foundNothing]) {
            const q = compileStepQuery(step, engine, ctx, finished as never, s, new Date(WINDOW.end));
            expect(syntaxErrors(q), `${runbook.id} step ${step.spec.id} on ${engine}:\n${q.text}`).toEqual([]);
            checked++;
          }
        }
      }
      const columns = compileStepQuery(step, 'duckdb', ctx, foundNothing as never, {}, new Date(WINDOW.end)).columns;
      foundNothing.set(step.spec.id, { stepId: step.spec.id, query: { columns, rows: [] } });
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('every golden case parses as Trino SQL', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const engine of ['athena', 'lake'] as const) {
      for (const athena of [c.athena ?? ATHENA_TIMESTAMP, ATHENA_REGIONS]) {
        const q = engine === 'athena' ? compileCase({ ...c, athena }, engine) : compileCase(c, engine);
        expect(syntaxErrors(q), `${c.name} on ${engine}:\n${q.text}`).toEqual([]);
      }
    }
  });
});

describe('the grammar check', () => {
  it('fails a dialect whose syntax Trino does not take, naming the place', () => {
    // DuckDB's arrow for JSON text, put in the Athena dialect by mistake.
    const broken = { ...athenaDialect, jsonText: (column: string, path: string[]) => `(${column}->>'$.${path.join('.')}')` };
    const c = CASES.find((k) => k.name === 'json-subfields')!;
    const q = compileSql(normalizedCase(c) as PortableQuery, broken, contextFor(c));
    expect(syntaxErrors(q)[0]).toMatch(/^line \d+:\d+: /);
  });

  it('refuses more than one statement, and reads the output columns and the LIMIT', () => {
    expect(parseTrino('SELECT 1 AS a; SELECT 2').errors).toEqual(['expected exactly one statement, found 2']);
    expect(parseTrino('SELECT "eventname" AS "eventName", count(*) AS "n", "useridentity"."arn" FROM "t" GROUP BY 1, 3 LIMIT 20')).toEqual({
      errors: [],
      columns: ['eventName', 'n', 'arn'],
      limit: 20,
    });
    // An event data store id is one name to Lake, a subtraction to Trino unless told.
    expect(parseTrino(`SELECT eventID FROM ${EDS_ID}`).errors).not.toEqual([]);
    expect(parseTrino(`SELECT eventID FROM ${EDS_ID}`, { table: EDS_ID }).errors).toEqual([]);
  });
});
