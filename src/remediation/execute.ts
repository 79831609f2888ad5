/**
 * Running an approved plan against AWS, target by target: execute (then verify), or undo a
 * previous execution (then verify).
 *
 * For each target: the inputs are checked again as this worker has the action (root, protected
 * principals, the schema); the state is read; only the calls that state still needs are made,
 * in order, stopping at the first that fails; the state is read back and checked. A target
 * that fails does not stop the others: the approval was for all of them, and containing the
 * rest matters. Every outcome names the call that failed and what state it left.
 */
import type { RemediationPlan } from '../model/run.js';
import {
  RemediationPlanError,
  type CallOutcome,
  type ExecutionContext,
  type ExecutionReport,
  type RemediationAction,
  type TargetOutcome,
  type TargetState,
  type VerificationReport,
} from './action.js';
import { getAction } from './catalogue.js';
import { callOf, type IamCommand } from './iam/commands.js';
import { describeAwsError } from './iam/errors.js';
import type { IamReader } from './iam/read.js';

/** Executes every target of an approved plan, then verifies each. */
export async function executeRemediation(plan: RemediationPlan, ctx: ExecutionContext): Promise<ExecutionReport> {
  const action = getAction(plan.action);
  const targets: TargetOutcome[] = [];
  for (const target of plan.targets) targets.push(await executeTarget(action, target, ctx));
  return report(action, 'execute', targets);
}

/**
 * Undoes what an execution changed, target by target, from the state it read before changing
 * anything, then verifies that state is back. Targets the execution did not change are left.
 */
export async function undoRemediation(executed: ExecutionReport, ctx: ExecutionContext): Promise<ExecutionReport> {
  const action = getAction(executed.action);
  const undo = action.undo;
  if (!undo) throw new Error(`${action.name} cannot be undone`);
  const targets: TargetOutcome[] = [];
  for (const original of executed.targets) {
    if (!original.before || !original.calls.some((c) => c.ok)) {
      targets.push({
        target: original.target,
        ok: true,
        calls: [],
        verification: { ok: true, details: [`nothing to undo for ${describeTarget(original.target)}: the remediation changed nothing there`] },
      });
      continue;
    }
    const before = original.before;
    targets.push(
      await applyChanges(action, original.target, ctx, {
        changes: (now) => undo.changes(original.target, before, now, ctx),
        check: (now) => undo.check(original.target, before, now, ctx),
        before,
      }),
    );
  }
  return report(action, 'undo', targets);
}

/** What undoing an execution would call, as a plan for the undo's own approval. */
export function planUndo(executed: ExecutionReport, partition: string = partitionOf(executed)): RemediationPlan {
  const action = getAction(executed.action);
  const undo = action.undo;
  if (!undo) throw new Error(`${action.name} cannot be undone`);
  const changed = executed.targets.filter((t) => t.before && t.calls.some((c) => c.ok));
  const calls = changed.flatMap((t) => undo.changes(t.target, t.before!, t.after ?? t.before!, { partition }).map(callOf));
  const summaries = changed.map((t) => undo.summary(t.target));
  return {
    action: action.name,
    summary: `Undo ${action.name}: ${summaries.length > 0 ? summaries.join('; ') : 'nothing was changed, so nothing to undo'}`,
    targets: changed.map((t) => t.target),
    calls,
    // Undoing an undo is running the remediation again: the runbook offers it.
    reversible: true,
    warnings: [
      'Undo restores what the remediation changed, as it was read just before: anything found changed since is left as it is and reported.',
    ],
  };
}

