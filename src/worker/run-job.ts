/**
 * A `runs` job: start a run, or continue one (after a crash, or after its gate was decided).
 *
 * 1. Take the run's lock (one worker advances a run at a time; a second job of the same run
 *    waits its turn).
 * 2. Check what the job asks for: the runbook exists and is valid, the parameters fit it,
 *    the engine is available. If not, say why in the thread and fail without retrying.
 * 3. Post what is stored but not yet in Slack (a reply lost to a crash, a gate's decision).
 *    A run stopped by a failed remediation ends there.
 * 4. Run the runbook from its first unfinished step, each step stored before it is posted.
 * 5. At a gate: open its approval and post the approval message; the run waits.
 */
import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { runContextOf, type RunJobData } from '../queue/jobs.js';
import { type RunRecord } from '../model/run.js';
import { prepareRunbook, type PreparedRunbook } from '../run/prepare.js';
import { runRunbook } from '../run/runner.js';
import type { RunStore } from '../run/store.js';
import type { RunContext, RunResult, RunStatus, StepResult } from '../model/run.js';
import type { DeploymentEngines, EngineScope } from '../query/engines/index.js';
import { checkResolvedParams } from '../runbook/params.js';
import { SlackReporter } from '../slack/reporter.js';
import type { WorkerContext } from './context.js';
import { jobFailure, refusalProblems } from './errors.js';
import { openGate } from '../approval/open-gate.js';
import { acquireRunLock } from './run-lock.js';
import { metrics } from '../log/metrics.js';
import { runSimulator } from './aws-access.js';
import { pivotTargetsOf, type PivotTargets } from '../runbook/pivots.js';

/** How long a job whose run is busy elsewhere waits before trying again. */
const RUN_BUSY_RETRY_MS = 1_000;

export type RunJobOutcome = RunStatus | 'refused';

