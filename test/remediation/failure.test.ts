/**
 * Remediations when AWS says no or fails part-way, against the IAM fake through the real
 * IAMClient (and its own retry strategy), with every report asserted in full:
 *
 * - a refusal on one target of several: the others go on, and the result names the permission
 *   the remediation role lacks and the policy of deploy/iam that grants it;
 * - throttling and 5xx mid-plan: retried by the SDK with backoff, and no call takes effect
 *   twice, even when an attempt took effect before its error (the fake's `changed` record);
 * - an undo that fails on one target: the report says which were restored and which not, and
 *   undoing the rest restores only those;
 * - the same user in two approvals' remediations: the second sees the first's change, and
 *   undoing either one keeps what the other still relies on (claims in Redis).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { remediationClaims } from '../../src/approval/remediation-claims.js';
import {
  executeRemediation,
  getAction,
  planUndo,
  ProtectedPrincipals,
  REMEDIATION_ROLE_POLICY,
  undoRemediation,
  type ExecutionContext,
  type ExecutionReport,
} from '../../src/remediation/index.js';
import { PACKAGE_ROOT } from '../../src/runbook/library.js';
import { FakeIam, type IamSeed } from '../fakes/aws/iam.js';
import { useTestRedis } from '../support/redis.js';

const ALICE_KEY = 'AKIAIOSFODNN7EXAMPLE';
const BOB_KEY = 'AKIAI44QH8DHBEXAMPLE';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const QUARANTINE_ARN = 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3';
const DENY_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'CtrbQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }] });
const EXECUTED = new Date('2026-11-02T03:42:17.000Z');
const DENIED = (op: string) => `User: arn:aws:sts::111122223333:assumed-role/ctrb-remediation/run-1 is not authorized to perform: iam:${op} on resource: user alice`;

const SEED: IamSeed = {
  users: [
    { name: 'alice', accessKeys: [{ id: ALICE_KEY }], loginProfile: true, groups: ['admins'], attachedPolicies: [ADMIN] },
    { name: 'bob', accessKeys: [{ id: BOB_KEY }], loginProfile: true },
  ],
  groups: [{ name: 'admins' }],
};

const redis = useTestRedis();
let iam: FakeIam;
beforeAll(async () => {
  iam = await FakeIam.start();
});
afterAll(() => iam.close());
beforeEach(() => iam.reset(SEED));

function context(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return { iam: iam.client(), now: EXECUTED, partition: 'aws', runId: 'run-1', approvalId: 'approval-1', protectedPrincipals: ProtectedPrincipals.none, ...overrides };
}

function plan(action: string, ...targets: Record<string, string>[]) {
  const plans = targets.map((t) => getAction(action).plan(t, { now: EXECUTED }));
  return { ...plans[0]!, targets: plans.flatMap((p) => p.targets), calls: plans.flatMap((p) => p.calls) };
}

const key = (user: string, id: string, status: string) => ({ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: user, AccessKeyId: id, Status: status } });
/** The calls that changed IAM, as operation and user: each may appear once per intended change. */
const effects = () => iam.calls.filter((c) => c.changed).map((c) => `${c.action} ${String(c.params.UserName)}`);

