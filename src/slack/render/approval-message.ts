/**
 * The approval message of a remediation: exactly what would be done (the action, its targets,
 * the AWS API calls with their parameters), who may approve and until when, and the Approve /
 * Deny buttons. It is re-rendered from the approval record after every decision and updated
 * in place, so the message always shows the votes so far and, once decided, the outcome, with
 * the buttons gone.
 *
 * The buttons carry only the opaque approval id: everything else is read back from the
 * approval record when a click arrives, so nothing in a payload can be tampered with.
 */
import type { types } from '@slack/bolt';
import { describeAccountSource } from '../../remediation/account.js';
import type { ApiCall, RemediationPlan } from '../../model/run.js';
import { contextLine, mrkdwnSection, packLines } from './layout.js';
import { fitMessage, SLACK_LIMITS, type Block, type SlackMessage } from './limits.js';
import { approverMrkdwn, escapeMrkdwn, inlineCode, plural, requesterMrkdwn, slackTime, utcTime } from './mrkdwn.js';
import { unresolvedApproversBlocks } from './approver-help.js';
import type { UnresolvedApprover } from '../../approval/types.js';

export const APPROVE_ACTION_ID = 'approval_approve';
export const DENY_ACTION_ID = 'approval_deny';
export const APPROVAL_ACTIONS_BLOCK_ID = 'approval_actions';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'executed' | 'failed';

export interface ApprovalDecision {
  userId: string;
  decision: 'approve' | 'deny';
  /** ISO time. */
  at: string;
  reason?: string;
}

/** What the approval message shows; built from the approval record by its owner. */
export interface ApprovalView {
  approvalId: string;
  runId: string;
  runbookId: string;
  stepId: string;
  /** Who started the run (a Slack user id or `alarm:<name>`). */
  requestedBy: string;
  plan: RemediationPlan;
  policy: {
    /** User ids, group ids (S…) and @handles, as the runbook wrote them. */
    approvers: string[];
    minApprovals: number;
    allowSelfApproval: boolean;
  };
  /** Approvers the workspace did not know when the gate opened: said while the approval waits. */
  unresolvedApprovers?: UnresolvedApprover[];
  createdAt: string;
  expiresAt: string;
  status: ApprovalStatus;
  decisions: ApprovalDecision[];
  /** Once executed or failed: whether it was a dry run, what was done, or the error. */
  execution?: { dryRun: boolean; detail?: string; error?: string };
}

/** Targets and calls listed before the rest are counted. */
const TARGETS_SHOWN = 10;
const CALLS_SHOWN = 15;

