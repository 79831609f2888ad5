/**
 * A gate whose approvers the workspace does not know (the built-in runbooks' `@security-oncall`
 * before anyone created it, a user id that names nobody): the approval message says so, the
 * run's requester is told in the thread how to fix it, and nobody outside the named approvers
 * can approve meanwhile. Once the group exists, its members can approve the same request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApproverEligibility } from '../../src/approval/eligibility.js';
import { decideClick } from '../../src/approval/decide.js';
import { plainText } from '../../src/model/text.js';
import { FAKE_BOT_TOKEN } from '../fakes/slack-api.js';
import { useTestRedis } from '../support/redis.js';
import { APPROVER, gated, REQUESTER, textOf, useFakeSlack, useWorkerScope } from '../support/worker.js';

const redis = useTestRedis();
const slack = useFakeSlack();

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctrb-unresolved-'));
  writeFileSync(join(dir, 'nobody-known.yaml'), gated('nobody-known', '1h', '["@security-oncall", U0NOBODY]'));
  writeFileSync(join(dir, 'partly-known.yaml'), gated('partly-known', '1h', `[${APPROVER}, "@incident-leads"]`));
  writeFileSync(join(dir, 'all-known.yaml'), gated('all-known', '1h'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scope = useWorkerScope(redis, slack, { get dir() { return dir; } });

async function gate(runbookId: string) {
  const w = scope();
  await w.start();
  const runId = await w.enqueue(runbookId);
  const record = await w.waitForStatus(runId, 'waiting_approval');
  const approval = (await w.approvals.getApproval(record.approvalId!))!;
  const { replies } = await w.thread(runId);
  return { w, runId, approval, message: w.slack.message(approval.message!.channel, approval.message!.ts)!, replies };
}

describe('a gate whose approvers Slack does not know', () => {
  it('says on the approval message that nobody can approve, and tells the requester how to fix it', async () => {
    const { w, approval, message, replies } = await gate('nobody-known');

    expect(approval.unresolvedApprovers).toEqual([
      { approver: '@security-oncall', problem: 'no_such_group' },
      { approver: 'U0NOBODY', problem: 'no_such_user' },
    ]);
    const shown = textOf(message);
    expect(shown).toContain('*Nobody can approve this yet*: none of its approvers is known to this workspace.');
    expect(shown).toContain('• `@security-oncall`: no user group has this handle in this workspace (or it is disabled)');
    expect(shown).toContain('• `U0NOBODY`: no user has this id in this workspace');

    const help = replies.filter((m) => textOf(m).includes('To fix it'));
    expect(help).toHaveLength(1);
    const said = textOf(help[0]);
    expect(said).toContain(`<@${REQUESTER}> nobody can approve the remediation \`remove\` of \`nobody-known\` yet`);
    expect(said).toContain('create the user group `@security-oncall` in Slack');
    expect(said).toContain('point `CTRB_RUNBOOKS` at the copy');
    expect(said).toContain('`approval.approvers` of step `remove` in `nobody-known.yaml`');
    expect(said).toContain('`ctrb validate --slack`');
    expect(said).not.toContain('&lt;@');

    // The audit trail keeps what was unknown when the approval was requested.
    const requested = (await w.approvals.readAudit()).find((e) => e.approvalId === approval.id && e.event === 'requested');
    expect(requested?.unresolvedApprovers).toEqual(['@security-oncall (no_such_group)', 'U0NOBODY (no_such_user)']);
  });

  it('lets nobody else approve meanwhile; once the group exists, its members can', async () => {
    const { w, approval } = await gate('nobody-known');
    const client = new webApi.WebClient(FAKE_BOT_TOKEN, { slackApiUrl: w.slack.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    const eligibility = new ApproverEligibility(client, { logger: pino({ level: 'silent' }) });

    // Neither a person the workspace knows nor the requester becomes an approver for want of one.
    for (const user of [APPROVER, REQUESTER]) {
      const refused = await decideClick(w.approvals, eligibility, { approvalId: approval.id, userId: user, decision: 'approve' });
      expect(refused).toMatchObject({ outcome: 'refused', code: 'not_approver' });
      if (refused.outcome !== 'refused') throw new Error('expected a refusal');
      expect(plainText(refused.message)).toBe(
        'You are not an approver for this remediation (approvers: @security-oncall, @U0NOBODY). @security-oncall is not a user group in this workspace, so nobody can approve through it.',
      );
    }
    expect((await w.approvals.getApproval(approval.id))?.state).toBe('pending');

    w.slack.addUser({ id: 'U0ONCALL' });
    w.slack.addUserGroup({ id: 'S0SECONCALL', handle: 'security-oncall', users: ['U0ONCALL'] });
    eligibility.forget();
    const approved = await decideClick(w.approvals, eligibility, { approvalId: approval.id, userId: 'U0ONCALL', decision: 'approve' });
    expect(approved.outcome).toBe('approved');
  });

  it('names only the approvers that are missing when some are known', async () => {
    const { approval, message, replies } = await gate('partly-known');
    expect(approval.unresolvedApprovers).toEqual([{ approver: '@incident-leads', problem: 'no_such_group' }]);
    expect(textOf(message)).toContain('*Some approvers cannot approve*: this workspace does not know them.');
    const help = replies.filter((m) => textOf(m).includes('To fix it'));
    expect(textOf(help[0])).toContain(`<@${REQUESTER}> not every approver of the remediation \`remove\` of \`partly-known\` can approve it`);
  });

  it('says nothing more when every approver is known', async () => {
    const { approval, message, replies } = await gate('all-known');
    expect(approval.unresolvedApprovers).toBeUndefined();
    expect(textOf(message)).not.toContain('cannot approve');
    expect(replies.filter((m) => textOf(m).includes('To fix it'))).toEqual([]);
  });
});
