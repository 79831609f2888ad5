/**
 * What a refused click tells the person who made it: short sentences that say why and,
 * where there is one, what to do instead. Read by someone under pressure, in an
 * ephemeral Slack message.
 */
import type { Approval, ApprovalState, RefusalCode } from './types.js';
import { approversText, userMention, type BotText } from '../model/text.js';

export interface RefusalContext {
  approval?: Approval;
  votes?: number;
  needed?: number;
  /** Who may approve: the policy's approvers, or the Slack error for `lookup_failed`. */
  approvers?: readonly string[];
  detail?: string;
  /** `lookup_failed`: Slack's code and what to do, as a sentence (replaces `detail` in the message). */
  advice?: string;
  /** `not_approver`: approver groups Slack does not know (nobody can approve through them). */
  unknownGroups?: readonly string[];
  now: Date;
}

export function refusalMessage(code: RefusalCode, ctx: RefusalContext): BotText {
  switch (code) {
    case 'unknown_approval':
      return 'This approval request is not known here: it may belong to another deployment or have been cleaned up. Start the runbook again to request a new one.';
    case 'closed':
      return closedMessage(ctx.approval?.state);
    case 'expired': {
      const at = ctx.approval?.policy.expires_at;
      const when = at ? ` at ${formatUtc(new Date(at), ctx.now)}` : '';
      const again = ctx.approval?.plan.undoOf !== undefined ? 'Click Undo on the remediation again' : 'Start the runbook again';
      return `This approval expired${when}. ${again} to request a new one.`;
    }
    case 'already_decided': {
      const missing = Math.max(0, (ctx.needed ?? 0) - (ctx.votes ?? 0));
      return missing > 0
        ? `You have already approved this; it needs ${missing} more ${missing === 1 ? 'approver' : 'approvers'}.`
        : 'You have already decided on this.';
    }
    case 'self_approval':
      return 'You requested this run; self-approval is off for this step.';
    case 'no_approvers':
      return 'Nobody can approve this remediation: the runbook step names no approvers. Add `approval.approvers` to the step in the runbook.';
    case 'not_approver': {
      const unknown = ctx.unknownGroups ?? [];
      const why =
        unknown.length === 0
          ? ''
          : ` ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a user group' : 'are not user groups'} in this workspace, so nobody can approve through ${unknown.length === 1 ? 'it' : 'them'}.`;
      return ['You are not an approver for this remediation (approvers: ', ...formatApprovers(ctx.approvers ?? ctx.approval?.policy.approvers ?? []), `).${why}`];
    }
    case 'bot':
      return 'Bots and apps cannot approve or deny remediations.';
    case 'deactivated':
      return 'Deactivated Slack accounts cannot approve or deny remediations.';
    case 'lookup_failed':
      if (ctx.advice) return `Slack could not confirm that you are an approver, so nothing was changed. ${ctx.advice}.`;
      return `Slack could not confirm that you are an approver${ctx.detail ? ` (${ctx.detail})` : ''}, so nothing was changed. Try again in a moment.`;
  }
}

function closedMessage(state: ApprovalState | undefined): string {
  switch (state) {
    case 'approved':
      return 'This remediation is already approved and is being carried out.';
    case 'executed':
      return 'This remediation was already approved and carried out.';
    case 'failed':
      return 'This remediation was approved, but carrying it out failed; see the thread.';
    case 'denied':
      return 'This remediation was denied; nothing will be done. Start the runbook again to request it anew.';
    default:
      return 'This approval is already decided.';
  }
}

/** Approvers as Slack renders them: user mentions, group mentions, or the `@handle` as written. */
export function formatApprovers(approvers: readonly string[]): BotText {
  return approversText(approvers);
}

/** Why a second Undo click starts nothing: the undo asked for already, by whom, and where it stands. */
export function undoExistsMessage(undo: Pick<Approval, 'requestedBy' | 'state'>): BotText {
  return undo.state === 'executed'
    ? ['Already undone: the undo asked for by ', userMention(undo.requestedBy), ' was executed (its result is in the thread).']
    : ['An undo was already asked for by ', userMention(undo.requestedBy), `: its approval is in the thread (${undo.state}).`];
}

/** `14:05 UTC` on the same UTC day as `now`, else `2025-03-01 14:05 UTC`. */
export function formatUtc(time: Date, now: Date): string {
  const iso = time.toISOString();
  const clock = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? clock : `${iso.slice(0, 10)} ${clock}`;
}
