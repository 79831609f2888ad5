/**
 * One Approve or Deny click, start to finish: what the button handler calls.
 *
 * Refusals that depend on the approval alone (unknown, already decided, expired) come
 * first, since they are the true answer whoever clicked; then the Slack eligibility
 * checks; then the atomic decision in Redis. Every refusal is audited.
 */
import type { ApproverEligibility } from './eligibility.js';
import type { ApprovalStore } from './store.js';
import type { DecisionResult, Verdict } from './types.js';

export interface Click {
  /** The button's value. */
  approvalId: string;
  /** The Slack user id of the clicker. */
  userId: string;
  decision: Verdict;
  /** From the deny modal. */
  reason?: string;
  now?: Date;
}

export async function decideClick(store: ApprovalStore, eligibility: ApproverEligibility, click: Click): Promise<DecisionResult> {
  const now = click.now ?? new Date();
  const options = { now, ...(click.reason !== undefined ? { reason: click.reason } : {}) };
  const approval = await store.getApproval(click.approvalId);
  const open = approval?.state === 'pending' && Date.parse(approval.policy.expires_at) > now.getTime();
  if (!approval || !open) return store.decide(click.approvalId, click.userId, click.decision, options);

  const verdict = await eligibility.check(click.userId, approval.policy.approvers);
  if (!verdict.eligible) {
    return store.refuse(click.approvalId, click.userId, click.decision, verdict.code, {
      approval,
      approvers: approval.policy.approvers,
      ...(verdict.detail ? { detail: verdict.detail } : {}),
      ...(verdict.advice ? { advice: verdict.advice } : {}),
      ...(verdict.unknownGroups ? { unknownGroups: verdict.unknownGroups } : {}),
      now,
    });
  }
  return store.decide(click.approvalId, click.userId, click.decision, options);
}