describe('a refusal on one target of several', () => {
  it('lets the others go on, and names the permission lacking and the policy that grants it', async () => {
    iam.fail('UpdateAccessKey', 'AccessDenied', DENIED('UpdateAccessKey'));
    const done = await executeRemediation(plan('iam.deactivate-access-key', { user_name: 'alice', access_key_id: ALICE_KEY }, { user_name: 'bob', access_key_id: BOB_KEY }), context());
    const lacking = `. The remediation role lacks iam:UpdateAccessKey, which ${REMEDIATION_ROLE_POLICY} grants: check that policy is attached to the remediation role`;
    const error = `iam:UpdateAccessKey failed: AccessDenied: ${DENIED('UpdateAccessKey')}${lacking}`;
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: false,
      summary: `iam.deactivate-access-key: 1 of 2 targets failed (1 AWS call made): user_name alice, access_key_id ${ALICE_KEY}: ${error}`,
      targets: [
        {
          target: { user_name: 'alice', access_key_id: ALICE_KEY },
          ok: false,
          error,
          before: { status: 'Active' },
          after: { status: 'Active' },
          calls: [{ call: key('alice', ALICE_KEY, 'Inactive'), ok: false, error: `AccessDenied: ${DENIED('UpdateAccessKey')}` }],
          verification: { ok: false, details: [`access key ${ALICE_KEY} of IAM user alice is Active`] },
          missingPermission: { permission: 'iam:UpdateAccessKey', policy: 'deploy/iam/remediation-role-policy.json' },
        },
        {
          target: { user_name: 'bob', access_key_id: BOB_KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: key('bob', BOB_KEY, 'Inactive'), ok: true }],
          verification: { ok: true, details: [`access key ${BOB_KEY} of IAM user bob is Inactive`] },
        },
      ],
    });
    expect(iam.state.accessKey('bob', BOB_KEY).status).toBe('Inactive');
    // The policy named does grant it: granting it there is the fix.
    const policy = JSON.parse(readFileSync(join(PACKAGE_ROOT, REMEDIATION_ROLE_POLICY), 'utf8')) as { Statement: Array<{ Effect: string; Action: string | string[] }> };
    expect(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action)).toContain('iam:UpdateAccessKey');
  });

  it('names the read permission lacking when the state cannot be read, and changes nothing', async () => {
    iam.fail('ListAccessKeys', 'AccessDenied', DENIED('ListAccessKeys'));
    const done = await executeRemediation(plan('iam.deactivate-access-key', { user_name: 'alice', access_key_id: ALICE_KEY }), context());
    const error = `could not read the state of user_name alice, access_key_id ${ALICE_KEY}: AccessDenied: ${DENIED('ListAccessKeys')}. The remediation role lacks iam:ListAccessKeys, which ${REMEDIATION_ROLE_POLICY} grants: check that policy is attached to the remediation role; nothing was changed`;
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: false,
      summary: `iam.deactivate-access-key: 1 of 1 target failed (0 AWS calls made): user_name alice, access_key_id ${ALICE_KEY}: ${error}`,
      targets: [
        {
          target: { user_name: 'alice', access_key_id: ALICE_KEY },
          ok: false,
          error,
          calls: [],
          verification: { ok: false, details: [error] },
          missingPermission: { permission: 'iam:ListAccessKeys', policy: REMEDIATION_ROLE_POLICY },
        },
      ],
    });
    expect(effects()).toEqual([]);
  });
});

