/**
 * Reading a runbook file for `ctrb validate`, so that one pass reports every problem of a file.
 *
 * zod stops at the first layer: a file with a schema error has no Runbook, so its CEL, its
 * query fields and its queries would go unchecked until that error is fixed, and the author
 * would find the problems one round at a time. Here, what the schema accepted is kept: every
 * top-level field, parameter and step that is valid on its own (a step with only unknown or
 * malformed descriptive fields is kept without them), with a stand-in wherever it is not, so
 * the rest can be prepared and compiled as usual. The CEL of a step the schema refused is
 * compiled on its own. The stand-ins' own problems are the schema's, reported once.
 */
import { basename, extname } from 'node:path';
import { portableQuerySchema } from '../query/definition.js';
import { CelCompileError, CelExpression, CelTemplate, type CelCompileProblem } from './cel.js';
import { explainIssue, formatPath, readRunbookYaml, schemaIssues, type RunbookIssue } from './load.js';
import { nameSchema, paramSchema, runbookSchema, runbookWideProblems, stepSchema, type ParamSpec, type Runbook, type StepSpec } from './schema.js';

export interface RunbookForValidation {
  /** The problems found so far: YAML syntax, the schema, checks across the runbook, CEL of refused steps. */
  issues: RunbookIssue[];
  /** What the schema accepted, with stand-ins where it did not; absent when there is no YAML mapping to read. */
  runbook?: Runbook;
  /** Indexes of the steps the schema refused: stand-ins, not to be checked again. */
  standInSteps: ReadonlySet<number>;
  /** Parameters the schema refused: stand-ins (a plain string), so references to them still resolve. */
  standInParams: ReadonlySet<string>;
}

/** Fields a step is whole without: when only these are wrong, the step is checked without them. */
const DESCRIPTIVE_FIELDS = new Set(['title', 'description']);

/** Required top-level fields, when the file's own value is refused. */
const STAND_INS: Record<string, unknown> = { title: 'untitled', summary: 'untitled', severity: 'info' };

const STAND_IN_PARAM: ParamSpec = paramSchema.parse({ type: 'string' });

export function readRunbookForValidation(text: string, file: string): RunbookForValidation {
  const none = { standInSteps: new Set<number>(), standInParams: new Set<string>() };
  const read = readRunbookYaml(text, file);
  if (!read.document) return { issues: read.issues, ...none };
  const document = read.document;
  const stem = basename(file, extname(file));

  const whole = runbookSchema.safeParse(document.value);
  if (whole.success) return { issues: idProblems(whole.data.id, stem, file), runbook: whole.data, ...none };

  const issues = schemaIssues(whole.error.issues, document, file);
  const raw = document.value;
  if (!isRecord(raw)) return { issues, ...none };

  const salvaged = salvage(raw, stem);
  const issue = (path: string, message: string): RunbookIssue => ({ file, path, message });
  // zod skips the checks across the runbook once a field fails: run them on what was accepted.
  for (const problem of runbookWideProblems(salvaged.runbook)) {
    const path = formatPath(problem.path);
    if (!onStandIn(path, salvaged.standInSteps)) issues.push(issue(path, problem.message));
  }
  for (const index of salvaged.standInSteps) {
    for (const p of expressionProblems(raw.steps instanceof Array ? raw.steps[index] : undefined, index, salvaged.runbook.id)) {
      issues.push(issue(p.field, `${p.message} (in ${p.expression})`));
    }
  }
  if (nameSchema.safeParse(raw.id).success) issues.push(...idProblems(salvaged.runbook.id, stem, file));
  return { issues: withoutRepeats(issues), runbook: salvaged.runbook, standInSteps: salvaged.standInSteps, standInParams: salvaged.standInParams };
}

/** True for a path inside a stand-in step (`steps[3]…`), whose problems the schema reported. */
export function onStandIn(path: string, standInSteps: ReadonlySet<number>): boolean {
  const m = /^steps\[(\d+)\]/.exec(path);
  return m !== null && standInSteps.has(Number(m[1]));
}

export function withoutRepeats(issues: RunbookIssue[]): RunbookIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function idProblems(id: string, stem: string, file: string): RunbookIssue[] {
  return id === stem ? [] : [{ file, path: 'id', message: `id "${id}" must match the file name "${stem}"` }];
}

interface Salvaged {
  runbook: Runbook;
  standInSteps: Set<number>;
  standInParams: Set<string>;
}

