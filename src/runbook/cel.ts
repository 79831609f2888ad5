/**
 * CEL in runbooks: every expression of a runbook compiled once up front (so a typo is a
 * load-time error with its location, not a 3 a.m. surprise), and the evaluation of step
 * conditions, checks and note templates against the results of earlier steps.
 *
 * Variables: `params` (resolved parameters), `steps` (`steps.<id>.rows`, `.count`,
 * `.findings`, `.status` for each finished step), `window` (`start`, `end` as ISO text),
 * and `row` in checks and remediations with `for_each`.
 */
import type { CelInput } from '@bufbuild/cel';
import type { Row } from '../model/query.js';
import type { Finding, ResolvedParams, StepResult } from '../model/run.js';
import { paramsToCel, rowToCel, stepsToCel } from './cel-env.js';
import {
  CelCompileError,
  CelEvaluationError,
  CelExpression,
  CelTemplate,
  type CelCompileProblem,
  type ExpressionLocation,
  type TemplatePart,
} from './cel-expression.js';
import type { CheckSpec, Runbook } from './schema.js';

export { CelCompileError, CelEvaluationError, CelExpression, CelTemplate };
export type { CelCompileProblem, ExpressionLocation };

/** The run-wide variables, converted to CEL once per step rather than once per row. */
export interface CelVariables {
  params: Record<string, CelInput>;
  steps: Record<string, CelInput>;
  window: { start: string; end: string };
}

type WindowInput = { start: Date | string; end: Date | string };
type FinishedSteps = ReadonlyMap<string, StepResult> | Iterable<StepResult>;

/** The variables for expressions evaluated after `finished` steps. */
export function celVariables(
  run: { params: ResolvedParams; window: WindowInput },
  finished: FinishedSteps,
): CelVariables {
  const results = finished instanceof Map ? finished.values() : (finished as Iterable<StepResult>);
  const iso = (t: Date | string) => (typeof t === 'string' ? t : t.toISOString());
  return {
    params: paramsToCel(run.params),
    steps: stepsToCel(results),
    window: { start: iso(run.window.start), end: iso(run.window.end) },
  };
}

export interface CompiledCheck {
  /** `Finding.check`: the check's `id`, or `<stepId>#<index>`. */
  id: string;
  stepId: string;
  spec: CheckSpec;
  when: CelExpression;
  message: CelTemplate;
}

export interface CompiledStepExpressions {
  when?: CelExpression;
  checks?: CompiledCheck[];
  note?: CelTemplate;
  /** Remediation input name → expression. */
  inputs?: Record<string, CelExpression>;
  /** A remediation's `where`: which of the for_each rows are targets. */
  remediateWhere?: CelExpression;
}

export interface CompiledRunbookExpressions {
  runbookId: string;
  /** Step id → its compiled expressions. */
  steps: Map<string, CompiledStepExpressions>;
}

type ExpressionRunbook = Pick<Runbook, 'id' | 'steps'>;

/**
 * Compiles every CEL string of the runbook: step `when`s, check `when`s and messages, note
 * text and remediation inputs. Throws one `CelCompileError` listing every problem.
 */
