/**
 * Running an approved plan against AWS, target by target: execute (then verify), or undo a
 * previous execution (then verify).
 *
 * For each target: the inputs are checked again as this worker has the action (root, protected
 * principals, the schema); the state is read; only the calls that state still needs are made,
 * in order, stopping at the first that fails; the state is read back and checked. A target
 * that fails does not stop the others: the approval was for all of them, and containing the
 * rest matters. Every outcome names the call that failed and what state it left, and a refusal
 * names the permission the remediation role lacks and the policy that grants it.
 *
 * Calls are idempotent to effect: the SDK retries throttling and 5xx answers with backoff, and
 * an attempt that took effect before its error can make the retry fail (a second
 * DeleteLoginProfile answers NoSuchEntity); a failed call is therefore checked against the
 * state read again, and counts as made when that state no longer needs it.
 *
 * Fields of a target that another approval's remediation holds (two alarms about one user)
 * are recorded per field (claims.ts), so undoing one keeps what the other still relies on.
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
import { claimFields, describeShared, undoBaseline, type UndoBaseline } from './claims.js';
import { callOf, sdkCommandOf, type IamCall } from './iam/commands.js';
import { deniedPermission, describeAwsError, REMEDIATION_ROLE_POLICY } from './iam/errors.js';
import type { IamReader } from './iam/read.js';

/** At most this many calls per target, however often a retry makes the plan read again. */
const MAX_CALLS_PER_TARGET = 12;

/** Executes every target of an approved plan, then verifies each. */
export async function executeRemediation(plan: RemediationPlan, ctx: ExecutionContext): Promise<ExecutionReport> {
  const action = getAction(plan.action);
  const targets: TargetOutcome[] = [];
  for (const target of plan.targets) targets.push(await executeTarget(action, target, ctx));
  return report(action, 'execute', targets);
}

export interface UndoOptions {
  /** Undo only these targets of the execution (the rest of an undo that failed part-way). */
  targets?: readonly Record<string, string>[];
}

/**
 * Undoes what an execution changed, target by target, from the state it read before changing
 * anything, then verifies that state is back. Targets the execution did not change are left,
 * and so are fields another approval's remediation still relies on.
 */
export async function undoRemediation(executed: ExecutionReport, ctx: ExecutionContext, options: UndoOptions = {}): Promise<ExecutionReport> {
  const action = getAction(executed.action);
  const undo = action.undo;
  if (!undo) throw new Error(`${action.name} cannot be undone`);
  const targets: TargetOutcome[] = [];
  for (const original of selected(executed.targets, options.targets)) {
    if (!original.before || !holdsSomething(original)) {
      targets.push({
        target: original.target,
        ok: true,
        calls: [],
        verification: { ok: true, details: [`nothing to undo for ${describeTarget(original.target)}: the remediation changed nothing there`] },
      });
      continue;
    }
    const baseline = await undoBaseline(action.name, original.target, original.before, ctx.claims);
    const outcome = await applyChanges(action, original.target, ctx, {
      changes: (now) => undo.changes(original.target, baseline.before(now), now, ctx),
      // Whether the state is what should be there now (kept fields as they are), said of the
      // state before any remediation: a kept field was not there "before the remediation".
      check: (now) => ({
        ok: undo.check(original.target, baseline.before(now), now, ctx).ok,
        details: undo.check(original.target, baseline.original, now, ctx).details,
      }),
      before: original.before,
    });
    targets.push(await afterUndo(action, outcome, baseline, ctx));
  }
  return report(action, 'undo', targets);
}

/** What undoing an execution would call, as a plan for the undo's own approval. */
export function planUndo(executed: ExecutionReport, partition: string = partitionOf(executed), options: UndoOptions = {}): RemediationPlan {
  const action = getAction(executed.action);
  const undo = action.undo;
  if (!undo) throw new Error(`${action.name} cannot be undone`);
  const changed = selected(executed.targets, options.targets).filter((t) => t.before && holdsSomething(t));
  const calls = changed.flatMap((t) => undo.changes(t.target, t.before!, t.after ?? t.before!, { partition }).map(callOf));
  const summaries = changed.map((t) => undo.summary(t.target));
  const rest = options.targets !== undefined && changed.length < executed.targets.length;
  return {
    action: action.name,
    summary: `Undo ${rest ? 'the rest of ' : ''}${action.name}: ${summaries.length > 0 ? summaries.join('; ') : 'nothing was changed, so nothing to undo'}`,
    targets: changed.map((t) => t.target),
    calls,
    // Undoing an undo is running the remediation again: the runbook offers it.
    reversible: true,
    warnings: [
      'Undo restores what the remediation changed, as it was read just before: anything found changed since is left as it is and reported.',
      'What another approved remediation still relies on (the same user quarantined for two alarms) is kept until that one is undone too.',
    ],
  };
}

/** Whether an execution's target has anything to undo: a change it made, or one it relies on. */
export function holdsSomething(t: TargetOutcome): boolean {
  return t.calls.some((c) => c.ok) || (t.shared?.length ?? 0) > 0;
}

