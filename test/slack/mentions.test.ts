/**
 * The people and groups the bot names are real mentions in every kind of message it sends;
 * only untrusted text is escaped. A mention escaped into text (`&lt;@U…&gt;`) reaches nobody
 * and reads as noise: none may survive in any message.
 */
import { describe, expect, it } from 'vitest';
import { formatApprovers, refusalMessage, undoExistsMessage } from '../../src/approval/messages.js';
import type { RefusalCode } from '../../src/approval/types.js';
import {
  renderApprovalMessage,
  renderApproverHelp,
  renderRefusal,
  renderRunMessage,
  renderRunStatus,
  renderStepReply,
  type ApprovalStatus,
  type SlackMessage,
} from '../../src/slack/render/index.js';
import { renderEngineWarnings } from '../../src/slack/reporter.js';
import { approvalView, blockText, checkStep, finding, queryStep, cloudTrailRows, runContext } from './builders.js';
import { userMention, usergroupMention, channelMention } from '../../src/model/text.js';

const ESCAPED_MENTION = /&lt;(@[UW]|!subteam\^|#[CG])/;
const APPROVERS = ['U0APPR1', 'S0ONCALL', '@security-oncall'];
const REFUSALS: RefusalCode[] = ['unknown_approval', 'closed', 'expired', 'already_decided', 'self_approval', 'no_approvers', 'not_approver', 'bot', 'deactivated', 'lookup_failed'];
const STATUSES: ApprovalStatus[] = ['pending', 'approved', 'denied', 'expired', 'executed', 'failed'];
const NOW = new Date('2026-11-02T12:30:00Z');
const UNRESOLVED = [
  { approver: '@security-oncall', problem: 'no_such_group' as const },
  { approver: 'S0ONCALL', problem: 'empty_group' as const },
  { approver: 'U0APPR1', problem: 'deactivated' as const },
];

/** Everything a person may read of a message: the notification text and every block's text. */
const allText = (m: SlackMessage): string => `${m.text}\n${blockText(m.blocks)}`;

function everyMessage(): [string, SlackMessage][] {
  const decisions = [
    { userId: 'U0APPR1', decision: 'approve' as const, at: '2026-11-02T12:10:00.000Z' },
    { userId: 'U0APPR2', decision: 'deny' as const, at: '2026-11-02T12:11:00.000Z', reason: 'not now' },
  ];
  const view = approvalView({ policy: { approvers: APPROVERS, minApprovals: 1, allowSelfApproval: false } });
  const ctx = runContext({ requestedBy: 'U0REQUEST' });
  return [
    ...REFUSALS.map((code): [string, SlackMessage] => [
      `refusal ${code}`,
      renderRefusal(refusalMessage(code, { approvers: APPROVERS, detail: 'user_not_found', now: NOW })),
    ]),
    ['undo already executed', renderRefusal(undoExistsMessage({ requestedBy: 'U0REQUEST', state: 'executed' }))],
    ['undo already asked for', renderRefusal(undoExistsMessage({ requestedBy: 'U0REQUEST', state: 'pending' }))],
    ...STATUSES.map((status): [string, SlackMessage] => [
      `approval ${status}`,
      renderApprovalMessage({ ...view, status, decisions, ...(status === 'failed' ? { execution: { dryRun: false, error: 'AccessDenied' } } : {}) }),
    ]),
    ['run message', renderRunMessage({ title: 'A leaked access key', context: ctx })],
    ['run status', renderRunStatus({ title: 'A leaked access key', context: ctx, status: 'running', steps: [{ id: 'checks', title: 'Checks' }], finished: [] })],
    ['step reply', renderStepReply(ctx, queryStep(cloudTrailRows(3))).message],
    ['check reply', renderStepReply(ctx, checkStep([finding(1)])).message],
    ['engine warnings', renderEngineWarnings(['skipped a file'])],
    ['refusal not_approver with unknown groups', renderRefusal(refusalMessage('not_approver', { approvers: APPROVERS, unknownGroups: ['@security-oncall'], now: NOW }))],
    ['approval with unknown approvers', renderApprovalMessage({ ...view, unresolvedApprovers: UNRESOLVED })],
    [
      'approver help',
      renderApproverHelp({ runbookId: 'password-cleanup', stepId: 'remove', requestedBy: 'U0REQUEST', approvers: APPROVERS, unresolved: UNRESOLVED, expiresAt: '2026-11-02T13:30:00.000Z' }),
    ],
  ];
}

describe('mentions the bot writes', () => {
  it.each(everyMessage())('%s: no mention survives escaped', (_kind, message) => {
    expect(allText(message)).not.toMatch(ESCAPED_MENTION);
  });

  it('are real in an outsider\'s refused Approve (the approvers) and in a refused second Undo (who asked)', () => {
    const refused = allText(renderRefusal(refusalMessage('not_approver', { approvers: APPROVERS, now: NOW })));
    expect(refused).toContain('approvers: <@U0APPR1>, <!subteam^S0ONCALL>, @security-oncall');
    const undo = allText(renderRefusal(undoExistsMessage({ requestedBy: 'U0REQUEST', state: 'executed' })));
    expect(undo).toContain('the undo asked for by <@U0REQUEST> was executed');
    expect(formatApprovers([])).toEqual(['none named']);
  });

  it('render users, groups and channels, and show an id of the wrong form as text', () => {
    const text = allText(renderRefusal(['ask ', userMention('U0A'), ' or ', usergroupMention('S0B'), ' in ', channelMention('C0C'), ', not ', userMention('<!channel>')]));
    expect(text).toContain('ask <@U0A> or <!subteam^S0B> in <#C0C>, not &lt;!channel&gt;');
  });
});

describe('untrusted text', () => {
  it('stays escaped, even when it looks like a mention', () => {
    const text = allText(renderRefusal('Nothing was started', ['principal: "<@U0EVIL>" is not an ARN', 'note <!channel>']));
    expect(text).toContain('&lt;@U0EVIL&gt;');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<@U0EVIL>');
  });
});
