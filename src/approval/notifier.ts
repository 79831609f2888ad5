/**
 * How the gate lifecycle tells people what happened: the approval lifecycle decides, and
 * slack/ says it (src/slack/approval-notifier.ts implements these; the worker wires them in).
 * Nothing in approval/ renders a message itself.
 */
import type { Approval, SlackMessageRef } from './types.js';

export interface ApprovalNotifier {
  /** Redraws an approval's message from its record (decisions, outcome, buttons gone once closed); false when it has none. */
  updateApprovalMessage(approval: Approval): Promise<boolean>;
  /** Posts an executed or failed remediation's result into its run's thread, once per approval; false when nothing was posted. */
  postRemediationResult(approval: Approval): Promise<boolean>;
}

/** Posts a new approval request into one run's thread, returning where it is. */
export interface ApprovalRequestPoster {
  postApprovalRequest(approval: Approval): Promise<SlackMessageRef>;
  /**
   * Tells the run's requester, in the thread and once per approval, that some approvers are
   * not known to the workspace (`approval.unresolvedApprovers`) and how to fix it.
   */
  postApproverHelp(approval: Approval): Promise<void>;
}