export async function processRunJob(w: WorkerContext, job: Job<RunJobData>, token?: string, signal?: AbortSignal): Promise<RunJobOutcome> {
  const data = job.data;
  const log = w.logger.child({ jobId: job.id, runId: data.runId, runbookId: data.runbookId });
  const lock = await acquireRunLock(w.redis, w.runs.keys(data.runId).lock, w.config.queue.lockDurationMs);
  if (!lock) {
    log.debug('the run is being advanced by another job; waiting for it');
    await job.moveToDelayed(Date.now() + RUN_BUSY_RETRY_MS, token);
    throw new DelayedError();
  }
  try {
    const outcome = await advanceRun(w, data, log, signal);
    metrics.runsFinished.inc({ runbook: data.runbookId, outcome });
    return outcome;
  } catch (error) {
    if (signal?.aborted) {
      // Shutting down: the steps stored so far stay; the job goes back to the queue for
      // another worker, which resumes at the first unfinished step.
      log.info('handing the run back to the queue');
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const failure = jobFailure(error);
    // A refused run (bad job data, an unknown runbook) is final; others may be retried by BullMQ.
    metrics.runsFinished.inc({ runbook: data.runbookId, outcome: failure instanceof UnrecoverableError ? 'refused' : 'error' });
    log.error({ err: (error as Error).message, retry: !(failure instanceof UnrecoverableError) }, 'run job failed');
    throw failure;
  } finally {
    await lock.release().catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not release the run lock; it lapses by itself'));
  }
}

async function advanceRun(w: WorkerContext, data: RunJobData, log: Logger, signal?: AbortSignal): Promise<RunJobOutcome> {
  const ctx = runContextOf(data);
  await w.runs.createRecord({
    context: ctx,
    status: 'running',
    slack: { ...data.slack },
    ...(data.alarm ? { alarm: data.alarm } : {}),
    updatedAt: new Date().toISOString(),
  });
  const record = await w.runs.getRecord(ctx.runId);
  if (!record) throw new Error(`run ${ctx.runId} has no record right after it was stored`);

  let prepared: PreparedRunbook;
  let engines: DeploymentEngines;
  let pivotTargets: PivotTargets;
  try {
    const library = await w.library();
    const { runbook, file } = library.get(data.runbookId);
    pivotTargets = pivotTargetsOf(library.all().map((e) => e.runbook));
    prepared = prepareRunbook(runbook, file);
    // Checked by the bot; checked again (same rules, typed values) against the runbook as this
    // worker has it, since the library may have changed, or the job data been tampered with.
    checkResolvedParams(runbook, data);
    engines = w.engines(engineScopeOf(data));
  } catch (error) {
    const problems = refusalProblems(error);
    if (!problems) throw error;
    await refuse(w, record, problems, log);
    throw new UnrecoverableError(problems.join('; '));
  }

  const reporter = await SlackReporter.open({
    client: w.slack,
    store: w.runs,
    record,
    title: prepared.runbook.title,
    steps: prepared.steps.length,
    logger: log,
    ...(prepared.runbook.timeline ? { timeline: prepared.runbook.timeline } : {}),
  });
  const stored = inStepOrder(await w.runs.loadSteps(ctx.runId), prepared);
  await reporter.catchUp(ctx, stored);

  const failed = stored.find((s) => s.status === 'failed');
  if (failed) return finishStopped(w, reporter, ctx, stored, log);
  if (record.status === 'waiting_approval' && !stored.some((s) => s.status === 'gated')) await reporter.markRunning(ctx);
  await w.runs.updateRecord(ctx.runId, { status: 'running' });

  log.info({ resumedAfter: stored.length }, stored.length > 0 ? 'resuming run' : 'starting run');
  const simulator = runSimulator(w.aws, ctx.runId);
  const result = await runRunbook(prepared, ctx, {
    engine: engines.default,
    engineFor: (query, window) => engines.forStep(query, window).engine,
    settings: engines.compileSettings,
    reporter,
    store: untilStopped(w.runs, signal),
    gates: 'pause',
    signal,
    ...(simulator ? { access: simulator } : {}),
    protectedPrincipals: w.aws.protectedPrincipals,
    ...(data.alarm?.accountId ? { alarmAccountId: data.alarm.accountId } : {}),
    remediationAccountProblem: (accountId) => w.aws.remediationAccountProblem(accountId),
    pivotTargets,
  }).finally(() => simulator?.close());

  if (result.status === 'waiting_approval') {
    const gated = result.steps.find((s) => s.status === 'gated');
    if (!gated) throw new Error(`run ${ctx.runId} waits for approval but has no gated step`);
    const directory = w.approverDirectory?.();
    const approval = await openGate({ runs: w.runs, approvals: w.approvals, thread: reporter, ...(directory ? { directory } : {}), logger: log }, ctx, prepared, gated);
    await w.runs.updateRecord(ctx.runId, { status: 'waiting_approval', approvalId: approval.id });
  } else {
    await w.runs.updateRecord(ctx.runId, { status: result.status, approvalId: null });
  }
  log.info({ status: result.status, findings: result.findings.length }, 'run stopped');
  return result.status;
}

/** A run whose remediation failed ends there: the parent shows the failure, nothing else runs. */
async function finishStopped(w: WorkerContext, reporter: SlackReporter, ctx: RunContext, steps: StepResult[], log: Logger): Promise<RunStatus> {
  const result: RunResult = { context: ctx, status: 'failed', steps, findings: steps.flatMap((s) => s.findings ?? []), warnings: [] };
  await reporter.runFinished(result);
  await w.runs.updateRecord(ctx.runId, { status: 'failed', approvalId: null });
  log.info('run stopped at a failed step');
  return 'failed';
}

/** Says in the thread (or the channel, before a thread exists) why the run cannot start. */
async function refuse(w: WorkerContext, record: RunRecord, problems: string[], log: Logger): Promise<void> {
  const ctx = record.context;
  log.warn({ problems }, 'run refused');
  const reporter = await SlackReporter.open({ client: w.slack, store: w.runs, record, title: ctx.runbookId, logger: log });
  await reporter.postRefusal(`Run ${ctx.runId} (${ctx.runbookId}) cannot start`, problems);
  await w.runs.updateRecord(ctx.runId, { status: 'failed' });
}

/**
 * A step cut short because the worker is stopping is not a result: it is not stored (nor
 * reported), so whoever resumes the run runs that step again.
 */
function untilStopped(store: RunStore, signal: AbortSignal | undefined): RunStore {
  return {
    loadSteps: (runId) => store.loadSteps(runId),
    saveStep: async (runId, result) => {
      signal?.throwIfAborted();
      await store.saveStep(runId, result);
    },
  };
}

function inStepOrder(steps: StepResult[], prepared: PreparedRunbook): StepResult[] {
  const order = new Map(prepared.steps.map((s, i) => [s.spec.id, i]));
  return [...steps].sort((a, b) => (order.get(a.stepId) ?? Infinity) - (order.get(b.stepId) ?? Infinity));
}

/** Where the run's queries act: the alarm's account and region, else the `account` / `region` parameters. */
function engineScopeOf(data: RunJobData): EngineScope {
  const param = (name: string): string | undefined => (typeof data.params[name] === 'string' ? (data.params[name] as string) : undefined);
  const accountId = data.alarm?.accountId ?? param('account');
  const region = data.alarm?.region ?? param('region');
  return { runId: data.runId, ...(accountId ? { accountId } : {}), ...(region ? { region } : {}) };
}