describe('throttling and 5xx mid-plan', () => {
  it('retries a throttled call with the SDK\'s backoff and finishes the plan, each change made once', async () => {
    iam.throttle('AttachUserPolicy', 2);
    const done = await executeRemediation(plan('iam.quarantine-user', { user_name: 'alice' }), context());
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'execute',
      ok: true,
      summary: 'iam.quarantine-user done on 1 target and verified (2 AWS calls)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: null, awsPolicy: false },
          after: { denyAll: DENY_ALL, awsPolicy: true },
          calls: [
            { call: { service: 'iam', operation: 'PutUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all', PolicyDocument: DENY_ALL } }, ok: true },
            { call: { service: 'iam', operation: 'AttachUserPolicy', params: { UserName: 'alice', PolicyArn: QUARANTINE_ARN } }, ok: true },
          ],
          verification: {
            ok: true,
            details: ['inline policy ctrb-quarantine-deny-all on IAM user alice denies every action', 'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice'],
          },
        },
      ],
    });
    expect(iam.calls.filter((c) => c.action === 'AttachUserPolicy').map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'Throttling', 'ok']);
    expect(effects()).toEqual(['PutUserPolicy alice', 'AttachUserPolicy alice']);
  });

  it('counts a call made when a 5xx came after it took effect and the retry met the changed state, and makes it once', async () => {
    iam.failAfterApplying('DeleteLoginProfile');
    const done = await executeRemediation(plan('iam.delete-login-profile', { user_name: 'alice' }), context());
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.delete-login-profile',
      mode: 'execute',
      ok: true,
      summary: 'iam.delete-login-profile done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { loginProfile: true },
          after: { loginProfile: false },
          calls: [
            {
              call: { service: 'iam', operation: 'DeleteLoginProfile', params: { UserName: 'alice' } },
              ok: true,
              note: 'AWS answered NoSuchEntity: Login Profile for User alice cannot be found. (after 2 attempts), but the state read again shows the change made: an earlier attempt had taken effect',
            },
          ],
          verification: { ok: true, details: ['IAM user alice has no console password (GetLoginProfile: NoSuchEntity)'] },
        },
      ],
    });
    expect(iam.calls.filter((c) => c.action === 'DeleteLoginProfile').map((c) => c.error ?? 'ok')).toEqual(['ServiceFailure', 'NoSuchEntity']);
    expect(effects()).toEqual(['DeleteLoginProfile alice']);
  });

  it('reads the state again after such an error, so a change someone made meanwhile is not made again', async () => {
    const done = await executeRemediation(plan('iam.quarantine-user', { user_name: 'alice' }), context());
    expect(done.ok).toBe(true);
    // Undoing: DeleteUserPolicy takes effect, 5xx, and the SDK's retry meets NoSuchEntity;
    // meanwhile another responder detached the quarantine policy by hand.
    iam.failAfterApplying('DeleteUserPolicy', 'ServiceFailure', 500, 1, (state) => state.user('alice').attachedPolicies.delete(QUARANTINE_ARN));
    const undone = await undoRemediation(done, context({ approvalId: 'undo-1' }));
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'undo',
      ok: true,
      summary: 'iam.quarantine-user undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: null, awsPolicy: false },
          after: { denyAll: null, awsPolicy: false },
          calls: [
            {
              call: { service: 'iam', operation: 'DeleteUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all' } },
              ok: true,
              note: 'AWS answered NoSuchEntity: The user policy with name ctrb-quarantine-deny-all cannot be found. (after 2 attempts), but the state read again shows the change made: an earlier attempt had taken effect',
            },
          ],
          verification: { ok: true, details: ['IAM user alice has no inline policy ctrb-quarantine-deny-all', 'AWSCompromisedKeyQuarantineV3 is not attached to IAM user alice'] },
        },
      ],
    });
    // The plan was read again after the error: the detach someone made is not made a second time.
    expect(iam.calls.filter((c) => c.action === 'DetachUserPolicy')).toEqual([]);
  });

  it.each([
    ['iam.remove-user-from-group', { user_name: 'alice', group_name: 'admins' }, 'RemoveUserFromGroup'],
    ['iam.detach-policy', { user_name: 'alice', policy_arn: ADMIN }, 'DetachUserPolicy'],
    ['iam.deactivate-access-key', { user_name: 'alice', access_key_id: ALICE_KEY }, 'UpdateAccessKey'],
    ['iam.quarantine-user', { user_name: 'alice' }, 'PutUserPolicy'],
  ])('%s: a 5xx after the change took effect is retried, verified, and the change is made once', async (action, target, operation) => {
    iam.failAfterApplying(operation);
    const done = await executeRemediation(plan(action, target), context());
    expect({ ok: done.ok, summary: done.summary }).toEqual({ ok: true, summary: expect.stringMatching(/ done on 1 target and verified/) });
    expect(done.targets[0]!.calls.every((c) => c.ok)).toBe(true);
    expect(effects().filter((e) => e.startsWith(operation))).toEqual([`${operation} alice`]);
    // Undone once too, with the same kind of failure on the way back.
    const back = getAction(action).undo!.changes(target as never, done.targets[0]!.before!, done.targets[0]!.after!, { partition: 'aws' })[0]!;
    const undoOperation = back.constructor.name.replace(/Command$/, '');
    iam.failAfterApplying(undoOperation);
    const undone = await undoRemediation(done, context());
    expect(undone.ok).toBe(true);
    expect(effects().filter((e) => e.startsWith(undoOperation))).toEqual(undoOperation === operation ? [`${operation} alice`, `${operation} alice`] : [`${undoOperation} alice`]);
  });
});

