/**
 * A runbook made ready to run: every query normalized, every CEL expression compiled, every
 * remediation checked against the action catalogue, and every reference between steps
 * resolved, so that anything a runbook author got wrong is one error at load time
 * (with file, line and field), never a surprise in the middle of an incident.
 */
import type { CompiledQuery } from '../query/engine.js';
import type { CellValue, EngineName } from '../model/query.js';
import {
  compileQuery,
  isRawQuery,
  normalizePortableQuery,
  outputColumns,
  queryNeedles,
  resolveField,
  unionOfNeedles,
  normalizeRawQuery,
  queryReferences,
  QueryDefinitionError,
  type CompileSettings,
  type Condition,
  type PortableQuery,
  type RawQuery,
} from '../query/index.js';
import { CelCompileError, compileChecks, type CompiledCheck, type CompiledStepExpressions } from '../runbook/cel.js';
import type { CelExpression, CelTemplate } from '../runbook/cel.js';
import { RunbookError, formatPath, type RunbookIssue } from '../runbook/errors.js';
import { WINDOW_PARAMS, type RemediateSpec, type Runbook, type StepSpec } from '../runbook/schema.js';
import { checkRemediateSpec } from '../remediation/index.js';
import { compileVerifyAccess, type CompiledVerifyAccess } from '../verify/index.js';
import { windowOf } from './window.js';
import type { RunContext, StepResult } from '../model/run.js';

export type StepKind = StepResult['kind'];

export interface PreparedStep {
  spec: StepSpec;
  index: number;
  kind: StepKind;
  title: string;
  query?: PortableQuery | RawQuery;
  when?: CelExpression;
  checks?: CompiledCheck[];
  remediate?: RemediateSpec;
  inputs?: Record<string, CelExpression>;
  /** A remediation's `where` over its for_each rows. */
  remediateWhere?: CelExpression;
  verifyAccess?: CompiledVerifyAccess;
  note?: CelTemplate;
}

export interface PreparedRunbook {
  runbook: Runbook;
  file?: string;
  steps: PreparedStep[];
}

/** Throws RunbookError listing every problem found (paths like `steps[2].query.where.eventNam`). */
export function prepareRunbook(runbook: Runbook, file = `${runbook.id}.yaml`): PreparedRunbook {
  const { prepared, issues } = inspectRunbook(runbook, file);
  if (issues.length > 0) throw new RunbookError(issues);
  return prepared;
}

/**
 * The same checks, returning every problem with what could be prepared (a step with a problem
 * is there, without the part that has it): `ctrb validate` goes on to compile the queries that
 * are fine, so one pass reports everything.
 */
export function inspectRunbook(runbook: Runbook, file = `${runbook.id}.yaml`): { prepared: PreparedRunbook; issues: RunbookIssue[] } {
  const issues: RunbookIssue[] = [];
  const issue = (path: string, message: string): void => void issues.push({ file, path, message });

  let expressions = new Map<string, CompiledStepExpressions>();
  try {
    expressions = compileChecks(runbook).steps;
  } catch (e) {
    if (!(e instanceof CelCompileError)) throw e;
    for (const p of e.problems) issue(p.field, `${p.message} (in ${p.expression})`);
  }

  const seen = new Map<string, StepKind>();
  const steps: PreparedStep[] = runbook.steps.map((spec, index) => {
    const at = `steps[${index}]`;
    if (seen.has(spec.id)) issue(`${at}.id`, `step id "${spec.id}" is used twice`);
    const compiled = expressions.get(spec.id) ?? {};
    const step: PreparedStep = {
      spec,
      index,
      kind: 'note',
      title: spec.title ?? spec.id,
      ...(compiled.when ? { when: compiled.when } : {}),
    };
    const earlierQuery = (ref: string, path: string): void => {
      if (seen.get(ref) !== 'query') issue(path, `"${ref}" is not an earlier query step of this runbook`);
    };
    if ('query' in spec || 'raw' in spec) {
      step.kind = 'query';
      const key = 'query' in spec ? 'query' : 'raw';
      try {
        step.query = 'query' in spec ? normalizePortableQuery(spec.query) : normalizeRawQuery(spec.raw);
        const refs = queryReferences(step.query);
        for (const name of refs.params) {
          if (!Object.hasOwn(runbook.params, name) && !Object.hasOwn(WINDOW_PARAMS, name)) {
            issue(`${at}.${key}`, `$${name} is not a parameter of this runbook`);
          }
        }
        for (const ref of refs.steps) earlierQuery(ref.step, `${at}.${key}`);
      } catch (e) {
        if (!(e instanceof QueryDefinitionError)) throw e;
        issue(`${at}.${key}${e.path ? `.${e.path}` : ''}`, e.reason);
      }
    } else if ('check' in spec) {
      step.kind = 'check';
      step.checks = compiled.checks ?? [];
      spec.check.forEach((c, i) => {
        if (c.for_each) earlierQuery(c.for_each, `${at}.check[${i}].for_each`);
        if (c.evidence) earlierQuery(c.evidence, `${at}.check[${i}].evidence`);
      });
    } else if ('remediate' in spec) {
      step.kind = 'remediate';
      step.remediate = spec.remediate;
      step.inputs = compiled.inputs ?? {};
      if (compiled.remediateWhere) step.remediateWhere = compiled.remediateWhere;
      for (const problem of checkRemediateSpec(spec.remediate)) issue(`${at}.remediate`, problem);
      if (spec.remediate.for_each) earlierQuery(spec.remediate.for_each, `${at}.remediate.for_each`);
    } else if ('verify_access' in spec) {
      step.kind = 'verify_access';
      try {
        step.verifyAccess = compileVerifyAccess(spec.verify_access, { runbook: runbook.id, stepId: spec.id, field: `${at}.verify_access` });
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        for (const p of e.problems) issue(p.field, `${p.message} (in ${p.expression})`);
      }
      earlierQuery(spec.verify_access.for_each, `${at}.verify_access.for_each`);
    } else {
      step.note = compiled.note;
    }
    seen.set(spec.id, step.kind);
    return step;
  });

  return { prepared: { runbook, file, steps }, issues };
}

