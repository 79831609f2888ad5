/**
 * The modal a Deny click opens: an optional reason, with the approval id carried in
 * `private_metadata` (Slack returns it on submit; the user never sees or edits it).
 */
import type { types } from '@slack/bolt';
import { SLACK_LIMITS, truncateMrkdwn, truncatePlain } from './limits.js';
import { escapeMrkdwn, inlineCode } from './mrkdwn.js';

export const DENY_MODAL_CALLBACK_ID = 'approval_deny_modal';
export const DENY_REASON_BLOCK_ID = 'deny_reason';
export const DENY_REASON_ACTION_ID = 'reason';
/** Enough for a sentence or two; the reason is shown in the approval message and the audit log. */
export const DENY_REASON_MAX_LENGTH = 500;

export interface DenyModalInput {
  approvalId: string;
  action: string;
  summary: string;
}

/** The `view` argument of `views.open`. */
export function renderDenyModal(input: DenyModalInput): types.ModalView {
  return {
    type: 'modal',
    callback_id: DENY_MODAL_CALLBACK_ID,
    private_metadata: input.approvalId,
    title: { type: 'plain_text', text: truncatePlain('Deny remediation', SLACK_LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncateMrkdwn(`Deny ${inlineCode(input.action)}: ${escapeMrkdwn(input.summary)}`, SLACK_LIMITS.sectionText),
          verbatim: true,
        },
      },
      {
        type: 'input',
        block_id: DENY_REASON_BLOCK_ID,
        optional: true,
        label: { type: 'plain_text', text: 'Reason (optional)' },
        hint: { type: 'plain_text', text: 'Shown in the approval message and kept in the audit log.' },
        element: {
          type: 'plain_text_input',
          action_id: DENY_REASON_ACTION_ID,
          multiline: true,
          max_length: DENY_REASON_MAX_LENGTH,
        },
      },
    ],
  };
}

/** The submitted reason from a `view_submission` payload's `view.state.values`, if one was typed. */
export function readDenyReason(values: Record<string, Record<string, { value?: string | null }>> | undefined): string | undefined {
  const reason = values?.[DENY_REASON_BLOCK_ID]?.[DENY_REASON_ACTION_ID]?.value?.trim();
  return reason ? reason.slice(0, DENY_REASON_MAX_LENGTH) : undefined;
}
