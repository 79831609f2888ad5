/**
 * What `ctrb validate` checks in one runbook file: schema, CEL, references between steps,
 * and every query compiled for every engine (with placeholder values for required
 * parameters, which a runbook file cannot know). Every problem of a file in one pass, each at
 * its file:line:column: a schema error does not hide the CEL, field and compile errors of the
 * parts the schema accepted (src/runbook/validate.ts). With an approver check (`--slack`,
 * validate-slack.ts), the approvers are also looked up in the workspace.
 */
import { ENGINE_NAMES } from '../../model/query.js';
import { isRawQuery, queryReferences, type PortableQuery, type RawQuery } from '../../query/index.js';
import type { EngineName } from '../../model/query.js';
import { locateIssues, type RunbookIssue } from '../../runbook/load.js';
import { onStandIn, readRunbookForValidation, withoutRepeats } from '../../runbook/validate.js';
import { inspectRunbook, compileStepQuery, type PreparedRunbook, type PreparedStep } from '../../run/prepare.js';
import { explainSettings } from './explain.js';
import type { Runbook } from '../../runbook/schema.js';
import { exampleParams } from '../../runbook/param-examples.js';

/** The approvers a runbook names that its Slack workspace does not know; steps in `skip` are left out. */
export type ApproverCheck = (runbook: Runbook, skip: ReadonlySet<number>, file: string) => Promise<RunbookIssue[]>;

/** Every problem of the runbook file `file` whose text is `text`, each at its line and column. */
export async function runbookTextIssues(text: string, file: string, checkApprovers?: ApproverCheck): Promise<RunbookIssue[]> {
  const read = readRunbookForValidation(text, file);
  if (!read.runbook) return locateIssues(read.issues, text);
  const { prepared, issues } = inspectRunbook(read.runbook, file);
  const found = issues.filter((i) => !onStandIn(i.path, read.standInSteps));
  // A step with a problem of its own, a stand-in, or one reading a refused parameter is not
  // compiled: its compile errors would only repeat what is already said.
  const troubled = new Set(found.flatMap((i) => /^steps\[(\d+)\]/.exec(i.path)?.[1] ?? []).map(Number));
  const compilable = (step: PreparedStep): boolean =>
    !read.standInSteps.has(step.index) && !troubled.has(step.index) && !queryReferences(step.query!).params.some((name) => read.standInParams.has(name));
  const compiled = await compileEverywhere(prepared, file, compilable);
  const approvers = checkApprovers ? await checkApprovers(read.runbook, read.standInSteps, file) : [];
  return locateIssues(withoutRepeats([...read.issues, ...found, ...compiled, ...approvers]), text);
}

/** DuckDB is loaded only for a raw DuckDB step: most runbooks have none, and validating them needs no database. */
const duckdbSelectProblemOf = async (sql: string): Promise<string | undefined> =>
  (await import('../../query/engines/duckdb/index.js')).duckdbSelectProblem(sql);

/**
 * Every query step must compile for every engine it can run on; raw SQL for DuckDB must also
 * be one SELECT to DuckDB's own parser (the other engines' SQL is checked by its text alone).
 */
async function compileEverywhere(prepared: PreparedRunbook, file: string, compilable: (step: PreparedStep) => boolean): Promise<RunbookIssue[]> {
  const issues: RunbookIssue[] = [];
  const params = exampleParams(prepared.runbook);
  const now = new Date();
  const ctx = { params, window: { start: new Date(now.getTime() - 86_400_000).toISOString(), end: now.toISOString() } };
  for (const step of prepared.steps) {
    if (!step.query || !compilable(step)) continue;
    const key = 'raw' in step.spec ? 'raw' : 'query';
    for (const engine of enginesFor(step.query)) {
      // Raw SQL is text per engine: point at that engine's text.
      const path = key === 'raw' ? `steps[${step.index}].raw.sql.${engine}` : `steps[${step.index}].query`;
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