/** Compile a query step for an engine, with the values of the run and of earlier steps. */
export function compileStepQuery(
  step: PreparedStep,
  engine: EngineName,
  ctx: Pick<RunContext, 'params' | 'window'>,
  finished: ReadonlyMap<string, StepResult> | undefined,
  settings: CompileSettings = {},
  now?: Date,
): CompiledQuery {
  if (!step.query) throw new Error(`step ${step.spec.id} is not a query step`);
  return compileQuery(step.query, engine, {
    params: ctx.params,
    window: windowOf(ctx),
    ...settings,
    ...(now ? { now } : {}),
    ...(finished ? { stepValues: (stepId: string, column: string) => columnValues(finished, stepId, column) } : {}),
  });
}

/** Distinct non-null values of an earlier step's column (list cells contribute each element). */
function columnValues(finished: ReadonlyMap<string, StepResult>, stepId: string, column: string): CellValue[] | undefined {
  const q = finished.get(stepId)?.query;
  if (!q || !q.columns.includes(column)) return undefined;
  const values = new Set<string>();
  for (const row of q.rows) {
    const v = row[column];
    if (v === null || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) values.add(String(item));
  }
  return [...values];
}

export { formatPath };

/**
 * The CloudTrail fields a runbook's query steps read (in where, select, group and order), plus
 * eventTime (every query's window) and eventID (the events every row and group cites): what an
 * engine that loads events itself needs to load (EngineHooks.columns). A column (`eventName`,
 * `requestParameters` for any of its JSON sub-fields), or a struct's field
 * (`userIdentity.arn`). Undefined when a step is raw SQL, which may read any field.
 */
export function columnsRead(prepared: PreparedRunbook): Set<string> | undefined {
  const columns = new Set(['eventTime', 'eventID']);
  for (const step of prepared.steps) {
    if (!step.query) continue;
    if (isRawQuery(step.query)) return undefined;
    for (const path of fieldPaths(step.query)) {
      const field = resolveField(path);
      columns.add(field.kind === 'struct' ? [field.column, ...field.path].join('.') : field.column);
    }
  }
  return columns;
}

/**
 * The needles of a runbook's query steps (query/needles.ts) with the run's parameters: every
 * event any of its queries can match holds one of them. Undefined when some query can match
 * any event.
 */
export function needlesRead(prepared: PreparedRunbook, params: RunContext['params']): string[] | undefined {
  const each = prepared.steps.filter((s) => s.query).map((s) => queryNeedles(s.query!, { params }));
  return unionOfNeedles(each) ?? undefined;
}

function* fieldPaths(query: PortableQuery): Generator<string> {
  yield* conditionFields(query.where);
  for (const item of query.select) yield item.field;
  for (const item of query.group?.by ?? []) yield item.field;
  for (const aggregate of query.group?.aggregates ?? []) if (aggregate.field) yield aggregate.field;
  const outputs = new Set(outputColumns(query));
  for (const order of query.order) if (!outputs.has(order.key)) yield order.key;
}

function* conditionFields(condition: Condition): Generator<string> {
  switch (condition.kind) {
    case 'all':
    case 'any':
      for (const item of condition.items) yield* conditionFields(item);
      return;
    case 'not':
      yield* conditionFields(condition.item);
      return;
    case 'compare':
    case 'exists':
      yield condition.field;
  }
}
