/**
 * Each remediation action against the IAM fake through the real IAMClient: execute changes
 * the state (read back from the fake), verify reports what IAM shows, undo restores exactly
 * what was there before, and failures say which call failed and what state is left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeRemediation,
  getAction,
  planUndo,
  ProtectedPrincipals,
  undoRemediation,
  type ExecutionContext,
  type ExecutionReport,
} from '../../src/remediation/index.js';
import { FakeIam, type IamSeed } from '../fakes/aws/iam.js';

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const QUARANTINE_ARN = 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const PLANNED = new Date('2026-11-02T03:00:00.000Z');
const EXECUTED = new Date('2026-11-02T03:42:17.000Z');
const DENY_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'CtrbQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }] });
/** The AWSRevokeOlderSessions document that denies sessions issued before `cutOff`. */
const revokeDoc = (cutOff: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': cutOff } } }] });

let iam: FakeIam;
beforeAll(async () => {
  iam = await FakeIam.start();
});
afterAll(async () => {
  await iam.close();
});

const SEED: IamSeed = {
  users: [
    { name: 'alice', accessKeys: [{ id: KEY }, { id: 'AKIAI44QH8DHBEXAMPLE', status: 'Inactive' }], loginProfile: true, groups: ['admins'], attachedPolicies: [ADMIN] },
    { name: 'break-glass', accessKeys: [{ id: 'AKIAJBREAKGLASS00001' }] },
  ],
  roles: [{ name: 'ci-deploy', attachedPolicies: [ADMIN] }, { name: 'ctrb-remediation' }],
  groups: [{ name: 'admins', attachedPolicies: [ADMIN] }],
};
beforeEach(() => iam.reset(SEED));

function context(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    iam: iam.client(),
    now: EXECUTED,
    partition: 'aws',
    runId: 'run-1',
    approvalId: 'approval-1',
    protectedPrincipals: new ProtectedPrincipals(['break-glass', 'role/ctrb-*']),
    ...overrides,
  };
}

async function execute(action: string, inputs: Record<string, string>, ctx = context()): Promise<ExecutionReport> {
  return executeRemediation(getAction(action).plan(inputs, { now: PLANNED }), ctx);
}

/** The state-changing actions the fake received, in order. */
function changes(): string[] {
  return iam.actions().filter((a) => !/^(Get|List)/.test(a));
}

