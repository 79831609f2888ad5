/**
 * The step runner: walks a prepared runbook's steps in order, one engine session per run,
 * storing each step's result before reporting it.
 *
 * Gates: a remediation step produces a plan. With `gates: 'plan'` (the terminal) the plan is
 * recorded and the run goes on; nothing is executed. With `gates: 'pause'` (the workers)
 * the run stops at the gate with status `waiting_approval`; an approval resumes it later.
 *
 * A query step the deployment's engines cannot answer as written (LookupEvents and data
 * events) is skipped, not failed, and so are the steps that read its rows (engine-skips.ts).
 */
import { measure } from '../log/measure.js';
import type { EngineHooks, EngineSession, QueryEngine } from '../query/engine.js';
import type { EngineName, Row, TimeWindow } from '../model/query.js';
import type { CompileSettings, PortableQuery, RawQuery } from '../query/index.js';
import { columnsRead, compileStepQuery, needlesRead, type PreparedRunbook, type PreparedStep } from './prepare.js';
import { windowOf } from './window.js';
import { dependentSkip, engineSkip, skippedSource, uncheckedChecks } from './engine-skips.js';
import { MemoryRunStore, type RunStore } from './store.js';
import type { Finding, RunContext, RunResult, RunStatus, StepResult } from '../model/run.js';
import type { Reporter } from './reporter.js';
import { celVariables, evaluateChecks, evaluateWhen, renderTemplateParts } from '../runbook/cel.js';
import { planRemediation, type ProtectedPrincipals, type RunAccount } from '../remediation/index.js';
import { runVerifyAccess, type AccessSimulator } from '../verify/index.js';
import { pivotsFor, rowTime, subjectsOfRow, subjectsOfRows, type PivotTargets } from '../runbook/pivots.js';
import type { Runbook } from '../runbook/schema.js';
import { SEVERITIES } from '../model/severity.js';

export interface RunnerOptions {
  engine: QueryEngine;
  /**
   * The engine for one query step, when a deployment's steps may need different engines
   * (src/query/engines: DeploymentEngines.forStep). Throwing refuses the step. Default: `engine`.
   */
  engineFor?: (query: PortableQuery | RawQuery, window: TimeWindow) => QueryEngine;
  settings?: CompileSettings;
  reporter: Reporter;
  store?: RunStore;
  gates: 'plan' | 'pause';
  signal?: AbortSignal;
  /** IAM access for verify_access steps; without it they list the calls they would make. */
  access?: AccessSimulator;
  /** Principals remediation plans must not name (refused at planning, again at execution). */
  protectedPrincipals?: ProtectedPrincipals;
  /** The alarm's account, for a run an alarm started: remediations act there (src/remediation/account.ts). */
  alarmAccountId?: string;
  /**
   * Why this deployment cannot remediate in an account (undefined: none known), or undefined
   * when it can: the worker's remediation roles. Refuses the plan before anyone approves it.
   */
  remediationAccountProblem?: (accountId: string | undefined) => string | undefined;
  /** The library's runbooks by the kind of value they accept: a step's rows and findings offer them (pivots). */
  pivotTargets?: PivotTargets;
}

