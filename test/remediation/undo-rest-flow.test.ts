/**
 * An undo that fails part-way, as production runs it (test/support/remediation-flow.ts): the
 * thread says which targets were restored and which not and offers "Undo the rest"; the audit
 * trail records the same report; undoing the rest is a new approval, for the targets not
 * restored only, and once approved it restores them without touching the others.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../src/queue/producers.js';
import { REMEDIATION_ROLE_POLICY } from '../../src/remediation/index.js';
import { APPROVE_ACTION_ID, UNDO_ACTION_ID } from '../../src/slack/render/index.js';
import { useTestRedis } from '../support/redis.js';
import { buttons, eventually, EXTERNAL_ID, text, useRemediationFlow } from '../support/remediation-flow.js';

const ACCOUNT = '111122223333';
const KEYS: Record<string, string> = { alice: 'AKIAIOSFODNN7EXAMPLE', bob: 'AKIAI44QH8DHBEXAMPLE' };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ctrb-remediation`;
const QUERY_ROLE = `arn:aws:iam::${ACCOUNT}:role/ctrb-query`;
const CHANNEL = 'C0INCIDENTS';
const APPROVER = 'U0APPROVER';
const SECOND = 'U0SECOND';
const REQUESTER = 'U0RESPONDER';
const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' };
const DENIED = `User: arn:aws:sts::${ACCOUNT}:assumed-role/ctrb-remediation/run is not authorized to perform: iam:UpdateAccessKey`;

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

function cloudTrailEvent(user: string, i: number): Record<string, unknown> {
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
    userIdentity: { type: 'IAMUser', principalId: `AIDA${user.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, accessKeyId: KEYS[user], userName: user },
  };
}

const redis = useTestRedis();
const flow = useRemediationFlow(redis, {
  runbooks: { 'leaked-key.yaml': RUNBOOK },
  records: [cloudTrailEvent('alice', 0), cloudTrailEvent('bob', 1)],
  users: [APPROVER, SECOND, REQUESTER],
  iam: { users: [{ name: 'alice', accessKeys: [{ id: KEYS.alice! }] }, { name: 'bob', accessKeys: [{ id: KEYS.bob! }] }] },
  roles: { [ROLE]: { externalId: EXTERNAL_ID }, [QUERY_ROLE]: { externalId: EXTERNAL_ID } },
  env: {
    CTRB_QUERY_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-query',
    CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-remediation',
  },
});

describe('an undo that fails on one target of two', () => {
  it('says in the thread and the audit which were restored and which not, and undoing the rest restores only those, after its own approval', async () => {
    const { slack, iam, queues, runs, approvals, click } = flow();
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
    // The undo's first call is refused: the first target stays inactive, the second is restored.
    const [first, second] = approval.plan.targets.map((t) => t.user_name!);
    expect([first, second].sort()).toEqual(['alice', 'bob']);

    await click(APPROVE_ACTION_ID, approval.id, APPROVER, approval.message!);
    const done = await eventually(async () => {
      const r = await runs.getRecord(runId);
      return r?.status === 'completed' ? r : undefined;
    }, 'the run completes after the remediation');
    const thread = () => slack.threadReplies(CHANNEL, done.slack.threadTs!);
    const result = thread().find((m) => text(m).includes('Remediation iam.deactivate-access-key executed and verified'))!;

    await click(UNDO_ACTION_ID, approval.id, REQUESTER, { channel: CHANNEL, ts: result.ts });
    const undoMessage = await eventually(() => thread().find((m) => text(m).includes('Approval needed: undo iam.deactivate-access-key')), 'the undo approval is posted');
    const undo = (await approvals.getApproval(buttons(undoMessage)[0]!.value))!;
    iam.fail('UpdateAccessKey', 'AccessDenied', DENIED);
    await click(APPROVE_ACTION_ID, undo.id, APPROVER, undoMessage);
    const failed = await eventually(async () => {
      const a = await approvals.getApproval(undo.id);
      return a?.state === 'executed' || a?.state === 'failed' ? a : undefined;
    }, 'the undo is executed');
    expect(iam.state.accessKey(first!, KEYS[first!]!).status).toBe('Inactive');
    expect(iam.state.accessKey(second!, KEYS[second!]!).status).toBe('Active');

    // The thread: which were restored, which not and why, and "Undo the rest" on the original.
    const error = `iam:UpdateAccessKey failed: AccessDenied: ${DENIED}. The remediation role lacks iam:UpdateAccessKey, which ${REMEDIATION_ROLE_POLICY} grants: check that policy is attached to the remediation role`;
    const described = (user: string) => `user_name ${user}, access_key_id ${KEYS[user]}`;
    const summary = `Undo of iam.deactivate-access-key: restored 1 of 2 targets (${described(second!)}); not restored: ${described(first!)}: ${error}`;
    const undoResult = await eventually(() => thread().find((m) => text(m).includes('Undo of iam.deactivate-access-key: 1 of 2 targets restored, 1 not')), 'the undo result is posted');
    const shown = text(undoResult);
    expect(shown).toContain(`❌ not restored user_name \`${first}\`, access_key_id \`${KEYS[first!]}\``);
    expect(shown).toContain(`✅ restored user_name \`${second}\`, access_key_id \`${KEYS[second!]}\``);
    expect(shown).toContain('The remediation role lacks iam:UpdateAccessKey');
    expect(buttons(undoResult)).toEqual([expect.objectContaining({ action_id: UNDO_ACTION_ID, value: approval.id, text: { type: 'plain_text', text: 'Undo the rest' } })]);

    // The audit: the same report, target by target.
    const audit = await approvals.audit.read();
    const ended = audit.filter((e) => e.approvalId === undo.id && (e.event === 'executed' || e.event === 'failed'));
    expect(ended).toHaveLength(1);
    expect(failed.state).toBe('failed');
    expect(ended[0]).toMatchObject({ event: 'failed', outcome: { error: summary, details: { execution: { summary, ok: false, mode: 'undo' } } } });
    const outcome = (ended[0]!.outcome as { details: { execution: { targets: Array<{ target: Record<string, string>; ok: boolean; error?: string }> } } }).details.execution;
    expect(outcome.targets.map((t) => ({ user: t.target.user_name, ok: t.ok, error: t.error }))).toEqual([
      { user: first, ok: false, error },
      { user: second, ok: true, error: undefined },
    ]);

    // Undo the rest: a new approval for the first target only, from the same approvers.
    await click(UNDO_ACTION_ID, approval.id, REQUESTER, { channel: CHANNEL, ts: undoResult!.ts });
    const restMessage = await eventually(() => thread().filter((m) => text(m).includes('Approval needed: undo')).find((m) => m.ts !== undoMessage!.ts), 'the approval to undo the rest is posted');
    const rest = (await approvals.getApproval(buttons(restMessage)[0]!.value))!;
    expect(rest).toMatchObject({
      state: 'pending',
      plan: {
        undoOf: approval.id,
        summary: `Undo the rest of iam.deactivate-access-key: Reactivate access key ${KEYS[first!]} of IAM user ${first}`,
        targets: [{ user_name: first, access_key_id: KEYS[first!] }],
        calls: [{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: first, AccessKeyId: KEYS[first!], Status: 'Active' } }],
      },
      policy: { approvers: [APPROVER, SECOND], min_approvals: 1 },
    });
    expect(audit.length).toBeLessThan((await approvals.audit.read()).length);
    expect((await approvals.audit.read()).find((e) => e.approvalId === rest.id && e.event === 'requested')).toMatchObject({
      summary: rest.plan.summary,
      targets: [{ user_name: first, access_key_id: KEYS[first!] }],
    });

    // Meanwhile someone deactivates the second key again: undoing the rest leaves it so.
    iam.state.accessKey(second!, KEYS[second!]!).status = 'Inactive';
    await click(APPROVE_ACTION_ID, rest.id, SECOND, restMessage!);
    const restDone = await eventually(async () => {
      const a = await approvals.getApproval(rest.id);
      return a?.state === 'executed' || a?.state === 'failed' ? a : undefined;
    }, 'the rest is undone');
    expect(restDone.state).toBe('executed');
    expect(iam.state.accessKey(first!, KEYS[first!]!).status).toBe('Active');
    expect(iam.state.accessKey(second!, KEYS[second!]!).status).toBe('Inactive');
    const restResult = await eventually(() => thread().find((m) => text(m).includes('Undo of iam.deactivate-access-key and verified')), 'the result of the rest is posted');
    expect(text(restResult)).toContain(`access key ${KEYS[first!]} of IAM user ${first} is Active`);
    expect(buttons(restResult)).toEqual([]);
  });
});
