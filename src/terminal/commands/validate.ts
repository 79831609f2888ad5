/**
 * `ctrb validate [files]`: schema, CEL, references between steps, and every query compiled
 * for every engine (with placeholder values for required parameters, which a runbook
 * file cannot know). Every problem of a file in one pass, each at its file:line:column: a
 * schema error does not hide the CEL, field and compile errors of the parts the schema accepted
 * (src/runbook/validate.ts). With `--slack`, every approver is also looked up in the Slack
 * workspace (validate-slack.ts).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pc from 'picocolors';
import { ENGINE_NAMES } from '../../model/query.js';
import { isRawQuery, queryReferences, type PortableQuery, type RawQuery } from '../../query/index.js';
import { duckdbSelectProblem } from '../../query/engines/duckdb/index.js';
import type { EngineName } from '../../model/query.js';
import { locateIssues, formatIssue, type RunbookIssue } from '../../runbook/load.js';
import { onStandIn, readRunbookForValidation, withoutRepeats } from '../../runbook/validate.js';
import { inspectRunbook, compileStepQuery, type PreparedRunbook, type PreparedStep } from '../../run/prepare.js';
import { explainSettings } from './explain.js';
import { unknownApproverIssues, workspaceDirectory } from './validate-slack.js';
import type { ApproverDirectory } from '../../approval/approver-directory.js';
import { exampleParams } from '../../runbook/param-examples.js';

export interface ValidateOptions {
  /** Also look every approver up in this Slack workspace (`--slack`). */
  directory?: ApproverDirectory;
}

export async function validateFile(file: string, options: ValidateOptions = {}): Promise<RunbookIssue[]> {
  const text = await readFile(file, 'utf8');
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
  const approvers = options.directory ? await unknownApproverIssues(read.runbook, read.standInSteps, options.directory, file) : [];
  return locateIssues(withoutRepeats([...read.issues, ...found, ...compiled, ...approvers]), text);
}

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
    const engines = enginesFor(step.query);
    for (const engine of engines) {
      // Raw SQL is text per engine: point at that engine's text.
      const path = key === 'raw' ? `steps[${step.index}].raw.sql.${engine}` : `steps[${step.index}].query`;
      const refuse = (why: string) => issues.push({ file, path, message: `step "${step.spec.id}" does not compile for ${engine}: ${why}` });
      try {
        const compiled = compileStepQuery(step, engine, ctx, undefined, explainSettings({ engine }), now);
        const problem = key === 'raw' && engine === 'duckdb' ? await duckdbSelectProblem(compiled.text) : undefined;
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

export async function validateCommand(dir: string, files: string[], o: { slack?: boolean } = {}): Promise<void> {
  // Checked first: a missing token is said before any file is read.
  const directory = o.slack ? workspaceDirectory(process.env) : undefined;
  const targets = files.length > 0 ? files : (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n));
  const c = pc.createColors(!!process.stdout.isTTY);
  let bad = 0;
  for (const file of targets) {
    const issues = await validateFile(file, directory ? { directory } : {});
    if (issues.length === 0) {
      process.stdout.write(`${c.green('ok')}      ${file}\n`);
    } else {
      bad++;
      process.stdout.write(`${c.red('invalid')} ${file}\n`);
      for (const i of issues) process.stdout.write(`  ${formatIssue(i)}\n`);
    }
  }
  process.stdout.write(`${targets.length - bad} valid, ${bad} invalid\n`);
  if (bad > 0) process.exitCode = 2;
}
