/**
 * The approval message's view of an approval record from the approval store, so the message
 * is always re-rendered from the record itself (after every decision, expiry or execution).
 */
import type { Approval } from '../../approval/types.js';
import type { ApprovalView } from './approval-message.js';

export function approvalViewOf(approval: Approval): ApprovalView {
  const outcome = approval.outcome;
  return {
    approvalId: approval.id,
    runId: approval.runId,
    runbookId: approval.runbookId,
    stepId: approval.stepId,
    requestedBy: approval.requestedBy,
    plan: approval.plan,
    policy: {
      approvers: approval.policy.approvers,
      minApprovals: approval.policy.min_approvals,
      allowSelfApproval: approval.policy.allow_self_approval,
    },
    ...(approval.unresolvedApprovers ? { unresolvedApprovers: approval.unresolvedApprovers } : {}),
    createdAt: approval.createdAt,
    expiresAt: approval.policy.expires_at,
    status: approval.state,
    decisions: approval.decisions.map((d) => ({ userId: d.user, decision: d.decision, at: d.at, reason: d.reason })),
    execution:
      outcome === undefined
        ? undefined
        : 'error' in outcome
          ? { dryRun: false, error: outcome.error }
          : { dryRun: outcome.dryRun ?? false, detail: outcome.summary },
  };
}
