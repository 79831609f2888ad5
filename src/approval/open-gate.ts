/**
 * A run stopped at a remediation gate: the approval for the gated step is created with the
 * step's policy, recorded as that gate's approval, and its message (the plan, Approve and
 * Deny) posted in the run's thread.
 *
 * Idempotent, because a job can be run again after a crash at any point: a gate that has its
 * approval keeps it, and an approval whose message was posted keeps that message.
 *
 * Before the approval is made, its approvers are looked up in the workspace: an unknown group
 * handle (the built-in runbooks' `@security-oncall` before anyone created it) or user would
 * leave a gate nobody can open, silently until it expires. Those are recorded on the approval,
 * its message says so, and the requester is told how to fix it. Who may approve is unchanged.
 */
import type { Logger } from 'pino';
import type { ApprovalStore } from './store.js';
import type { Approval } from './types.js';
import type { PreparedRunbook } from '../run/prepare.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RunContext, StepResult } from '../model/run.js';
import type { ApprovalRequestPoster } from './notifier.js';
import type { ApproverDirectory } from './approver-directory.js';
import type { UnresolvedApprover } from './types.js';

export interface OpenGateDeps {
  runs: Pick<RedisRunStore, 'gateApproval' | 'claimGate'>;
  approvals: Pick<ApprovalStore, 'createApproval' | 'getApproval' | 'attachMessage'>;
  /** The run's thread, where the approval request is posted. */
  thread: ApprovalRequestPoster;
  /** Looks the approvers up in the workspace; without it they are not checked. */
  directory?: Pick<ApproverDirectory, 'unresolved'>;
  logger: Logger;
}

export async function openGate(deps: OpenGateDeps, ctx: RunContext, prepared: PreparedRunbook, gated: StepResult): Promise<Approval> {
  const step = prepared.steps.find((s) => s.spec.id === gated.stepId);
  if (!step?.remediate || !gated.plan) throw new Error(`step ${gated.stepId} of ${ctx.runbookId} is not a remediation with a plan`);

  let approval = await existingApproval(deps, ctx.runId, gated.stepId);
  if (!approval) {
    const unresolved = await unresolvedApprovers(deps, step.remediate.approval.approvers);
    const created = await deps.approvals.createApproval({
      runId: ctx.runId,
      runbookId: ctx.runbookId,
      stepId: gated.stepId,
      plan: gated.plan,
      policy: step.remediate.approval,
      // Alarm runs carry `alarm:<name>`, which no Slack user can be: nobody is "the requester".
      requestedBy: ctx.requestedBy,
      ...(unresolved.length > 0 ? { unresolvedApprovers: unresolved } : {}),
    });
    if (await deps.runs.claimGate(ctx.runId, gated.stepId, created.id)) {
      approval = created;
    } else {
      // Another worker opened this gate at the same moment; theirs counts, this one expires unseen.
      approval = await existingApproval(deps, ctx.runId, gated.stepId);
      if (!approval) throw new Error(`the approval of gate ${gated.stepId} in run ${ctx.runId} vanished`);
    }
  }

  if (!approval.message) {
    const message = await deps.thread.postApprovalRequest(approval);
    await deps.approvals.attachMessage(approval.id, message);
    approval = { ...approval, message };
    deps.logger.info({ runId: ctx.runId, approvalId: approval.id, stepId: gated.stepId }, 'approval requested');
  }
  if (approval.unresolvedApprovers?.length) await deps.thread.postApproverHelp(approval);
  return approval;
}

/** The approvers Slack does not know; none when it could not be asked (the gate opens all the same). */
async function unresolvedApprovers(deps: OpenGateDeps, approvers: readonly string[]): Promise<UnresolvedApprover[]> {
  if (!deps.directory) return [];
  try {
    const unresolved = await deps.directory.unresolved(approvers);
    if (unresolved.length > 0) deps.logger.warn({ unresolved }, 'approvers of a gate are not known to the Slack workspace: nobody can approve through them');
    return unresolved;
  } catch (e) {
    const code = (e as { data?: { error?: unknown } } | null)?.data?.error;
    deps.logger.warn({ slackError: typeof code === 'string' ? code : undefined, err: (e as Error).message }, 'could not look the approvers up in Slack; the gate opens without that check');
    return [];
  }
}

async function existingApproval(deps: OpenGateDeps, runId: string, stepId: string): Promise<Approval | undefined> {
  const id = await deps.runs.gateApproval(runId, stepId);
  return id === undefined ? undefined : deps.approvals.getApproval(id);
}
