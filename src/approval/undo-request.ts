/**
 * Asking to undo an executed remediation (the Undo button): a new approval whose plan is the
 * undo plan, with the original step's approvers, quorum and self-approval rule and a fresh
 * expiry. It is claimed for the original approval atomically, so however many people click,
 * one undo approval is open at a time; its execution runs `undo` and verifies
 * (perform-remediation.ts). An undo approval that closed without undoing everything (denied,
 * expired, or its undo failed on some targets) can be asked for again: a new approval takes
 * its place for the targets not restored yet ("undo the rest"), and the audit keeps both.
 */
import type { ApprovalStore } from './store.js';
import type { Approval } from './types.js';
import { getAction, holdsSomething, planUndo, type ExecutionReport } from '../remediation/index.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RemediationPlan } from '../model/run.js';
import { executionOf } from './perform-remediation.js';

export type UndoRequest =
  /** The undo approval was made by this request: post its message. */
  | { outcome: 'created'; approval: Approval }
  /** Someone asked already and it is still open, or it undid the remediation: this is it. */
  | { outcome: 'exists'; approval: Approval }
  | { outcome: 'refused'; message: string };

export interface UndoRequestDeps {
  approvals: Pick<ApprovalStore, 'getApproval' | 'createApproval'>;
  runs: Pick<RedisRunStore, 'claimGate' | 'reclaimGate' | 'gateApproval'>;
}

/** Undo approvals that ended without undoing anything: a new one may be asked for. */
const CLOSED_WITHOUT_EFFECT = new Set<Approval['state']>(['denied', 'expired', 'failed']);

/** The run-store gate under which the undo of an approval is claimed, beside the run's own gates. */
export const undoGate = (approvalId: string): string => `undo:${approvalId}`;

export async function requestUndo(deps: UndoRequestDeps, originalId: string, user: string, now: Date = new Date()): Promise<UndoRequest> {
  const original = await deps.approvals.getApproval(originalId);
  if (!original) return { outcome: 'refused', message: 'That remediation is no longer known (its record is past retention): undo it by hand.' };
  const report = executionOf(original);
  if (!report || report.mode !== 'execute') return { outcome: 'refused', message: 'Only an executed remediation can be undone.' };
  if (!getAction(report.action).undo) return { outcome: 'refused', message: `${report.action} cannot be undone.` };
  if (!report.targets.some(holdsSomething)) {
    return { outcome: 'refused', message: 'This remediation changed nothing in IAM, so there is nothing to undo.' };
  }

  const existing = await existingUndo(deps, original);
  if (existing && !CLOSED_WITHOUT_EFFECT.has(existing.state)) return { outcome: 'exists', approval: existing };
  const rest = existing ? notRestored(existing) : undefined;

  const { expires_at: _expiresAt, ...policy } = original.policy;
  const created = await deps.approvals.createApproval({
    runId: original.runId,
    runbookId: original.runbookId,
    stepId: original.stepId,
    // The undo acts where the remediation did.
    plan: { ...planUndo(report, undefined, rest ? { targets: rest } : {}), undoOf: original.id, ...accountOf(original.plan) },
    policy,
    requestedBy: user,
    now,
  });
  const gate = undoGate(original.id);
  const claimed = existing
    ? await deps.runs.reclaimGate(original.runId, gate, existing.id, created.id)
    : await deps.runs.claimGate(original.runId, gate, created.id);
  if (claimed) return { outcome: 'created', approval: created };
  // Another click won; this approval is never shown and expires unseen.
  const winner = await existingUndo(deps, original);
  if (!winner) throw new Error(`the undo approval of ${original.id} vanished`);
  return { outcome: 'exists', approval: winner };
}

/**
 * The targets an earlier undo approval left as they were: those its undo failed on, or all
 * of its plan's when it never ran (denied, expired, or failed before any target).
 */
function notRestored(undo: Approval): Record<string, string>[] {
  const report = executionOf(undo) as ExecutionReport | undefined;
  if (!report) return undo.plan.targets;
  return report.targets.filter((t) => !t.ok).map((t) => t.target);
}

function accountOf(plan: RemediationPlan): Pick<RemediationPlan, 'accountId' | 'accountFrom'> {
  return plan.accountId ? { accountId: plan.accountId, ...(plan.accountFrom ? { accountFrom: plan.accountFrom } : {}) } : {};
}

async function existingUndo(deps: UndoRequestDeps, original: Approval): Promise<Approval | undefined> {
  const id = await deps.runs.gateApproval(original.runId, undoGate(original.id));
  return id === undefined ? undefined : deps.approvals.getApproval(id);
}