describe('an undo that fails on one target', () => {
  it('says which targets were restored and which not, and undoing the rest restores only those', async () => {
    const done = await executeRemediation(plan('iam.deactivate-access-key', { user_name: 'alice', access_key_id: ALICE_KEY }, { user_name: 'bob', access_key_id: BOB_KEY }), context());
    expect(done.ok).toBe(true);
    iam.fail('UpdateAccessKey', 'AccessDenied', DENIED('UpdateAccessKey'));
    const undone = await undoRemediation(done, context({ approvalId: 'undo-1' }));
    const error = `iam:UpdateAccessKey failed: AccessDenied: ${DENIED('UpdateAccessKey')}. The remediation role lacks iam:UpdateAccessKey, which ${REMEDIATION_ROLE_POLICY} grants: check that policy is attached to the remediation role`;
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'undo',
      ok: false,
      summary: `Undo of iam.deactivate-access-key: restored 1 of 2 targets (user_name bob, access_key_id ${BOB_KEY}); not restored: user_name alice, access_key_id ${ALICE_KEY}: ${error}`,
      targets: [
        {
          target: { user_name: 'alice', access_key_id: ALICE_KEY },
          ok: false,
          error,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: key('alice', ALICE_KEY, 'Active'), ok: false, error: `AccessDenied: ${DENIED('UpdateAccessKey')}` }],
          verification: { ok: false, details: [`access key ${ALICE_KEY} of IAM user alice is Inactive`] },
          missingPermission: { permission: 'iam:UpdateAccessKey', policy: REMEDIATION_ROLE_POLICY },
        },
        {
          target: { user_name: 'bob', access_key_id: BOB_KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Active' },
          calls: [{ call: key('bob', BOB_KEY, 'Active'), ok: true }],
          verification: { ok: true, details: [`access key ${BOB_KEY} of IAM user bob is Active`] },
        },
      ],
    });

    const rest = [{ user_name: 'alice', access_key_id: ALICE_KEY }];
    const restPlan = planUndo(done, 'aws', { targets: rest });
    expect(restPlan).toMatchObject({ summary: `Undo the rest of iam.deactivate-access-key: Reactivate access key ${ALICE_KEY} of IAM user alice`, targets: rest, calls: [key('alice', ALICE_KEY, 'Active')] });
    // Bob is changed in the meantime by someone else: the rest does not touch him.
    iam.state.accessKey('bob', BOB_KEY).status = 'Inactive';
    const second = await undoRemediation(done, context({ approvalId: 'undo-2' }), { targets: rest });
    expect(second).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'undo',
      ok: true,
      summary: 'iam.deactivate-access-key undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: ALICE_KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Active' },
          calls: [{ call: key('alice', ALICE_KEY, 'Active'), ok: true }],
          verification: { ok: true, details: [`access key ${ALICE_KEY} of IAM user alice is Active`] },
        },
      ],
    });
    expect(iam.state.accessKey('bob', BOB_KEY).status).toBe('Inactive');
  });
});

