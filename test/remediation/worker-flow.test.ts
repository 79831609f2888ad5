/**
 * A remediation from approval to undo, as production runs it (test/support/remediation-flow.ts):
 * the worker's identity assumes the remediation role at the STS fake (external id, session name
 * with the run id), and the IAM fake sees the calls signed with that role's credentials.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../src/queue/producers.js';
import { APPROVE_ACTION_ID, UNDO_ACTION_ID } from '../../src/slack/render/index.js';
import { useTestRedis } from '../support/redis.js';
import { buttons, eventually, EXTERNAL_ID, text, useRemediationFlow, WORKER_KEY } from '../support/remediation-flow.js';

const ACCOUNT = '111122223333';
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ctrb-remediation`;
const QUERY_ROLE = `arn:aws:iam::${ACCOUNT}:role/ctrb-query`;
const CHANNEL = 'C0INCIDENTS';
const APPROVER = 'U0APPROVER';
const SECOND = 'U0SECOND';
const REQUESTER = 'U0RESPONDER';
const OUTSIDER = 'U0OUTSIDER';
const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' };

const RUNBOOK = `
id: leaked-key
title: A leaked access key
summary: The key's use, and deactivating it after approval.
severity: high
params:
  account: { type: account, default: "${ACCOUNT}", description: the account acted in }
steps:
  - id: keys
    title: Keys used from outside
    query:
      where: { userIdentity.type: IAMUser }
      group: { by: [userIdentity.arn as principal, userIdentity.userName as user, userIdentity.accessKeyId as key, eventName, sourceIPAddress as ip], count: calls }
  - id: allowed
    title: Was the key's owner allowed to?
    verify_access:
      for_each: keys
      principal: row.principal
      action: '"s3:" + row.eventName'
      context: { "aws:SourceIp": row.ip }
  - id: deactivate
    title: Deactivate the key
    remediate:
      action: iam.deactivate-access-key
      for_each: keys
      inputs: { user_name: row.user, access_key_id: row.key }
      approval: { approvers: [${APPROVER}, ${SECOND}] }
  - id: after
    title: Then
    note: Rotate the key with its owner.
`;

function cloudTrailEvent(i: number): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: `2026-11-02T03:0${i}:00Z`,
    eventID: randomUUID(),
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0',
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    userIdentity: { type: 'IAMUser', principalId: 'AIDAALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, accessKeyId: KEY, userName: 'alice' },
  };
}

const redis = useTestRedis();
const flow = useRemediationFlow(redis, {
  runbooks: { 'leaked-key.yaml': RUNBOOK },
  records: [0, 1, 2].map(cloudTrailEvent),
  users: [APPROVER, SECOND, REQUESTER, OUTSIDER],
  iam: { users: [{ name: 'alice', accessKeys: [{ id: KEY }] }] },
  roles: { [ROLE]: { externalId: EXTERNAL_ID }, [QUERY_ROLE]: { externalId: EXTERNAL_ID } },
  env: {
    CTRB_QUERY_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-query',
    CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-remediation',
  },
});

describe('an approved remediation', () => {
  it('executes for real once with the remediation role, verifies in the thread, and its Undo goes through its own approval', async () => {
    const { slack, iam, sts, queues, runs, approvals, click } = flow();
    iam.simulate.answer({ policySourceArn: `arn:aws:iam::${ACCOUNT}:user/alice`, decision: 'allowed', matchedStatements: [{ sourcePolicyId: 'alice-s3-read', sourcePolicyType: 'user' }] });
    const runId = randomUUID();
    await enqueueRun(
      queues,
      { runId, runbookId: 'leaked-key', params: { account: ACCOUNT }, window: WINDOW, requestedBy: REQUESTER, source: 'slash', slack: { channel: CHANNEL } },
      { records: runs },
    );
    const gated = await eventually(async () => {
      const r = await runs.getRecord(runId);
      return r?.status === 'waiting_approval' ? r : undefined;
    }, 'the run waits at its gate');
    const approval = (await approvals.getApproval(gated.approvalId!))!;
    expect(approval.plan.targets).toEqual([{ user_name: 'alice', access_key_id: KEY }]);

    // Before any approval: only the simulator was asked, with the query role's credentials.
    expect(iam.calls.map((c) => c.action)).toEqual(['SimulatePrincipalPolicy']);
    const queryRole = sts.calls.find((c) => c.params.RoleArn === QUERY_ROLE && c.outcome === 'ok')!;
    expect(queryRole.params.RoleSessionName).toBe(`ctrb-${runId}`);
    expect(iam.calls[0]!.accessKeyId).toBe(queryRole.issued!.accessKeyId);
    const verified = slack.threadReplies(CHANNEL, gated.slack.threadTs!).find((m) => text(m).includes('Was the key'));
    expect(text(verified)).toContain('*allowed*');
    expect(text(verified)).toContain('s3:ListAllMyBuckets');
    expect(text(verified)).toContain('allowed by user policy alice-s3-read');
    expect(text(verified)).toContain('What the simulator does not see');

    // Approve, twice over: one execution.
    await click(APPROVE_ACTION_ID, approval.id, APPROVER, approval.message!);
    await click(APPROVE_ACTION_ID, approval.id, SECOND, approval.message!);
    const done = await eventually(async () => {
      const r = await runs.getRecord(runId);
      return r?.status === 'completed' ? r : undefined;
    }, 'the run completes after the remediation');

    // The key really is inactive, changed by one call signed with the remediation role's credentials.
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
    const updates = iam.calls.filter((c) => c.action === 'UpdateAccessKey');
    expect(updates).toHaveLength(1);
    const assumed = sts.calls.filter((c) => c.outcome === 'ok' && c.params.RoleArn === ROLE);
    expect(assumed[0]!.params).toMatchObject({ RoleArn: ROLE, ExternalId: EXTERNAL_ID, RoleSessionName: `ctrb-${runId}` });
    expect(assumed[0]!.accessKeyId).toBe(WORKER_KEY);
    expect(assumed.map((c) => c.issued!.accessKeyId)).toContain(updates[0]!.accessKeyId);
    expect(iam.calls.every((c) => c.accessKeyId?.startsWith('ASIA'))).toBe(true);
    // The query role never changed anything, and the remediation role never asked the simulator.
    const byQueryRole = new Set(sts.calls.filter((c) => c.params.RoleArn === QUERY_ROLE).map((c) => c.issued?.accessKeyId));
    expect(iam.calls.filter((c) => byQueryRole.has(c.accessKeyId)).map((c) => c.action)).toEqual(['SimulatePrincipalPolicy']);

    // The approval message, updated in place: executed for real.
    const executed = (await approvals.getApproval(approval.id))!;
    expect(executed.state).toBe('executed');
    expect(executed.outcome).not.toHaveProperty('dryRun', true);
    const approvalMessage = slack.message(approval.message!.channel, approval.message!.ts);
    expect(approvalMessage!.text).toContain('Executed');
    expect(text(approvalMessage)).not.toContain('dry run');
    expect(text(approvalMessage)).toContain('iam.deactivate-access-key done on 1 target and verified');

    // The result message in the thread: what verify read back, and Undo.
    const thread = slack.threadReplies(CHANNEL, done.slack.threadTs!);
    const result = thread.find((m) => text(m).includes('Remediation iam.deactivate-access-key executed and verified'));
    expect(text(result)).toContain(`access key ${KEY} of IAM user alice is Inactive`);
    expect(buttons(result)).toEqual([expect.objectContaining({ action_id: UNDO_ACTION_ID, value: approval.id })]);
    // The run went on past the gate.
    expect(thread.some((m) => text(m).includes('Rotate the key with its owner.'))).toBe(true);

    // Someone who is neither an approver nor the requester cannot ask for the undo.
    await click(UNDO_ACTION_ID, approval.id, OUTSIDER, { channel: CHANNEL, ts: result!.ts });
    const refusal = await eventually(() => slack.ephemerals.find((m) => m.channel === CHANNEL && text(m).includes('Only the approvers')), 'the outsider is told');
    expect(refusal).toBeDefined();

    // The requester asks for the undo: an approval of the undo plan, from the same approvers.
    await click(UNDO_ACTION_ID, approval.id, REQUESTER, { channel: CHANNEL, ts: result!.ts });
    const undoMessage = await eventually(
      () => slack.threadReplies(CHANNEL, done.slack.threadTs!).find((m) => text(m).includes('Approval needed: undo iam.deactivate-access-key')),
      'the undo approval is posted in the thread',
    );
    const [approveUndo] = buttons(undoMessage);
    const undo = (await approvals.getApproval(approveUndo!.value))!;
    expect(undo).toMatchObject({
      state: 'pending',
      requestedBy: REQUESTER,
      plan: {
        undoOf: approval.id,
        calls: [{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Active' } }],
      },
      policy: { approvers: [APPROVER, SECOND], min_approvals: 1, allow_self_approval: false },
    });
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');

    // A second click finds the same undo approval.
    await click(UNDO_ACTION_ID, approval.id, APPROVER, { channel: CHANNEL, ts: result!.ts });
    await eventually(() => slack.ephemerals.find((m) => text(m).includes('An undo was already asked for')), 'the second asker is told');

    // Nobody decides within the hour: it expires. Asking again (several at once) makes one new undo approval.
    expect((await approvals.expireDue(new Date(Date.parse(undo.policy.expires_at) + 1_000))).map((a) => a.id)).toEqual([undo.id]);
    await Promise.all([REQUESTER, APPROVER, SECOND, REQUESTER].map((who) => click(UNDO_ACTION_ID, approval.id, who, { channel: CHANNEL, ts: result!.ts })));
    const askedAgain = await eventually(
      () => slack.threadReplies(CHANNEL, done.slack.threadTs!).filter((m) => text(m).includes('Approval needed: undo iam.deactivate-access-key'))[1],
      'a second undo approval is posted in the thread',
    );
    const again = (await approvals.getApproval(buttons(askedAgain)[0]!.value))!;
    expect(again).toMatchObject({ state: 'pending', requestedBy: REQUESTER, plan: { undoOf: approval.id } });
    expect(again.id).not.toBe(undo.id);
    // The expired one stays expired; its buttons are not the ones that count.
    await click(APPROVE_ACTION_ID, undo.id, APPROVER, undoMessage!);
    await eventually(() => slack.ephemerals.find((m) => text(m).includes('Click Undo on the remediation again to request a new one')), 'the late approver is told');
    expect((await approvals.getApproval(undo.id))!.state).toBe('expired');

    // Approved: the undo runs and verifies; the key is Active again.
    await click(APPROVE_ACTION_ID, again.id, APPROVER, askedAgain);
    const undone = await eventually(async () => {
      const a = await approvals.getApproval(again.id);
      return a?.state === 'executed' || a?.state === 'failed' ? a : undefined;
    }, 'the undo is executed');
    expect(undone.state).toBe('executed');
    expect(iam.state.accessKey('alice', KEY).status).toBe('Active');
    expect(iam.calls.filter((c) => c.action === 'UpdateAccessKey').map((c) => c.params.Status)).toEqual(['Inactive', 'Active']);
    const undoResult = await eventually(
      () => slack.threadReplies(CHANNEL, done.slack.threadTs!).find((m) => text(m).includes('Undo of iam.deactivate-access-key and verified')),
      'the undo result is posted',
    );
    expect(text(undoResult)).toContain(`access key ${KEY} of IAM user alice is Active`);
    expect(buttons(undoResult)).toEqual([]);
    // Once undone, asking again is answered, not granted.
    await click(UNDO_ACTION_ID, approval.id, REQUESTER, { channel: CHANNEL, ts: result!.ts });
    await eventually(() => slack.ephemerals.find((m) => text(m).includes('Already undone')), 'the asker is told it is undone');
    expect(slack.threadReplies(CHANNEL, done.slack.threadTs!).filter((m) => text(m).includes('Approval needed: undo'))).toHaveLength(2);
    // The run is untouched by its undo.
    expect((await runs.getRecord(runId))!.status).toBe('completed');
  });
});