describe('iam.deactivate-access-key', () => {
  it('deactivates the key, verifies it Inactive, and undo makes it Active again', async () => {
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: true,
      summary: 'iam.deactivate-access-key done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' } }, ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] },
        },
      ],
    });
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');

    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'undo',
      ok: true,
      summary: 'iam.deactivate-access-key undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Active' },
          calls: [{ call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Active' } }, ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Active`] },
        },
      ],
    });
    expect(iam.state.accessKey('alice', KEY).status).toBe('Active');
  });

  it('is idempotent: a key already Inactive is left alone, and undo does not turn it on', async () => {
    const inactive = 'AKIAI44QH8DHBEXAMPLE';
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: inactive });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: true,
      summary: 'iam.deactivate-access-key done on 1 target and verified (0 AWS calls; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: 'AKIAI44QH8DHBEXAMPLE' },
          ok: true,
          before: { status: 'Inactive' },
          after: { status: 'Inactive' },
          calls: [],
          verification: { ok: true, details: ['access key AKIAI44QH8DHBEXAMPLE of IAM user alice is Inactive'] },
        },
      ],
    });

    const again = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    const twice = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    expect(again).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: true,
      summary: 'iam.deactivate-access-key done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' } }, ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] },
        },
      ],
    });
    expect(twice).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: true,
      summary: 'iam.deactivate-access-key done on 1 target and verified (0 AWS calls; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Inactive' },
          after: { status: 'Inactive' },
          calls: [],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] },
        },
      ],
    });

    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'undo',
      ok: true,
      summary: 'iam.deactivate-access-key undone on 1 target and verified (0 AWS calls; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: 'AKIAI44QH8DHBEXAMPLE' },
          ok: true,
          calls: [],
          verification: { ok: true, details: ['nothing to undo for user_name alice, access_key_id AKIAI44QH8DHBEXAMPLE: the remediation changed nothing there'] },
        },
      ],
    });
    expect(iam.state.accessKey('alice', inactive).status).toBe('Inactive');
  });

  it('undoes a plan of several targets where one needed no change: that one is nothing to undo, and left as it is', async () => {
    const inactive = 'AKIAI44QH8DHBEXAMPLE';
    const action = getAction('iam.deactivate-access-key');
    const [a, b] = [action.plan({ user_name: 'alice', access_key_id: KEY }, { now: PLANNED }), action.plan({ user_name: 'alice', access_key_id: inactive }, { now: PLANNED })];
    const done = await executeRemediation({ ...a, targets: [...a.targets, ...b.targets], calls: [...a.calls, ...b.calls] }, context());
    const call = (id: string, status: string) => ({ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: id, Status: status } });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: true,
      summary: 'iam.deactivate-access-key done on 2 targets and verified (1 AWS call; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: call(KEY, 'Inactive'), ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] },
        },
        {
          target: { user_name: 'alice', access_key_id: inactive },
          ok: true,
          before: { status: 'Inactive' },
          after: { status: 'Inactive' },
          calls: [],
          verification: { ok: true, details: [`access key ${inactive} of IAM user alice is Inactive`] },
        },
      ],
    });
    expect(planUndo(done, 'aws')).toMatchObject({ targets: [{ user_name: 'alice', access_key_id: KEY }], calls: [call(KEY, 'Active')] });

    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'undo',
      ok: true,
      summary: 'iam.deactivate-access-key undone on 2 targets and verified (1 AWS call; 1 needed no change)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Active' },
          calls: [{ call: call(KEY, 'Active'), ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Active`] },
        },
        {
          target: { user_name: 'alice', access_key_id: inactive },
          ok: true,
          calls: [],
          verification: { ok: true, details: [`nothing to undo for user_name alice, access_key_id ${inactive}: the remediation changed nothing there`] },
        },
      ],
    });
    expect(iam.state.accessKey('alice', inactive).status).toBe('Inactive');
    expect(changes()).toEqual(['UpdateAccessKey', 'UpdateAccessKey']);
  });

  it('reports a key the user does not have with IAM\'s own answer, and changes nothing', async () => {
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: 'AKIAZZZZZZZZZZZZZZZZ' });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: false,
      summary: 'iam.deactivate-access-key: 1 of 1 target failed (0 AWS calls made): user_name alice, access_key_id AKIAZZZZZZZZZZZZZZZZ: iam:UpdateAccessKey failed: NoSuchEntity: The Access Key with id AKIAZZZZZZZZZZZZZZZZ cannot be found.',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: 'AKIAZZZZZZZZZZZZZZZZ' },
          ok: false,
          error: 'iam:UpdateAccessKey failed: NoSuchEntity: The Access Key with id AKIAZZZZZZZZZZZZZZZZ cannot be found.',
          before: { status: 'missing' },
          after: { status: 'missing' },
          calls: [
            {
              call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', Status: 'Inactive' } },
              ok: false,
              error: 'NoSuchEntity: The Access Key with id AKIAZZZZZZZZZZZZZZZZ cannot be found.',
            },
          ],
          verification: { ok: false, details: ['IAM user alice has no access key AKIAZZZZZZZZZZZZZZZZ'] },
        },
      ],
    });
    expect(changes()).toEqual(['UpdateAccessKey']);
  });
});

describe('iam.delete-login-profile', () => {
  it('deletes the console password and verifies GetLoginProfile answers NoSuchEntity; it cannot be undone', async () => {
    const done = await execute('iam.delete-login-profile', { user_name: 'alice' });
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
          calls: [{ call: { service: 'iam', operation: 'DeleteLoginProfile', params: { UserName: 'alice' } }, ok: true }],
          verification: { ok: true, details: ['IAM user alice has no console password (GetLoginProfile: NoSuchEntity)'] },
        },
      ],
    });
    expect(iam.state.user('alice').loginProfile).toBeUndefined();
    expect(getAction('iam.delete-login-profile').undo).toBeUndefined();
    await expect(undoRemediation(done, context())).rejects.toThrow('iam.delete-login-profile cannot be undone');
    expect(() => planUndo(done, 'aws')).toThrow('cannot be undone');
  });

  it('fails for a user that does not exist instead of calling it done', async () => {
    const done = await execute('iam.delete-login-profile', { user_name: 'alcie' });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.delete-login-profile',
      mode: 'execute',
      ok: false,
      summary: 'iam.delete-login-profile: 1 of 1 target failed (0 AWS calls made): user_name alcie: could not read the state of user_name alcie: NoSuchEntity: The user with name alcie cannot be found.; nothing was changed',
      targets: [
        {
          target: { user_name: 'alcie' },
          ok: false,
          error: 'could not read the state of user_name alcie: NoSuchEntity: The user with name alcie cannot be found.; nothing was changed',
          calls: [],
          verification: { ok: false, details: ['could not read the state of user_name alcie: NoSuchEntity: The user with name alcie cannot be found.; nothing was changed'] },
        },
      ],
    });
    expect(changes()).toEqual([]);
  });
});

describe('iam.quarantine-user', () => {
  it('puts the deny-all policy and attaches AWSCompromisedKeyQuarantineV3; undo removes both', async () => {
    const done = await execute('iam.quarantine-user', { user_name: 'alice' });
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
            {
              call: { service: 'iam', operation: 'PutUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all', PolicyDocument: DENY_ALL } },
              ok: true,
            },
            { call: { service: 'iam', operation: 'AttachUserPolicy', params: { UserName: 'alice', PolicyArn: QUARANTINE_ARN } }, ok: true },
          ],
          verification: {
            ok: true,
            details: ['inline policy ctrb-quarantine-deny-all on IAM user alice denies every action', 'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice'],
          },
        },
      ],
    });
    const alice = iam.state.user('alice');
    expect(JSON.parse(alice.inlinePolicies.get('ctrb-quarantine-deny-all')!)).toMatchObject({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    expect(alice.attachedPolicies.has(QUARANTINE_ARN)).toBe(true);

    const plan = planUndo(done, 'aws');
    expect(plan.calls.map((c) => c.operation)).toEqual(['DeleteUserPolicy', 'DetachUserPolicy']);

    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'undo',
      ok: true,
      summary: 'iam.quarantine-user undone on 1 target and verified (2 AWS calls)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: null, awsPolicy: false },
          after: { denyAll: null, awsPolicy: false },
          calls: [
            { call: { service: 'iam', operation: 'DeleteUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all' } }, ok: true },
            { call: { service: 'iam', operation: 'DetachUserPolicy', params: { UserName: 'alice', PolicyArn: QUARANTINE_ARN } }, ok: true },
          ],
          verification: { ok: true, details: ['IAM user alice has no inline policy ctrb-quarantine-deny-all', 'AWSCompromisedKeyQuarantineV3 is not attached to IAM user alice'] },
        },
      ],
    });
    expect(alice.inlinePolicies.has('ctrb-quarantine-deny-all')).toBe(false);
    expect(alice.attachedPolicies.has(QUARANTINE_ARN)).toBe(false);
    expect(alice.attachedPolicies.has(ADMIN)).toBe(true);
  });

  it('leaves AWSCompromisedKeyQuarantineV3 attached on undo when AWS had attached it before', async () => {
    iam.state.user('alice').attachedPolicies.add(QUARANTINE_ARN);
    const done = await execute('iam.quarantine-user', { user_name: 'alice' });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'execute',
      ok: true,
      summary: 'iam.quarantine-user done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: null, awsPolicy: true },
          after: { denyAll: DENY_ALL, awsPolicy: true },
          calls: [
            {
              call: { service: 'iam', operation: 'PutUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all', PolicyDocument: DENY_ALL } },
              ok: true,
            },
          ],
          verification: {
            ok: true,
            details: ['inline policy ctrb-quarantine-deny-all on IAM user alice denies every action', 'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice'],
          },
        },
      ],
    });
    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'undo',
      ok: true,
      summary: 'iam.quarantine-user undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: true,
          before: { denyAll: null, awsPolicy: true },
          after: { denyAll: null, awsPolicy: true },
          calls: [{ call: { service: 'iam', operation: 'DeleteUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all' } }, ok: true }],
          verification: {
            ok: true,
            details: [
              'IAM user alice has no inline policy ctrb-quarantine-deny-all',
              'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice',
              'AWSCompromisedKeyQuarantineV3 was attached before the quarantine, so it stays attached.',
            ],
          },
        },
      ],
    });
    expect(iam.state.user('alice').attachedPolicies.has(QUARANTINE_ARN)).toBe(true);
  });

  it('says which call failed and what state it left', async () => {
    iam.fail('AttachUserPolicy', 'AccessDenied', 'User: arn:aws:sts::111122223333:assumed-role/ctrb-remediation/run-1 is not authorized to perform: iam:AttachUserPolicy');
    const done = await execute('iam.quarantine-user', { user_name: 'alice' });
    // The state left (after): the deny-all is in place, the AWS policy is not.
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.quarantine-user',
      mode: 'execute',
      ok: false,
      summary: 'iam.quarantine-user: 1 of 1 target failed (1 AWS call made): user_name alice: iam:AttachUserPolicy failed: AccessDenied: User: arn:aws:sts::111122223333:assumed-role/ctrb-remediation/run-1 is not authorized to perform: iam:AttachUserPolicy. The remediation role lacks iam:AttachUserPolicy, which deploy/iam/remediation-role-policy.json grants: check that policy is attached to the remediation role',
      targets: [
        {
          target: { user_name: 'alice' },
          ok: false,
          error: 'iam:AttachUserPolicy failed: AccessDenied: User: arn:aws:sts::111122223333:assumed-role/ctrb-remediation/run-1 is not authorized to perform: iam:AttachUserPolicy. The remediation role lacks iam:AttachUserPolicy, which deploy/iam/remediation-role-policy.json grants: check that policy is attached to the remediation role',
          before: { denyAll: null, awsPolicy: false },
          after: { denyAll: DENY_ALL, awsPolicy: false },
          calls: [
            {
              call: { service: 'iam', operation: 'PutUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all', PolicyDocument: DENY_ALL } },
              ok: true,
            },
            {
              call: { service: 'iam', operation: 'AttachUserPolicy', params: { UserName: 'alice', PolicyArn: QUARANTINE_ARN } },
              ok: false,
              error: 'AccessDenied: User: arn:aws:sts::111122223333:assumed-role/ctrb-remediation/run-1 is not authorized to perform: iam:AttachUserPolicy',
            },
          ],
          verification: {
            ok: false,
            details: ['inline policy ctrb-quarantine-deny-all on IAM user alice denies every action', 'AWSCompromisedKeyQuarantineV3 is not attached to IAM user alice'],
          },
          missingPermission: { permission: 'iam:AttachUserPolicy', policy: 'deploy/iam/remediation-role-policy.json' },
        },
      ],
    });

    // Undo takes back what was done before the failure, and only that.
    const undone = await undoRemediation(done, context());
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
          calls: [{ call: { service: 'iam', operation: 'DeleteUserPolicy', params: { UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all' } }, ok: true }],
          verification: { ok: true, details: ['IAM user alice has no inline policy ctrb-quarantine-deny-all', 'AWSCompromisedKeyQuarantineV3 is not attached to IAM user alice'] },
        },
      ],
    });
    expect(iam.state.user('alice').inlinePolicies.has('ctrb-quarantine-deny-all')).toBe(false);
  });
});

describe('iam.revoke-role-sessions', () => {
  it('cuts off at the moment of execution, not of the plan; verify reads the cut-off back; undo removes the policy', async () => {
    const plan = getAction('iam.revoke-role-sessions').plan({ role_name: 'ci-deploy' }, { now: PLANNED });
    expect(plan.calls[0]!.params.PolicyDocument).toContain(PLANNED.toISOString());

    const done = await executeRemediation(plan, context());
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.revoke-role-sessions',
      mode: 'execute',
      ok: true,
      summary: 'iam.revoke-role-sessions done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { role_name: 'ci-deploy' },
          ok: true,
          before: { document: null },
          after: { document: revokeDoc('2026-11-02T03:42:17.000Z') },
          calls: [
            {
              call: {
                service: 'iam',
                operation: 'PutRolePolicy',
                params: { RoleName: 'ci-deploy', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revokeDoc('2026-11-02T03:42:17.000Z') },
              },
              ok: true,
            },
          ],
          verification: { ok: true, details: ['AWSRevokeOlderSessions on role ci-deploy denies every session issued before 2026-11-02T03:42:17.000Z'] },
        },
      ],
    });
    const stored = JSON.parse(iam.state.role('ci-deploy').inlinePolicies.get('AWSRevokeOlderSessions')!);
    expect(stored.Statement[0].Condition).toEqual({ DateLessThan: { 'aws:TokenIssueTime': EXECUTED.toISOString() } });

    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.revoke-role-sessions',
      mode: 'undo',
      ok: true,
      summary: 'iam.revoke-role-sessions undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { role_name: 'ci-deploy' },
          ok: true,
          before: { document: null },
          after: { document: null },
          calls: [{ call: { service: 'iam', operation: 'DeleteRolePolicy', params: { RoleName: 'ci-deploy', PolicyName: 'AWSRevokeOlderSessions' } }, ok: true }],
          verification: { ok: true, details: ['role ci-deploy has no inline policy AWSRevokeOlderSessions: sessions are no longer revoked by it'] },
        },
      ],
    });
    expect(iam.state.role('ci-deploy').inlinePolicies.has('AWSRevokeOlderSessions')).toBe(false);
  });

  it('undo puts back an earlier revocation instead of deleting it', async () => {
    const earlier = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-10-01T00:00:00.000Z' } } }] });
    iam.state.role('ci-deploy').inlinePolicies.set('AWSRevokeOlderSessions', earlier);
    const done = await execute('iam.revoke-role-sessions', { role_name: 'ci-deploy' });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.revoke-role-sessions',
      mode: 'execute',
      ok: true,
      summary: 'iam.revoke-role-sessions done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { role_name: 'ci-deploy' },
          ok: true,
          before: { document: revokeDoc('2026-10-01T00:00:00.000Z') },
          after: { document: revokeDoc('2026-11-02T03:42:17.000Z') },
          calls: [
            {
              call: {
                service: 'iam',
                operation: 'PutRolePolicy',
                params: { RoleName: 'ci-deploy', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revokeDoc('2026-11-02T03:42:17.000Z') },
              },
              ok: true,
            },
          ],
          verification: { ok: true, details: ['AWSRevokeOlderSessions on role ci-deploy denies every session issued before 2026-11-02T03:42:17.000Z'] },
        },
      ],
    });
    expect(iam.state.role('ci-deploy').inlinePolicies.get('AWSRevokeOlderSessions')).toContain(EXECUTED.toISOString());
    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.revoke-role-sessions',
      mode: 'undo',
      ok: true,
      summary: 'iam.revoke-role-sessions undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { role_name: 'ci-deploy' },
          ok: true,
          before: { document: revokeDoc('2026-10-01T00:00:00.000Z') },
          after: { document: revokeDoc('2026-10-01T00:00:00.000Z') },
          calls: [
            {
              call: {
                service: 'iam',
                operation: 'PutRolePolicy',
                params: { RoleName: 'ci-deploy', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revokeDoc('2026-10-01T00:00:00.000Z') },
              },
              ok: true,
            },
          ],
          verification: { ok: true, details: ['AWSRevokeOlderSessions on role ci-deploy is the one there before the remediation (sessions issued before 2026-10-01T00:00:00.000Z)'] },
        },
      ],
    });
    expect(iam.state.role('ci-deploy').inlinePolicies.get('AWSRevokeOlderSessions')).toBe(earlier);
  });
});

describe('iam.detach-policy', () => {
  it.each([
    ['user_name', 'alice', 'UserName', 'User', 'IAM user alice', (s: FakeIam['state']) => s.user('alice').attachedPolicies],
    ['role_name', 'ci-deploy', 'RoleName', 'Role', 'role ci-deploy', (s: FakeIam['state']) => s.role('ci-deploy').attachedPolicies],
    ['group_name', 'admins', 'GroupName', 'Group', 'group admins', (s: FakeIam['state']) => s.group('admins').attachedPolicies],
  ])('detaches from a %s and undo attaches it again', async (input, name, param, kind, who, attached) => {
    const target = { [input]: name, policy_arn: ADMIN };
    const call = (verb: string) => ({ service: 'iam', operation: `${verb}${kind}Policy`, params: { [param]: name, PolicyArn: ADMIN } });
    const done = await execute('iam.detach-policy', target);
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.detach-policy',
      mode: 'execute',
      ok: true,
      summary: 'iam.detach-policy done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target,
          ok: true,
          before: { attached: true },
          after: { attached: false },
          calls: [{ call: call('Detach'), ok: true }],
          verification: { ok: true, details: [`policy ${ADMIN} is not attached to ${who}`] },
        },
      ],
    });
    expect(attached(iam.state).has(ADMIN)).toBe(false);
    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.detach-policy',
      mode: 'undo',
      ok: true,
      summary: 'iam.detach-policy undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target,
          ok: true,
          before: { attached: true },
          after: { attached: true },
          calls: [{ call: call('Attach'), ok: true }],
          verification: { ok: true, details: [`policy ${ADMIN} is attached to ${who}`] },
        },
      ],
    });
    expect(attached(iam.state).has(ADMIN)).toBe(true);
  });

  it('follows pagination of the attached policies', async () => {
    iam.pageSize = 1;
    const many = ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/SecurityAudit'];
    for (const arn of many) iam.state.user('alice').attachedPolicies.add(arn);
    try {
      const done = await execute('iam.detach-policy', { user_name: 'alice', policy_arn: ADMIN });
      expect(done).toEqual<ExecutionReport>({
        action: 'iam.detach-policy',
        mode: 'execute',
        ok: true,
        summary: 'iam.detach-policy done on 1 target and verified (1 AWS call)',
        targets: [
          {
            target: { user_name: 'alice', policy_arn: ADMIN },
            ok: true,
            before: { attached: true },
            after: { attached: false },
            calls: [{ call: { service: 'iam', operation: 'DetachUserPolicy', params: { UserName: 'alice', PolicyArn: ADMIN } }, ok: true }],
            verification: { ok: true, details: ['policy arn:aws:iam::aws:policy/AdministratorAccess is not attached to IAM user alice'] },
          },
        ],
      });
      expect([...iam.state.user('alice').attachedPolicies].sort()).toEqual(many);
      expect(iam.actions().filter((a) => a === 'ListAttachedUserPolicies').length).toBeGreaterThan(2);
    } finally {
      iam.pageSize = 100;
    }
  });
});

describe('iam.remove-user-from-group', () => {
  it('removes the user and undo adds them back', async () => {
    const done = await execute('iam.remove-user-from-group', { user_name: 'alice', group_name: 'admins' });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.remove-user-from-group',
      mode: 'execute',
      ok: true,
      summary: 'iam.remove-user-from-group done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', group_name: 'admins' },
          ok: true,
          before: { member: true },
          after: { member: false },
          calls: [{ call: { service: 'iam', operation: 'RemoveUserFromGroup', params: { GroupName: 'admins', UserName: 'alice' } }, ok: true }],
          verification: { ok: true, details: ['IAM user alice is not a member of group admins'] },
        },
      ],
    });
    expect(iam.state.group('admins').members.has('alice')).toBe(false);
    const undone = await undoRemediation(done, context());
    expect(undone).toEqual<ExecutionReport>({
      action: 'iam.remove-user-from-group',
      mode: 'undo',
      ok: true,
      summary: 'iam.remove-user-from-group undone on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', group_name: 'admins' },
          ok: true,
          before: { member: true },
          after: { member: true },
          calls: [{ call: { service: 'iam', operation: 'AddUserToGroup', params: { GroupName: 'admins', UserName: 'alice' } }, ok: true }],
          verification: { ok: true, details: ['IAM user alice is a member of group admins'] },
        },
      ],
    });
    expect(iam.state.group('admins').members.has('alice')).toBe(true);
  });
});

describe('protected principals', () => {
  it('are refused at planning, with the pattern that protects them', () => {
    const protectedPrincipals = new ProtectedPrincipals(['break-glass', 'arn:aws:iam::111122223333:role/ctrb-*']);
    expect(() => getAction('iam.quarantine-user').plan({ user_name: 'break-glass' }, { protectedPrincipals })).toThrow(
      'iam.quarantine-user: input user_name: IAM user break-glass is protected (CTRB_PROTECTED_PRINCIPALS: "break-glass"): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.',
    );
    expect(() => getAction('iam.revoke-role-sessions').plan({ role_name: 'ctrb-remediation' }, { protectedPrincipals })).toThrow(/IAM role ctrb-remediation is protected/);
    // Another account's role of the same name is not this deployment's.
    expect(() => getAction('iam.revoke-role-sessions').plan({ role_name: 'ctrb-remediation' }, { protectedPrincipals, accountId: '444455556666' })).not.toThrow();
  });

  it('are refused again at execution (the list may have grown since the plan), and nothing is called', async () => {
    const plan = getAction('iam.deactivate-access-key').plan({ user_name: 'break-glass', access_key_id: 'AKIAJBREAKGLASS00001' }, { now: PLANNED });
    const done = await executeRemediation(plan, context());
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: false,
      summary: 'iam.deactivate-access-key: 1 of 1 target failed (0 AWS calls made): user_name break-glass, access_key_id AKIAJBREAKGLASS00001: refused: iam.deactivate-access-key: input user_name: IAM user break-glass is protected (CTRB_PROTECTED_PRINCIPALS: "break-glass"): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.',
      targets: [
        {
          target: { user_name: 'break-glass', access_key_id: 'AKIAJBREAKGLASS00001' },
          ok: false,
          error: 'refused: iam.deactivate-access-key: input user_name: IAM user break-glass is protected (CTRB_PROTECTED_PRINCIPALS: "break-glass"): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.',
          calls: [],
          verification: { ok: false, details: ['nothing was called: the target was refused'] },
        },
      ],
    });
    expect(iam.calls).toEqual([]);
    expect(iam.state.accessKey('break-glass', 'AKIAJBREAKGLASS00001').status).toBe('Active');
  });

  it('other targets of the same plan still execute', async () => {
    const action = getAction('iam.deactivate-access-key');
    const a = action.plan({ user_name: 'alice', access_key_id: KEY });
    const b = action.plan({ user_name: 'break-glass', access_key_id: 'AKIAJBREAKGLASS00001' });
    const done = await executeRemediation({ ...a, targets: [...b.targets, ...a.targets], calls: [...b.calls, ...a.calls] }, context());
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: false,
      summary: 'iam.deactivate-access-key: 1 of 2 targets failed (1 AWS call made): user_name break-glass, access_key_id AKIAJBREAKGLASS00001: refused: iam.deactivate-access-key: input user_name: IAM user break-glass is protected (CTRB_PROTECTED_PRINCIPALS: "break-glass"): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.',
      targets: [
        {
          target: { user_name: 'break-glass', access_key_id: 'AKIAJBREAKGLASS00001' },
          ok: false,
          error: 'refused: iam.deactivate-access-key: input user_name: IAM user break-glass is protected (CTRB_PROTECTED_PRINCIPALS: "break-glass"): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.',
          calls: [],
          verification: { ok: false, details: ['nothing was called: the target was refused'] },
        },
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' } }, ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] },
        },
      ],
    });
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
  });
});

describe('throttling', () => {
  it('is retried by the client, and the call goes through', async () => {
    iam.throttle('UpdateAccessKey', 1);
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: true,
      summary: 'iam.deactivate-access-key done on 1 target and verified (1 AWS call)',
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: true,
          before: { status: 'Active' },
          after: { status: 'Inactive' },
          calls: [{ call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' } }, ok: true }],
          verification: { ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] },
        },
      ],
    });
    expect(iam.calls.filter((c) => c.action === 'UpdateAccessKey').map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'ok']);
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
  });

  it('that outlasts the retries is reported as the failed call, with the state left', async () => {
    iam.throttle('UpdateAccessKey', 5);
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY }, context({ iam: iam.client({ maxAttempts: 2 }) }));
    expect(done).toEqual<ExecutionReport>({
      action: 'iam.deactivate-access-key',
      mode: 'execute',
      ok: false,
      summary: `iam.deactivate-access-key: 1 of 1 target failed (0 AWS calls made): user_name alice, access_key_id ${KEY}: iam:UpdateAccessKey failed: Throttling: Rate exceeded (after 2 attempts)`,
      targets: [
        {
          target: { user_name: 'alice', access_key_id: KEY },
          ok: false,
          error: 'iam:UpdateAccessKey failed: Throttling: Rate exceeded (after 2 attempts)',
          before: { status: 'Active' },
          after: { status: 'Active' },
          calls: [
            {
              call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' } },
              ok: false,
              error: 'Throttling: Rate exceeded (after 2 attempts)',
            },
          ],
          verification: { ok: false, details: [`access key ${KEY} of IAM user alice is Active`] },
        },
      ],
    });
  });
});
