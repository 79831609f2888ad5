/**
 * The built-in compromised-credentials runbook started with /investigate (no alarm, no
 * `account` parameter) in a deployment whose remediation role comes from an ARN template:
 * the approval message names the account the key's own events name, and the approved
 * remediation (and its undo) assumes that account's role and acts there. Evidence spanning two accounts is
 * refused when the remediation is planned, before anyone is asked to approve it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../src/queue/producers.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { APPROVE_ACTION_ID, UNDO_ACTION_ID } from '../../src/slack/render/index.js';
import { useTestRedis } from '../support/redis.js';
import { buttons, eventually, EXTERNAL_ID, text, useRemediationFlow, type RemediationFlow } from '../support/remediation-flow.js';

const PROD = '444455556666';
const DEV = '777788889999';
const PROD_KEY = 'AKIAPRODDAVE00000001';
const DEV_KEY = 'AKIADEVDAVE000000002';
const roleOf = (account: string) => `arn:aws:iam::${account}:role/ctrb-remediation`;
const CHANNEL = 'C0INCIDENTS';
const APPROVER = 'U0APPROVER';
const REQUESTER = 'U0RESPONDER';
const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' };

/** One call by dave (an IAM user of that name exists in each account, with that account's key). */
function call(account: string, key: string, minute: number): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: `2026-11-02T03:${String(minute).padStart(2, '0')}:00Z`,
    eventID: randomUUID(),
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.77',
    userAgent: 'aws-cli/2.15.0',
    eventType: 'AwsApiCall',
    recipientAccountId: account,
    userIdentity: { type: 'IAMUser', principalId: `AIDA${account}`, arn: `arn:aws:iam::${account}:user/dave`, accountId: account, accessKeyId: key, userName: 'dave' },
  };
}