function selected(targets: TargetOutcome[], only: readonly Record<string, string>[] | undefined): TargetOutcome[] {
  if (only === undefined) return targets;
  const keys = new Set(only.map(targetKey));
  return targets.filter((t) => keys.has(targetKey(t.target)));
}

export function targetKey(target: Record<string, string>): string {
  return JSON.stringify(Object.entries(target).sort(([a], [b]) => a.localeCompare(b)));
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
  const outcome = await applyChanges(action, validated, ctx, {
    changes: (now) => action.changes(validated, now, at),
    check: (now) => action.check(validated, now, at),
  });
  if (!ctx.claims || !outcome.before || !outcome.after) return outcome;
  const shared = await claimFields(ctx.claims, action.name, validated, outcome.before, outcome.after);
  if (shared.length === 0) return outcome;
  return { ...outcome, shared, verification: { ...outcome.verification, details: [...outcome.verification.details, ...describeShared(shared, 'execute')] } };
}

/** An undone target: released when restored; the fields kept for others said in its details. */
async function afterUndo(action: RemediationAction, outcome: TargetOutcome, baseline: UndoBaseline, ctx: ExecutionContext): Promise<TargetOutcome> {
  if (outcome.ok) await ctx.claims?.release(action.name, outcome.target, baseline.fields);
  if (baseline.kept.length === 0) return outcome;
  return {
    ...outcome,
    shared: baseline.kept,
    verification: { ...outcome.verification, details: [...outcome.verification.details, ...describeShared(baseline.kept, 'undo')] },
  };
}

interface ChangePlan {
  changes(now: TargetState): IamCall[];
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
    const denied = refusal(e, undefined);
    const error = `could not read the state of ${describeTarget(target)}: ${describeAwsError(e)}${denied?.sentence ?? ''}; nothing was changed`;
    return { target, ok: false, error, calls: [], verification: { ok: false, details: [error] }, ...(denied ? { missingPermission: denied.missing } : {}) };
  }
  const before = plan.before ?? (ctx.rememberBefore ? await ctx.rememberBefore(target, current) : current);

  const calls: CallOutcome[] = [];
  let failure: string | undefined;
  let missing: ReturnType<typeof refusal>;
  let pending = plan.changes(current);
  while (pending.length > 0 && calls.length < MAX_CALLS_PER_TARGET) {
    const planned = pending.shift()!;
    const call = callOf(planned);
    try {
      await ctx.iam.send(sdkCommandOf(planned) as never, { abortSignal: ctx.signal });
      calls.push({ call, ok: true });
    } catch (e) {
      const error = describeAwsError(e);
      const still = await stillNeeded(action, target, io, plan);
      if (still && !still.some((c) => sameCall(callOf(c), call))) {
        calls.push({ call, ok: true, note: `AWS answered ${error}, but the state read again shows the change made: an earlier attempt had taken effect` });
        pending = still;
        continue;
      }
      missing = refusal(e, call.operation);
      calls.push({ call, ok: false, error });
      failure = `iam:${call.operation} failed: ${error}${missing?.sentence ?? ''}`;
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
    ...(missing ? { missingPermission: missing.missing } : {}),
  };
}

/** The calls the state read again still needs, or undefined when it cannot be read. */
async function stillNeeded(action: RemediationAction, target: Record<string, string>, io: IamReader, plan: ChangePlan): Promise<IamCall[] | undefined> {
  try {
    return plan.changes(await action.read(target, io));
  } catch {
    return undefined;
  }
}

function sameCall(a: ReturnType<typeof callOf>, b: ReturnType<typeof callOf>): boolean {
  return a.operation === b.operation && JSON.stringify(a.params) === JSON.stringify(b.params);
}

/** For a refusal: the permission lacking, and a sentence naming the policy that grants it. */
function refusal(error: unknown, operation: string | undefined): { missing: { permission: string; policy: string }; sentence: string } | undefined {
  const permission = deniedPermission(error, operation);
  if (!permission) return undefined;
  return {
    missing: { permission, policy: REMEDIATION_ROLE_POLICY },
    sentence: `. The remediation role lacks ${permission}, which ${REMEDIATION_ROLE_POLICY} grants: check that policy is attached to the remediation role`,
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
  const failures = failed.map((t) => `${describeTarget(t.target)}: ${t.error}`).join('; ');
  let summary: string;
  if (failed.length === 0) summary = `${action.name} ${verb} on ${count} and verified (${calls}${already})`;
  else if (mode === 'undo') {
    const restored = targets.filter((t) => t.ok).map((t) => describeTarget(t.target));
    summary = `Undo of ${action.name}: restored ${restored.length} of ${count}${restored.length > 0 ? ` (${restored.join('; ')})` : ''}; not restored: ${failures}`;
  } else summary = `${action.name}: ${failed.length} of ${count} failed (${calls} made): ${failures}`;
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