function salvage(raw: Record<string, unknown>, stem: string): Salvaged {
  const shape = runbookSchema.shape as unknown as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
  const fields: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    if (key === 'params' || key === 'steps') continue;
    const given = schema.safeParse(raw[key]);
    if (given.success) {
      if (given.data !== undefined) fields[key] = given.data;
      continue;
    }
    const fallback = schema.safeParse(undefined);
    fields[key] = fallback.success ? fallback.data : key === 'id' ? stem : STAND_INS[key];
  }

  const standInParams = new Set<string>();
  const params: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(isRecord(raw.params) ? raw.params : {})) {
    const parsed = paramSchema.safeParse(spec);
    if (parsed.success && nameSchema.safeParse(name).success) {
      params[name] = parsed.data;
    } else {
      params[name] = STAND_IN_PARAM;
      standInParams.add(name);
    }
  }

  const standInSteps = new Set<number>();
  const steps: StepSpec[] = (Array.isArray(raw.steps) ? raw.steps : []).map((given: unknown, index) => {
    const accepted = acceptedStep(given);
    if (accepted) return accepted;
    standInSteps.add(index);
    return standInStep(given, index);
  });

  return { runbook: { ...fields, params, steps } as Runbook, standInSteps, standInParams };
}

/** The step as the schema reads it, or without its unknown and malformed descriptive fields. */
function acceptedStep(given: unknown): StepSpec | undefined {
  const first = stepSchema.safeParse(given);
  if (first.success) return first.data;
  if (!isRecord(given)) return undefined;
  const trimmed = structuredClone(given);
  const at = (path: readonly PropertyKey[]): unknown => path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined), trimmed);
  for (const issue of first.error.issues.flatMap((i) => explainIssue(i, [], given))) {
    const holder = at(issue.path);
    if (issue.code === 'unrecognized_keys' && isRecord(holder)) {
      for (const key of issue.keys) delete holder[key];
    } else if (issue.path.length === 1 && DESCRIPTIVE_FIELDS.has(String(issue.path[0]))) {
      delete trimmed[String(issue.path[0])];
    } else {
      return undefined;
    }
  }
  const second = stepSchema.safeParse(trimmed);
  return second.success ? second.data : undefined;
}

/**
 * Keeps a refused step's place, its id and whether it is a query (what later steps refer to),
 * so the steps after it are checked as they stand.
 */
function standInStep(given: unknown, index: number): StepSpec {
  const record = isRecord(given) ? given : {};
  const id = nameSchema.safeParse(record.id).success ? (record.id as string) : `step-${index + 1}`;
  if ('query' in record || 'raw' in record) return { id, query: portableQuerySchema.parse({}) };
  return { id, note: 'stand-in' };
}

/** The CEL of a step the schema refused, compiled where it is text, with each problem's field. */
function expressionProblems(given: unknown, index: number, runbookId: string): CelCompileProblem[] {
  if (!isRecord(given)) return [];
  const stepId = typeof given.id === 'string' ? given.id : `step-${index + 1}`;
  const problems: CelCompileProblem[] = [];
  const compile = (source: unknown, field: string, row: boolean, template = false): void => {
    if (typeof source !== 'string') return;
    const location = { runbook: runbookId, stepId, field: `steps[${index}].${field}` };
    try {
      if (template) CelTemplate.compile(source, location, { row });
      else CelExpression.compile(source, location, { row });
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      problems.push(...e.problems);
    }
  };
  compile(given.when, 'when', false);
  compile(given.note, 'note', false, true);
  if (Array.isArray(given.check)) {
    given.check.forEach((check: unknown, i) => {
      if (!isRecord(check)) return;
      const row = check.for_each !== undefined;
      compile(check.when, `check[${i}].when`, row);
      compile(check.message, `check[${i}].message`, row, true);
    });
  }
  if (isRecord(given.remediate)) {
    const r = given.remediate;
    for (const [name, source] of Object.entries(isRecord(r.inputs) ? r.inputs : {})) compile(source, `remediate.inputs.${name}`, r.for_each !== undefined);
    compile(r.where, 'remediate.where', true);
  }
  if (isRecord(given.verify_access)) {
    const v = given.verify_access;
    for (const field of ['principal', 'issuer', 'action', 'resource']) compile(v[field], `verify_access.${field}`, true);
    for (const [key, source] of Object.entries(isRecord(v.context) ? v.context : {})) compile(source, `verify_access.context.${key}`, true);
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