export function compileChecks(runbook: ExpressionRunbook): CompiledRunbookExpressions {
  const problems: CelCompileProblem[] = [];
  const attempt = <T>(compile: () => T): T | undefined => {
    try {
      return compile();
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };

  const steps = new Map<string, CompiledStepExpressions>();
  runbook.steps.forEach((step, index) => {
    const at = (field: string): ExpressionLocation => ({ runbook: runbook.id, stepId: step.id, field: `steps[${index}].${field}` });
    const compiled: CompiledStepExpressions = {};
    if (step.when !== undefined) {
      compiled.when = attempt(() => CelExpression.compile(step.when!, at('when'), { row: false }));
    }
    if ('check' in step) {
      const checks = step.check.map((spec, i) => attempt(() => compileCheck(spec, i, step.id, at(`check[${i}]`))));
      compiled.checks = checks.filter((c): c is CompiledCheck => c !== undefined);
    }
    if ('note' in step) {
      compiled.note = attempt(() => CelTemplate.compile(step.note, at('note'), { row: false }));
    }
    if ('remediate' in step) {
      const row = step.remediate.for_each !== undefined;
      const inputs: Record<string, CelExpression> = {};
      for (const [name, source] of Object.entries(step.remediate.inputs)) {
        const expression = attempt(() => CelExpression.compile(source, at(`remediate.inputs.${name}`), { row }));
        if (expression) inputs[name] = expression;
      }
      compiled.inputs = inputs;
      if (step.remediate.where !== undefined) {
        compiled.remediateWhere = attempt(() => CelExpression.compile(step.remediate.where!, at('remediate.where'), { row: true }));
      }
    }
    steps.set(step.id, compiled);
  });

  if (problems.length > 0) throw new CelCompileError(problems);
  return { runbookId: runbook.id, steps };
}

/** One check of a check step; `location.field` is the check's path, e.g. `steps[3].check[0]`. */
export function compileCheck(spec: CheckSpec, index: number, stepId: string, location: ExpressionLocation): CompiledCheck {
  const row = spec.for_each !== undefined;
  const problems: CelCompileProblem[] = [];
  const at = (field: string) => ({ ...location, field: `${location.field}.${field}` });
  let when: CelExpression | undefined;
  let message: CelTemplate | undefined;
  try {
    when = CelExpression.compile(spec.when, at('when'), { row });
  } catch (e) {
    problems.push(...(e as CelCompileError).problems);
  }
  try {
    message = CelTemplate.compile(spec.message, at('message'), { row });
  } catch (e) {
    problems.push(...(e as CelCompileError).problems);
  }
  if (!when || !message) throw new CelCompileError(problems);
  return { id: spec.id ?? `${stepId}#${index}`, stepId, spec, when, message };
}

/** A check that could not be evaluated on some data: shown to the responder, never dropped. */
export class CheckError {
  constructor(
    readonly check: string,
    readonly stepId: string,
    readonly message: string,
    /** Indexes of the `for_each` rows that failed this way; empty for a check run once. */
    readonly rows: number[] = [],
  ) {}

  toString(): string {
    const where = this.rows.length > 0 ? ` (rows ${summarizeIndexes(this.rows)})` : '';
    return `check ${this.check}${where}: ${this.message}`;
  }
}

export interface CheckOutcome {
  findings: Finding[];
  errors: CheckError[];
}

/**
 * Evaluates a check step's checks. A `for_each` check runs once per row of that step and
 * raises one finding per matching row; any other check runs once. Errors on some rows do
 * not stop the other rows: they are collected, one per distinct error, with the rows.
 */
export function evaluateChecks(
  checks: ReadonlyArray<CompiledCheck | CheckSpec>,
  stepId: string,
  vars: CelVariables,
  rowsOf: (stepId: string) => readonly Row[] | undefined,
  /** What a finding raised on a row also carries from it (its time, the values it names). */
  describeRow?: (row: Row) => Pick<Finding, 'at' | 'subjects'>,
): CheckOutcome {
  const findings: Finding[] = [];
  const errors = new Map<string, CheckError>();
  const fail = (check: CompiledCheck, message: string, row?: number) => {
    const key = `${check.id}\u0000${message}`;
    const existing = errors.get(key) ?? new CheckError(check.id, stepId, message);
    if (row !== undefined) existing.rows.push(row);
    errors.set(key, existing);
  };

  checks.forEach((given, index) => {
    const check = isCompiled(given) ? given : compileCheck(given, index, stepId, adHocLocation(stepId, index));
    const raise = (bindings: Record<string, CelInput>, eventIDs: string[], row?: number, source?: Row) => {
      let matched: boolean;
      try {
        matched = check.when.test(bindings);
      } catch (e) {
        fail(check, evaluationMessage(e), row);
        return;
      }
      if (!matched) return;
      // The condition held: the finding is raised even if its message cannot be fully
      // rendered, because losing a security signal is worse than an unfinished sentence.
      const rendered = check.message.renderTolerant(bindings);
      for (const error of rendered.errors) fail(check, evaluationMessage(error), row);
      const described = source && describeRow ? describeRow(source) : {};
      findings.push({ check: check.id, severity: check.spec.severity, message: rendered.text, eventIDs, stepId, ...described });
    };

    if (check.spec.for_each !== undefined) {
      // A step skipped by its `when` has no rows to go through; one that never ran is an error.
      const rows = rowsOf(check.spec.for_each) ?? (Object.hasOwn(vars.steps, check.spec.for_each) ? [] : undefined);
      if (rows === undefined) {
        fail(check, `for_each: step ${check.spec.for_each} has no rows (it has not run, failed, or is not a query)`);
        return;
      }
      rows.forEach((row, i) => raise({ ...vars, row: rowToCel(row) }, eventIDsOf([row]), i, row));
      return;
    }
    const evidence = check.spec.evidence === undefined ? [] : (rowsOf(check.spec.evidence) ?? []);
    raise({ ...vars }, eventIDsOf(evidence));
  });

  return { findings, errors: [...errors.values()] };
}

/** A step's `when`: true to run the step. Throws a `CelEvaluationError` on bad data. */
export function evaluateWhen(expression: string | CelExpression, vars: CelVariables): boolean {
  const compiled =
    typeof expression === 'string' ? CelExpression.compile(expression, adHocLocation('', 0, 'when'), { row: false }) : expression;
  return compiled.test({ ...vars });
}

/** Note text (or any text) with its `{{ expr }}` interpolations evaluated. */
export function renderTemplate(text: string | CelTemplate, vars: CelVariables): string {
  return renderTemplateParts(text, vars)
    .map((p) => p.text)
    .join('');
}

/** The same, in parts: the author's text and the interpolated values, told apart. */
export function renderTemplateParts(text: string | CelTemplate, vars: CelVariables): TemplatePart[] {
  const template = typeof text === 'string' ? CelTemplate.compile(text, adHocLocation('', 0, 'note'), { row: false }) : text;
  return template.renderParts({ ...vars });
}

function isCompiled(check: CompiledCheck | CheckSpec): check is CompiledCheck {
  return check.when instanceof CelExpression;
}

/** Where an expression given as text (not compiled with its runbook) is said to be. */
function adHocLocation(stepId: string, index: number, field = `check[${index}]`): ExpressionLocation {
  return { runbook: '', stepId, field };
}

function evaluationMessage(error: unknown): string {
  return error instanceof CelEvaluationError ? `${error.location.field}: ${error.reason}` : String(error);
}

/** The CloudTrail event ids behind rows: an `eventID` column, or an `eventIDs` list. */
function eventIDsOf(rows: readonly Row[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) {
    const one = row.eventID;
    if (typeof one === 'string' && one !== '') ids.add(one);
    const many = row.eventIDs;
    if (Array.isArray(many)) for (const id of many) ids.add(id);
    else if (typeof many === 'string' && many !== '') for (const id of many.split(',')) ids.add(id.trim());
  }
  return [...ids];
}

/** `[0, 1, 2, 5]` → `1-3, 6`: row numbers as a person counts them. */
function summarizeIndexes(indexes: readonly number[]): string {
  const ranges: string[] = [];
  let start = indexes[0]!;
  let previous = start;
  for (const i of [...indexes.slice(1), Number.NaN]) {
    if (i === previous + 1) {
      previous = i;
      continue;
    }
    ranges.push(start === previous ? `${start + 1}` : `${start + 1}-${previous + 1}`);
    start = i;
    previous = i;
  }
  return ranges.join(', ');
}