const redis = useTestRedis();
const flow = useRemediationFlow(redis, {
  runbooks: { 'compromised-credentials.yaml': readFileSync(join(BUILTIN_RUNBOOK_DIR, 'compromised-credentials.yaml'), 'utf8') },
  records: [call(PROD, PROD_KEY, 1), call(PROD, PROD_KEY, 2), call(DEV, DEV_KEY, 3)],
  users: [APPROVER, REQUESTER],
  userGroups: [{ id: 'S0SECURITY', handle: 'security-oncall', users: [APPROVER] }],
  iam: { byAccount: { [PROD]: { users: [{ name: 'dave', accessKeys: [{ id: PROD_KEY }] }] }, [DEV]: { users: [{ name: 'dave', accessKeys: [{ id: DEV_KEY }] }] } } },
  roles: { [roleOf(PROD)]: { externalId: EXTERNAL_ID }, [roleOf(DEV)]: { externalId: EXTERNAL_ID } },
  env: { CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-remediation' },
});

async function investigate(f: RemediationFlow, credential: string): Promise<string> {
  const runId = randomUUID();
  await enqueueRun(
    f.queues,
    { runId, runbookId: 'compromised-credentials', params: { credential }, window: WINDOW, requestedBy: REQUESTER, source: 'slash', slack: { channel: CHANNEL } },
    { records: f.runs },
  );
  return runId;
}

describe('a remediation started from /investigate, with no account named', () => {
  it("names the account of the key's events in the approval message, and executes there with that account's role", async () => {
    const f = flow();
    const runId = await investigate(f, PROD_KEY);
    const gated = await eventually(async () => {
      const r = await f.runs.getRecord(runId);
      return r?.status === 'waiting_approval' || r?.status === 'failed' ? r : undefined;
    }, 'the run stops at its first gate');
    expect(gated.status).toBe('waiting_approval');
    const approval = (await f.approvals.getApproval(gated.approvalId!))!;
    expect(approval.plan).toMatchObject({ action: 'iam.deactivate-access-key', accountId: PROD, accountFrom: 'rows', targets: [{ user_name: 'dave', access_key_id: PROD_KEY }] });

    // The approver reads where it will act before approving.
    const message = f.slack.message(approval.message!.channel, approval.message!.ts);
    expect(message!.text).toContain(`in account ${PROD}`);
    expect(text(message)).toContain(`*Account*\\n\`${PROD}\` (the account the rows name)`);

    await f.click(APPROVE_ACTION_ID, approval.id, APPROVER, approval.message!);
    const decided = await eventually(async () => {
      const a = await f.approvals.getApproval(approval.id);
      return a?.state === 'executed' || a?.state === 'failed' ? a : undefined;
    }, 'the remediation is executed');
    expect(decided.outcome).not.toHaveProperty('error');
    expect(decided.state).toBe('executed');

    // The role of the key's account was assumed for this run, and only it changed IAM.
    const assumed = f.sts.calls.filter((c) => c.outcome === 'ok' && c.params.RoleSessionName === `ctrb-${runId}`);
    expect(assumed.map((c) => c.params.RoleArn)).toEqual([roleOf(PROD)]);
    const updates = f.iam.calls.filter((c) => c.action === 'UpdateAccessKey');
    expect(updates.map((c) => [c.accessKeyId, c.account])).toEqual([[assumed[0]!.issued!.accessKeyId, PROD]]);
    expect(f.iam.stateOf(PROD).accessKey('dave', PROD_KEY).status).toBe('Inactive');
    expect(f.iam.stateOf(DEV).accessKey('dave', DEV_KEY).status).toBe('Active');
    // Each account's IAM is its own: the other account's dave has no such key.
    expect(() => f.iam.stateOf(DEV).accessKey('dave', PROD_KEY)).toThrow(/cannot be found/);

    // Its undo acts in the same account, through its own approval.
    const result = await eventually(
      () => f.slack.threadReplies(CHANNEL, gated.slack.threadTs!).find((m) => buttons(m).some((b) => b.action_id === UNDO_ACTION_ID)),
      'the result offers Undo',
    );
    await f.click(UNDO_ACTION_ID, approval.id, REQUESTER, { channel: CHANNEL, ts: result.ts });
    const undoMessage = await eventually(
      () => f.slack.threadReplies(CHANNEL, gated.slack.threadTs!).find((m) => text(m).includes('Approval needed: undo')),
      'the undo approval is posted',
    );
    const undo = (await f.approvals.getApproval(buttons(undoMessage)[0]!.value))!;
    expect(undo.plan).toMatchObject({ undoOf: approval.id, accountId: PROD });
    expect(undoMessage.text).toContain(`in account ${PROD}`);
    await f.click(APPROVE_ACTION_ID, undo.id, APPROVER, undoMessage);
    const undone = await eventually(async () => {
      const a = await f.approvals.getApproval(undo.id);
      return a?.state === 'executed' || a?.state === 'failed' ? a : undefined;
    }, 'the undo is executed');
    expect(undone.outcome).not.toHaveProperty('error');
    expect(f.iam.stateOf(PROD).accessKey('dave', PROD_KEY).status).toBe('Active');
    const roles = f.sts.calls.filter((c) => c.outcome === 'ok' && c.params.RoleSessionName === `ctrb-${runId}`).map((c) => c.params.RoleArn);
    expect(new Set(roles)).toEqual(new Set([roleOf(PROD)]));
  });

  it('refuses, when planning, evidence that spans two accounts, naming them in the thread; nobody is asked to approve', async () => {
    const f = flow();
    const assumedBefore = f.sts.calls.length;
    const runId = await investigate(f, 'dave');
    const failed = await eventually(async () => {
      const r = await f.runs.getRecord(runId);
      return r?.status === 'failed' || r?.status === 'waiting_approval' ? r : undefined;
    }, 'the run stops');
    expect(failed.status).toBe('failed');
    expect(failed.approvalId ?? undefined).toBeUndefined();

    const thread = f.slack.threadReplies(CHANNEL, failed.slack.threadTs!);
    const refusal = thread.find((m) => text(m).includes('Deactivate the compromised access key'));
    // (Slack shows &lt; as <.)
    expect(text(refusal)).toContain(
      `*Failed:* iam.deactivate-access-key: the rows of keys are in 2 accounts: ${PROD} (1 row), ${DEV} (1 row), and one approval acts in one account. Run the runbook again with account=&lt;id&gt; for each of them`,
    );
    expect(thread.some((m) => text(m).includes('Approval needed'))).toBe(false);
    expect(f.sts.calls.length).toBe(assumedBefore);
  });
});