export async function runRunbook(prepared: PreparedRunbook, ctx: RunContext, opts: RunnerOptions): Promise<RunResult> {
  const store = opts.store ?? new MemoryRunStore();
  const finished = new Map((await store.loadSteps(ctx.runId)).map((r) => [r.stepId, r]));
  const warnings: string[] = [];
  const hooks: EngineHooks = {
    onProgress: (p) => opts.reporter.progress?.(p),
    onWarning: (w) => {
      warnings.push(w);
      opts.reporter.warning?.(w);
    },
    onEmptyWindow: (empty) => opts.reporter.emptyWindow?.(ctx, empty),
    signal: opts.signal,
  };
  // Known before anything is loaded, so the embedded engine loads only the fields the steps read.
  const columns = columnsRead(prepared);
  if (columns) hooks.columns = columns;
  // And which events its queries can match at all: the engine may leave the others unparsed.
  const needles = needlesRead(prepared, ctx.params);
  if (needles) hooks.needles = needles;
  // One session per engine a step of the run uses, opened when the first such step runs.
  const sessions = new Map<EngineName, Promise<EngineSession>>();
  const openSession = (engine: QueryEngine): Promise<EngineSession> => {
    let session = sessions.get(engine.name);
    if (!session) sessions.set(engine.name, (session = engine.open(windowOf(ctx), hooks)));
    return session;
  };

  if (finished.size === 0) await opts.reporter.runStarted(ctx);
  let status: RunStatus = 'completed';
  try {
    for (const step of prepared.steps) {
      const done = finished.get(step.spec.id);
      if (done && done.status !== 'gated') continue;
      if (done && opts.gates === 'plan') continue;
      if (done) {
        // Waiting for a decision on this gate: nothing after it may run yet.
        status = 'waiting_approval';
        break;
      }
      opts.signal?.throwIfAborted();
      const result = withPivots(await runStep(step, ctx, finished, openSession, opts, prepared.runbook.columns), prepared.runbook, ctx, opts.pivotTargets);
      await store.saveStep(ctx.runId, result);
      measure.stepFinished(
        { engine: result.query?.engine ?? 'none', kind: result.kind, status: result.status },
        Math.max(0, Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000,
      );
      finished.set(result.stepId, result);
      await opts.reporter.stepFinished(ctx, result);
      if (result.status === 'failed') {
        status = 'failed';
        break;
      }
      if (result.status === 'gated' && opts.gates === 'pause') {
        status = 'waiting_approval';
        break;
      }
    }
  } finally {
    for (const session of sessions.values()) await session.then((s) => s.close(), () => undefined);
  }

  const steps = prepared.steps.map((s) => finished.get(s.spec.id)).filter((r): r is StepResult => !!r);
  const findings: Finding[] = steps.flatMap((s) => s.findings ?? []);
  const result: RunResult = { context: ctx, status, steps, findings, warnings };
  await opts.reporter.runFinished(result);
  return result;
}

async function runStep(
  step: PreparedStep,
  ctx: RunContext,
  finished: Map<string, StepResult>,
  openSession: (engine: QueryEngine) => Promise<EngineSession>,
  opts: RunnerOptions,
  columns: Runbook['columns'] = {},
): Promise<StepResult> {
  const startedAt = new Date().toISOString();
  const base = { stepId: step.spec.id, title: step.title, kind: step.kind, startedAt };
  const done = (fields: Partial<StepResult> & Pick<StepResult, 'status'>): StepResult => ({
    ...base,
    finishedAt: new Date().toISOString(),
    ...fields,
  });
  try {
    // Before its condition: `steps.x.count > 0` is false for a step that could not look, which is not "nothing found".
    const source = skippedSource(step, finished);
    if (source) return done({ status: 'skipped', ...dependentSkip(source) });
    const vars = celVariables(ctx, finished);
    if (step.when && !evaluateWhen(step.when, vars)) {
      return done({ status: 'skipped', reason: `condition not met: ${step.spec.when}` });
    }
    switch (step.kind) {
      case 'query': {
        const engine = opts.engineFor?.(step.query!, windowOf(ctx)) ?? opts.engine;
        const compiled = compileStepQuery(step, engine.name, ctx, finished, opts.settings);
        const session = await openSession(engine);
        const out = await session.run(compiled, opts.signal);
        return done({
          status: 'ok',
          query: {
            engine: compiled.engine,
            statement: compiled.text,
            params: compiled.params,
            columns: out.columns,
            rows: out.rows,
            stats: out.stats,
          },
        });
      }
      case 'check': {
        const unchecked = uncheckedChecks(step, finished);
        if (unchecked.all) return done({ status: 'skipped', reason: unchecked.warnings.join('; '), needsEngine: unchecked.needsEngine });
        const evaluation = evaluateChecks(step.checks!, step.spec.id, vars, rowsOf(finished), (row) => describeRow(columns, row));
        // A check that cannot be evaluated on some rows must be visible, but it must not
        // hide the findings the other checks raised, nor stop the steps after it.
        const warnings = [...unchecked.warnings, ...evaluation.errors.map((e) => e.toString())];
        return done({ status: 'ok', findings: evaluation.findings, ...(warnings.length ? { warnings } : {}) });
      }
      case 'remediate': {
        const spec = step.remediate!;
        const rows = spec.for_each ? (rowsOf(finished)(spec.for_each) ?? []) : [];
        const account = runAccount(ctx, opts);
        const plan = planRemediation(spec, rows, vars, {
          compiledInputs: step.inputs,
          ...(step.remediateWhere ? { compiledWhere: step.remediateWhere } : {}),
          runbookId: ctx.runbookId,
          stepId: step.spec.id,
          ...(opts.protectedPrincipals ? { protectedPrincipals: opts.protectedPrincipals } : {}),
          ...(account ? { runAccount: account } : {}),
          ...(opts.remediationAccountProblem ? { accountProblem: opts.remediationAccountProblem } : {}),
        });
        if (plan.targets.length === 0) return done({ status: 'skipped', reason: plan.summary, plan });
        return done({ status: 'gated', plan });
      }
      case 'verify_access': {
        const compiled = step.verifyAccess!;
        const rows = rowsOf(finished)(compiled.spec.for_each) ?? [];
        return done(await runVerifyAccess(compiled, rows, vars, opts.access, opts.signal));
      }
      case 'note': {
        // The parts are kept so Slack shows the author's markup and escapes the values from logs.
        const noteParts = step.note ? renderTemplateParts(step.note, vars) : [];
        return done({ status: 'ok', note: noteParts.map((p) => p.text).join(''), noteParts });
      }
    }
  } catch (e) {
    const skip = engineSkip(e);
    if (skip) return done({ status: 'skipped', ...skip });
    const error = e instanceof Error ? e : new Error(String(e));
    return done({ status: 'failed', reason: error.message, errorName: error.name });
  }
}

/** The account the run itself is about: the alarm's, else a single `account` parameter. */
function runAccount(ctx: RunContext, opts: Pick<RunnerOptions, 'alarmAccountId'>): RunAccount | undefined {
  if (opts.alarmAccountId) return { id: opts.alarmAccountId, from: 'alarm' };
  const account = ctx.params.account;
  return typeof account === 'string' && /^\d{12}$/.test(account) ? { id: account, from: 'parameter' } : undefined;
}

function rowsOf(finished: Map<string, StepResult>): (stepId: string) => Row[] | undefined {
  return (stepId) => finished.get(stepId)?.query?.rows;
}

/** A finding raised on a row keeps the row's time and the values it names. */
function describeRow(columns: Runbook['columns'], row: Row): Pick<Finding, 'at' | 'subjects'> {
  const at = rowTime(row);
  const subjects = subjectsOfRow(columns, row);
  return { ...(at ? { at } : {}), ...(subjects.length ? { subjects } : {}) };
}

/** The runbooks a step's findings (worst first) or rows offer next, when the run knows the library. */
function withPivots(result: StepResult, runbook: Runbook, ctx: RunContext, targets: PivotTargets | undefined): StepResult {
  if (!targets || result.status !== 'ok') return result;
  const subjects = result.findings
    ? [...result.findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity)).flatMap((f) => f.subjects ?? [])
    : result.query
      ? subjectsOfRows(runbook.columns, result.query.rows)
      : [];
  const pivots = pivotsFor(subjects, targets, ctx);
  return pivots.length > 0 ? { ...result, pivots } : result;
}