export function renderApprovalMessage(view: ApprovalView): SlackMessage {
  const { plan } = view;
  const blocks: Block[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: plan.undoOf ? `↩️ Approval needed: undo ${plan.action}` : `🛡️ Approval needed: ${plan.action}`, emoji: true },
    },
    mrkdwnSection(escapeMrkdwn(plan.summary)),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Action*\n${inlineCode(plan.action)}` },
        { type: 'mrkdwn', text: `*Reversible*\n${plan.reversible ? 'yes' : '⚠️ *no*: this cannot be undone'}` },
        { type: 'mrkdwn', text: `*Run*\n${inlineCode(view.runId)} (${inlineCode(view.runbookId)}, step ${inlineCode(view.stepId)})` },
        { type: 'mrkdwn', text: `*Requested by*\n${requesterMrkdwn(view.requestedBy)}` },
        { type: 'mrkdwn', text: `*Account*\n${accountMrkdwn(plan)}` },
      ],
    },
    ...listSection(`*Targets* (${plan.targets.length})`, plan.targets.map(targetLine), TARGETS_SHOWN, 'target'),
    ...listSection(`*AWS API calls* (${plan.calls.length}, exactly as they will be made)`, plan.calls.map(callLine), CALLS_SHOWN, 'call'),
  ];
  if (plan.warnings.length > 0) {
    blocks.push(mrkdwnSection(plan.warnings.map((w) => `⚠️ ${escapeMrkdwn(w)}`).join('\n')));
  }
  blocks.push(contextLine(policyLine(view)));
  if (view.status === 'pending') blocks.push(...unresolvedApproversBlocks(view.policy.approvers, view.unresolvedApprovers));
  blocks.push({ type: 'divider' });
  blocks.push(mrkdwnSection(statusMrkdwn(view)));
  const votes = decisionLines(view);
  if (votes.length > 0) blocks.push(contextLine(votes.join('\n')));
  if (view.status === 'pending') blocks.push(buttons(view));

  return fitMessage({ text: fallbackText(view), blocks });
}

function listSection(title: string, lines: string[], shown: number, noun: string): Block[] {
  if (lines.length === 0) return [];
  // Room is kept for the "… N more" line under the list.
  const packed = packLines([title, ...lines.slice(0, shown)], 1, SLACK_LIMITS.sectionText - 40);
  const omitted = packed.omitted + Math.max(0, lines.length - shown);
  const more = omitted > 0 ? `\n… ${plural(omitted, `more ${noun}`)}` : '';
  return [mrkdwnSection(`${packed.texts[0] ?? title}${more}`)];
}

/** Where it acts, and why there: an approver must see the account before approving. */
function accountMrkdwn(plan: RemediationPlan): string {
  if (!plan.accountId) return 'not named: the remediation role of this deployment decides';
  return `${inlineCode(plan.accountId)}${plan.accountFrom ? ` (${describeAccountSource(plan.accountFrom)})` : ''}`;
}

function targetLine(target: Record<string, string>): string {
  return `• ${Object.entries(target)
    .map(([k, v]) => `${escapeMrkdwn(k)} ${inlineCode(v)}`)
    .join(', ')}`;
}

/** `iam:UpdateAccessKey {"UserName":"alice",…}`: the call as it will be sent. */
export function callLine(call: ApiCall): string {
  return `• ${inlineCode(`${call.service}:${call.operation} ${JSON.stringify(call.params)}`)}`;
}

function policyLine(view: ApprovalView): string {
  const p = view.policy;
  const who = p.approvers.length > 0 ? p.approvers.map(approverMrkdwn).join(', ') : 'nobody is listed';
  const self = p.allowSelfApproval ? 'the requester may approve' : 'the requester may not approve';
  return `Approvers: ${who} · needs ${plural(p.minApprovals, 'distinct approval')} · ${self} · expires ${slackTime(view.expiresAt)}`;
}

function approvals(view: ApprovalView): ApprovalDecision[] {
  return view.decisions.filter((d) => d.decision === 'approve');
}

function statusMrkdwn(view: ApprovalView): string {
  const count = `${approvals(view).length} of ${view.policy.minApprovals} approvals`;
  const approvers = approvals(view).map((d) => `<@${d.userId}>`).join(', ');
  const denial = view.decisions.find((d) => d.decision === 'deny');
  switch (view.status) {
    case 'pending':
      return `⏳ *Waiting for approval*: ${count}. Nothing runs until then.`;
    case 'approved':
      return `✅ *Approved* by ${approvers}; executing…`;
    case 'denied': {
      const reason = denial?.reason ? `: “${escapeMrkdwn(denial.reason)}”` : ' (no reason given)';
      const by = denial ? ` by <@${denial.userId}> ${slackTime(denial.at)}` : '';
      return `🚫 *Denied*${by}${reason}. Nothing was executed.`;
    }
    case 'expired':
      return `⌛ *Expired* ${slackTime(view.expiresAt)} with ${count}. Nothing was executed.`;
    case 'executed': {
      const dry = view.execution?.dryRun ? ' (dry run: nothing was changed in AWS)' : '';
      const detail = view.execution?.detail ? `\n${escapeMrkdwn(view.execution.detail)}` : '';
      return `✅ *Approved* by ${approvers} and *executed*${dry}.${detail}`;
    }
    case 'failed':
      return `❌ *Approved* by ${approvers}, but *execution failed*: ${escapeMrkdwn(view.execution?.error ?? 'unknown error')}`;
  }
}

function decisionLines(view: ApprovalView): string[] {
  return view.decisions.map((d) =>
    d.decision === 'approve' ? `✅ <@${d.userId}> approved ${slackTime(d.at)}` : `🚫 <@${d.userId}> denied ${slackTime(d.at)}`,
  );
}

function buttons(view: ApprovalView): types.ActionsBlock {
  const approve: types.Button = {
    type: 'button',
    action_id: APPROVE_ACTION_ID,
    text: { type: 'plain_text', text: 'Approve' },
    style: 'primary',
    value: view.approvalId,
  };
  if (!view.plan.reversible) {
    approve.confirm = {
      title: { type: 'plain_text', text: 'Approve an irreversible action?' },
      text: { type: 'plain_text', text: `${view.plan.action} cannot be undone once executed.`.slice(0, 300) },
      confirm: { type: 'plain_text', text: 'Approve' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    };
  }
  return {
    type: 'actions',
    block_id: APPROVAL_ACTIONS_BLOCK_ID,
    elements: [
      approve,
      { type: 'button', action_id: DENY_ACTION_ID, text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: view.approvalId },
    ],
  };
}

function fallbackText(view: ApprovalView): string {
  const where = view.plan.accountId ? ` in account ${view.plan.accountId}` : '';
  const what = escapeMrkdwn(`${view.plan.action} on ${plural(view.plan.targets.length, 'target')}${where} (run ${view.runId})`);
  switch (view.status) {
    case 'pending':
      return `Approval needed: ${what}, expires ${escapeMrkdwn(utcTime(view.expiresAt))}`;
    case 'approved':
      return `Approved: ${what}; executing`;
    case 'denied':
      return `Denied: ${what}`;
    case 'expired':
      return `Expired without approval: ${what}`;
    case 'executed':
      return `Executed${view.execution?.dryRun ? ' (dry run)' : ''}: ${what}`;
    case 'failed':
      return `Execution failed: ${what}`;
  }
}
