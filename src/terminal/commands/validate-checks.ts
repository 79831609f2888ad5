/**
 * What `ctrb validate` checks in one runbook file: schema, CEL, references between steps,
 * and every query compiled for every engine (with placeholder values for required
 * parameters, which a runbook file cannot know).
 */
import { ENGINE_NAMES } from '../../model/query.js';
import { isRawQuery, type PortableQuery, type RawQuery } from '../../query/index.js';
import type { EngineName } from '../../model/query.js';
import { locateIssues, runbookFromText, RunbookError, type RunbookIssue } from '../../runbook/load.js';
import { prepareRunbook, compileStepQuery, type PreparedRunbook } from '../../run/prepare.js';
import { explainSettings } from './explain.js';
import { exampleParams } from '../../runbook/param-examples.js';

/** Every problem of the runbook file `file` whose text is `text`, each at its line and column. */
export async function runbookTextIssues(text: string, file: string): Promise<RunbookIssue[]> {
  try {
    const { runbook } = runbookFromText(text, file);
    const prepared = prepareRunbook(runbook, file);
    return locateIssues(await compileEverywhere(prepared, file), text);
  } catch (e) {
    if (e instanceof RunbookError) return locateIssues(e.issues, text);
    throw e;
  }
}

/** DuckDB is loaded only for a raw DuckDB step: most runbooks have none, and validating them needs no database. */
const duckdbSelectProblemOf = async (sql: string): Promise<string | undefined> =>
  (await import('../../query/engines/duckdb/index.js')).duckdbSelectProblem(sql);

/**
 * Every query step must compile for every engine it can run on; raw SQL for DuckDB must also
 * be one SELECT to DuckDB's own parser (the other engines' SQL is checked by its text alone).
 */
async function compileEverywhere(prepared: PreparedRunbook, file: string): Promise<RunbookIssue[]> {
  const issues: RunbookIssue[] = [];
  const params = exampleParams(prepared.runbook);
  const now = new Date();
  const ctx = { params, window: { start: new Date(now.getTime() - 86_400_000).toISOString(), end: now.toISOString() } };
  for (const step of prepared.steps) {
    if (!step.query) continue;
    const key = 'raw' in step.spec ? 'raw' : 'query';
    const engines = enginesFor(step.query);
    for (const engine of engines) {
      const path = `steps[${step.index}].${key}`;
      const refuse = (why: string) => issues.push({ file, path, message: `step "${step.spec.id}" does not compile for ${engine}: ${why}` });
      try {
        const compiled = compileStepQuery(step, engine, ctx, undefined, explainSettings({ engine }), now);
        const problem = key === 'raw' && engine === 'duckdb' ? await duckdbSelectProblemOf(compiled.text) : undefined;
        if (problem) refuse(problem);
      } catch (e) {
        refuse((e as Error).message);
      }
    }
  }
  return issues;
}

/**
 * The engines a query is meant for: raw SQL only where the runbook gives text for that
 * engine; LookupEvents only for management events (it cannot answer data-event queries,
 * and says so at run time).
 */
function enginesFor(query: PortableQuery | RawQuery): EngineName[] {
  if (isRawQuery(query)) return ENGINE_NAMES.filter((e): e is Exclude<EngineName, 'lookup'> => e !== 'lookup' && query.sql[e] !== undefined);
  return ENGINE_NAMES.filter((e) => e !== 'lookup' || !query.dataEvents);
}