async function executeTarget(action: RemediationAction, target: Record<string, string>, ctx: ExecutionContext): Promise<TargetOutcome> {
  let validated: Record<string, string>;
  try {
    validated = action.validate(target, { protectedPrincipals: ctx.protectedPrincipals, accountId: ctx.accountId, partition: ctx.partition });
  } catch (e) {
    if (!(e instanceof RemediationPlanError)) throw e;
    return { target, ok: false, error: `refused: ${e.message}`, calls: [], verification: { ok: false, details: ['nothing was called: the target was refused'] } };
  }
  const at = { now: ctx.now, partition: ctx.partition };
  return applyChanges(action, validated, ctx, {
    changes: (now) => action.changes(validated, now, at),
    check: (now) => action.check(validated, now, at),
  });
}

interface ChangePlan {
  changes(now: TargetState): IamCommand[];
  check(now: TargetState): VerificationReport;
  /** For undo: the state to keep as `before` (the execution's); execute keeps what it reads first. */
  before?: TargetState;
}

/** Read, change what needs changing, read back, check: the shape of execute and of undo alike. */
async function applyChanges(action: RemediationAction, target: Record<string, string>, ctx: ExecutionContext, plan: ChangePlan): Promise<TargetOutcome> {
  const io: IamReader = { iam: ctx.iam, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  let current: TargetState;
  try {
    current = await action.read(target, io);
  } catch (e) {
    const error = `could not read the state of ${describeTarget(target)}: ${describeAwsError(e)}; nothing was changed`;
    return { target, ok: false, error, calls: [], verification: { ok: false, details: [error] } };
  }
  const before = plan.before ?? (ctx.rememberBefore ? await ctx.rememberBefore(target, current) : current);

  const calls: CallOutcome[] = [];
  let failure: string | undefined;
  for (const command of plan.changes(current)) {
    const call = callOf(command);
    try {
      await ctx.iam.send(command as never, { abortSignal: ctx.signal });
      calls.push({ call, ok: true });
    } catch (e) {
      const error = describeAwsError(e);
      calls.push({ call, ok: false, error });
      failure = `iam:${call.operation} failed: ${error}`;
      break;
    }
  }

  // Read back whatever happened: after a failure this is the state left behind.
  let after: TargetState | undefined;
  let verification: VerificationReport;
  try {
    after = await action.read(target, io);
    verification = plan.check(after);
  } catch (e) {
    verification = { ok: false, details: [`could not read the state back: ${describeAwsError(e)}`] };
  }
  if (!failure && !verification.ok) failure = 'the calls succeeded, but AWS does not show the expected state';
  return {
    target,
    ok: failure === undefined,
    ...(failure ? { error: failure } : {}),
    before,
    ...(after ? { after } : {}),
    calls,
    verification,
  };
}

function report(action: RemediationAction, mode: ExecutionReport['mode'], targets: TargetOutcome[]): ExecutionReport {
  const failed = targets.filter((t) => !t.ok);
  const made = targets.flatMap((t) => t.calls).filter((c) => c.ok).length;
  const unchanged = targets.filter((t) => t.ok && t.calls.length === 0).length;
  const count = targets.length === 1 ? '1 target' : `${targets.length} targets`;
  const calls = made === 1 ? '1 AWS call' : `${made} AWS calls`;
  const already = unchanged > 0 ? `; ${unchanged} needed no change` : '';
  const verb = mode === 'undo' ? 'undone' : 'done';
  const summary =
    failed.length === 0
      ? `${action.name} ${verb} on ${count} and verified (${calls}${already})`
      : `${action.name}: ${failed.length} of ${count} failed (${calls} made): ${failed.map((t) => `${describeTarget(t.target)}: ${t.error}`).join('; ')}`;
  return { action: action.name, mode, ok: failed.length === 0, summary, targets };
}

/** The partition the execution's calls named (an ARN among their parameters), `aws` when none did. */
function partitionOf(executed: ExecutionReport): string {
  const text = JSON.stringify(executed.targets.flatMap((t) => t.calls.map((c) => c.call.params)));
  return /"arn:(aws[a-z-]*):/.exec(text)?.[1] ?? 'aws';
}

export function describeTarget(target: Record<string, string>): string {
  return Object.entries(target)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