describe('the same user in two approvals\' remediations', () => {
  const holder = (approvalId: string, runId: string) => ({ approvalId, runId });

  async function twoQuarantines() {
    const prefix = redis.prefix();
    const conn = redis.connect();
    const claimsOf = (approvalId: string, runId: string) => remediationClaims(conn, prefix, holder(approvalId, runId), '111122223333');
    const a = await executeRemediation(plan('iam.quarantine-user', { user_name: 'alice' }), context({ approvalId: 'A', runId: 'run-a', claims: claimsOf('A', 'run-a') }));
    const b = await executeRemediation(plan('iam.quarantine-user', { user_name: 'alice' }), context({ approvalId: 'B', runId: 'run-b', claims: claimsOf('B', 'run-b') }));
    return { a, b, claimsOf };
  }
  const quarantined = () => ({ denyAll: iam.state.user('alice').inlinePolicies.has('ctrb-quarantine-deny-all'), awsPolicy: iam.state.user('alice').attachedPolicies.has(QUARANTINE_ARN) });

  it('the second sees what the first did and relies on it; undoing the first keeps the quarantine, undoing the second lifts it', async () => {
    const { a, b, claimsOf } = await twoQuarantines();
    expect(a.targets[0]!.shared).toBeUndefined();
    expect(b).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'execute',
      ok: true,
      summary: 'iam.quarantine-user done on 1 target and verified (0 AWS calls; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: DENY_ALL, awsPolicy: true },
          after: { denyAll: DENY_ALL, awsPolicy: true },
          calls: [],
          verification: {
            ok: true,
            details: [
              'inline policy ctrb-quarantine-deny-all on IAM user alice denies every action',
              'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice',
              'awsPolicy was already so by the remediation of run run-a (approval A): this one relies on it too, and undoing either keeps it while the other stands',
              'denyAll was already so by the remediation of run run-a (approval A): this one relies on it too, and undoing either keeps it while the other stands',
            ],
          },
          shared: [
            { field: 'awsPolicy', approvalId: 'A', runId: 'run-a' },
            { field: 'denyAll', approvalId: 'A', runId: 'run-a' },
          ],
        },
      ],
    });

    const undoA = await undoRemediation(a, context({ approvalId: 'undo-A', claims: claimsOf('A', 'run-a') }));
    expect(undoA).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'undo',
      ok: true,
      summary: 'iam.quarantine-user undone on 1 target and verified (0 AWS calls; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: null, awsPolicy: false },
          after: { denyAll: DENY_ALL, awsPolicy: true },
          calls: [],
          verification: {
            ok: true,
            details: [
              'IAM user alice has an inline policy ctrb-quarantine-deny-all',
              'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice',
              'awsPolicy kept: the remediation of run run-b (approval B) still relies on it; it is put back when that one is undone',
              'denyAll kept: the remediation of run run-b (approval B) still relies on it; it is put back when that one is undone',
            ],
          },
          shared: [
            { field: 'awsPolicy', approvalId: 'B', runId: 'run-b' },
            { field: 'denyAll', approvalId: 'B', runId: 'run-b' },
          ],
        },
      ],
    });
    expect(quarantined()).toEqual({ denyAll: true, awsPolicy: true });

    const undoB = await undoRemediation(b, context({ approvalId: 'undo-B', claims: claimsOf('B', 'run-b') }));
    expect(undoB).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'undo',
      ok: true,
      summary: 'iam.quarantine-user undone on 1 target and verified (2 AWS calls)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: DENY_ALL, awsPolicy: true },
          after: { denyAll: null, awsPolicy: false },
          calls: [
            { call: { service: 'iam', operation: 'DeleteUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all' } }, ok: true },
            { call: { service: 'iam', operation: 'DetachUserPolicy', params: { UserName: 'alice', PolicyArn: QUARANTINE_ARN } }, ok: true },
          ],
          verification: { ok: true, details: ['IAM user alice has no inline policy ctrb-quarantine-deny-all', 'AWSCompromisedKeyQuarantineV3 is not attached to IAM user alice'] },
        },
      ],
    });
    expect(quarantined()).toEqual({ denyAll: false, awsPolicy: false });
  });

  it('in the other order too: undoing the second keeps the first\'s quarantine, undoing the first then lifts it', async () => {
    const { a, b, claimsOf } = await twoQuarantines();
    const undoB = await undoRemediation(b, context({ claims: claimsOf('B', 'run-b') }));
    expect(undoB.targets[0]!.calls).toEqual([]);
    expect(undoB.targets[0]!.shared).toEqual([
      { field: 'awsPolicy', approvalId: 'A', runId: 'run-a' },
      { field: 'denyAll', approvalId: 'A', runId: 'run-a' },
    ]);
    expect(quarantined()).toEqual({ denyAll: true, awsPolicy: true });
    const undoA = await undoRemediation(a, context({ claims: claimsOf('A', 'run-a') }));
    expect(undoA.targets[0]!.calls.map((c) => c.call.operation)).toEqual(['DeleteUserPolicy', 'DetachUserPolicy']);
    expect(undoA.targets[0]!.shared).toBeUndefined();
    expect(quarantined()).toEqual({ denyAll: false, awsPolicy: false });
  });

  it('without the claims, undoing the first would lift the second\'s quarantine too (what the claims prevent)', async () => {
    const { a } = await twoQuarantines();
    await undoRemediation(a, context());
    expect(quarantined()).toEqual({ denyAll: false, awsPolicy: false });
  });
});
