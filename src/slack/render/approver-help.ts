/**
 * Approvers the workspace does not know (src/approval/approver-directory.ts), said where it
 * matters: on the approval message, while it waits, and to the run's requester in the thread,
 * with the two ways to fix it (create the group in Slack, or name existing approvers in a copy
 * of the runbooks). Nobody else becomes an approver meanwhile: the gate only ever opens for
 * the approvers the runbook names.
 */
import type { UnresolvedApprover } from '../../approval/types.js';
import { unresolvedReason } from '../../approval/approver-directory.js';
import { mrkdwnSection } from './layout.js';
import { fitMessage, type Block, type SlackMessage } from './limits.js';
import { approverMrkdwn, escapeMrkdwn, inlineCode, requesterMrkdwn, slackTime } from './mrkdwn.js';

/** `@security-oncall`: no user group has this handle in this workspace (or it is disabled). */
export function unresolvedApproverLine(u: UnresolvedApprover): string {
  const who = u.problem === 'no_such_group' || u.problem === 'no_such_user' ? inlineCode(u.approver) : approverMrkdwn(u.approver);
  return `• ${who}: ${escapeMrkdwn(unresolvedReason(u))}`;
}

/** Whether none of the policy's approvers can approve. */
function nobody(approvers: readonly string[], unresolved: readonly UnresolvedApprover[]): boolean {
  const missing = new Set(unresolved.map((u) => u.approver));
  return approvers.every((a) => missing.has(a));
}

/** The approval message's warning, shown while it waits. */
export function unresolvedApproversBlocks(approvers: readonly string[], unresolved: readonly UnresolvedApprover[] | undefined): Block[] {
  if (!unresolved || unresolved.length === 0) return [];
  const headline = nobody(approvers, unresolved)
    ? '⚠️ *Nobody can approve this yet*: none of its approvers is known to this workspace.'
    : '⚠️ *Some approvers cannot approve*: this workspace does not know them.';
  return [mrkdwnSection(`${headline}\n${unresolved.map(unresolvedApproverLine).join('\n')}\nThe person who started the run is told in this thread how to fix it.`)];
}

export interface ApproverHelpInput {
  runbookId: string;
  stepId: string;
  requestedBy: string;
  approvers: readonly string[];
  unresolved: readonly UnresolvedApprover[];
  expiresAt: string;
}

/** To the run's requester, in the thread: which approvers are missing and how to fix it. */
export function renderApproverHelp(input: ApproverHelpInput): SlackMessage {
  const who = /^[UW][A-Z0-9]{2,}$/.test(input.requestedBy) ? `${requesterMrkdwn(input.requestedBy)} ` : '';
  const all = nobody(input.approvers, input.unresolved);
  const step = `${inlineCode(input.stepId)} of ${inlineCode(input.runbookId)}`;
  const headline = all ? `${who}nobody can approve the remediation ${step} yet` : `${who}not every approver of the remediation ${step} can approve it`;
  const groups = input.unresolved.filter((u) => !/^[UW]/.test(u.approver) && (u.problem === 'no_such_group' || u.problem === 'empty_group'));
  const fixes: string[] = [];
  if (groups.length > 0) {
    const names = groups.map((g) => inlineCode(g.approver)).join(', ');
    const create = groups.some((g) => g.problem === 'no_such_group');
    fixes.push(
      `${create ? `create the user group ${names} in Slack (a workspace admin may have to allow user groups)` : `add people to ${names}`} and put in it the people who approve remediations: they can approve this request as soon as they are in it, until it expires ${slackTime(input.expiresAt)}`,
    );
  }
  fixes.push(
    `${fixes.length > 0 ? 'or ' : ''}copy the runbooks, point ${inlineCode('CTRB_RUNBOOKS')} at the copy for the bot and the workers, and name an existing user group (${inlineCode('@handle')}) or people (${inlineCode('U…')} ids) under ${inlineCode('approval.approvers')} of step ${inlineCode(input.stepId)} in ${inlineCode(`${input.runbookId}.yaml`)}; ${inlineCode('ctrb validate --slack')} checks them against this workspace. Then start the runbook again.`,
  );
  const text =
    `⚠️ ${headline}: this workspace does not know ${input.unresolved.length === 1 ? 'this approver' : 'these approvers'}:\n` +
    `${input.unresolved.map(unresolvedApproverLine).join('\n')}\n` +
    (fixes.length > 1 ? `*To fix it*, either:${fixes.map((f) => `\n• ${f}`).join('')}` : `*To fix it*, ${fixes[0]}`);
  return fitMessage({
    text: escapeMrkdwn(`${all ? 'Nobody can approve' : 'Not every approver can approve'} ${input.runbookId} step ${input.stepId}: ${input.unresolved.map((u) => u.approver).join(', ')} not known to this workspace`),
    blocks: [mrkdwnSection(text)],
  });
}
