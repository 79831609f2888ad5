/**
 * A run stopped at a remediation gate: the approval for the gated step is created with the
 * step's policy, recorded as that gate's approval, and its message (the plan, Approve and
 * Deny) posted in the run's thread.
 *
 * Idempotent, because a job can be run again after a crash at any point: a gate that has its
 * approval keeps it, and an approval whose message was posted keeps that message.
 */
import type { Logger } from 'pino';
import type { ApprovalStore } from './store.js';
import type { Approval } from './types.js';
import type { PreparedRunbook } from '../run/prepare.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RunContext, StepResult } from '../model/run.js';
import type { ApprovalRequestPoster } from './notifier.js';

export interface OpenGateDeps {
  runs: Pick<RedisRunStore, 'gateApproval' | 'claimGate'>;
  approvals: Pick<ApprovalStore, 'createApproval' | 'getApproval' | 'attachMessage'>;
  /** The run's thread, where the approval request is posted. */
  thread: ApprovalRequestPoster;
  logger: Logger;
}

export async function openGate(deps: OpenGateDeps, ctx: RunContext, prepared: PreparedRunbook, gated: StepResult): Promise<Approval> {
  const step = prepared.steps.find((s) => s.spec.id === gated.stepId);
  if (!step?.remediate || !gated.plan) throw new Error(`step ${gated.stepId} of ${ctx.runbookId} is not a remediation with a plan`);

  let approval = await existingApproval(deps, ctx.runId, gated.stepId);
  if (!approval) {
    const created = await deps.approvals.createApproval({
      runId: ctx.runId,
      runbookId: ctx.runbookId,
      stepId: gated.stepId,
      plan: gated.plan,
      policy: step.remediate.approval,
      // Alarm runs carry `alarm:<name>`, which no Slack user can be: nobody is "the requester".
      requestedBy: ctx.requestedBy,
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
  return approval;
}

async function existingApproval(deps: OpenGateDeps, runId: string, stepId: string): Promise<Approval | undefined> {
  const id = await deps.runs.gateApproval(runId, stepId);
  return id === undefined ? undefined : deps.approvals.getApproval(id);
}
