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
    expect(done.ok).toBe(true);
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
    expect(done.targets[0]!.calls).toEqual([
      { call: { service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' } }, ok: true },
    ]);
    expect(done.targets[0]!.verification).toEqual({ ok: true, details: [`access key ${KEY} of IAM user alice is Inactive`] });
    expect(done.summary).toBe('iam.deactivate-access-key done on 1 target and verified (1 AWS call)');

    const undone = await undoRemediation(done, context());
    expect(undone.ok).toBe(true);
    expect(iam.state.accessKey('alice', KEY).status).toBe('Active');
    expect(undone.targets[0]!.verification.details).toEqual([`access key ${KEY} of IAM user alice is Active`]);
  });

  it('is idempotent: a key already Inactive is left alone, and undo does not turn it on', async () => {
    const inactive = 'AKIAI44QH8DHBEXAMPLE';
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: inactive });
    expect(done.ok).toBe(true);
    expect(done.targets[0]!.calls).toEqual([]);
    expect(done.summary).toContain('1 needed no change');

    const again = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    const twice = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    expect([again.ok, twice.ok]).toEqual([true, true]);
    expect(twice.targets[0]!.calls).toEqual([]);

    await undoRemediation(done, context());
    expect(iam.state.accessKey('alice', inactive).status).toBe('Inactive');
  });

  it('reports a key the user does not have with IAM\'s own answer, and changes nothing', async () => {
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: 'AKIAZZZZZZZZZZZZZZZZ' });
    expect(done.ok).toBe(false);
    expect(done.targets[0]!.error).toMatch(/^iam:UpdateAccessKey failed: NoSuchEntity: The Access Key with id AKIAZZZZZZZZZZZZZZZZ cannot be found/);
    expect(done.targets[0]!.verification.details).toEqual(['IAM user alice has no access key AKIAZZZZZZZZZZZZZZZZ']);
  });
});

describe('iam.delete-login-profile', () => {
  it('deletes the console password and verifies GetLoginProfile answers NoSuchEntity; it cannot be undone', async () => {
    const done = await execute('iam.delete-login-profile', { user_name: 'alice' });
    expect(done.ok).toBe(true);
    expect(iam.state.user('alice').loginProfile).toBeUndefined();
    expect(done.targets[0]!.verification.details).toEqual(['IAM user alice has no console password (GetLoginProfile: NoSuchEntity)']);
    expect(getAction('iam.delete-login-profile').undo).toBeUndefined();
    await expect(undoRemediation(done, context())).rejects.toThrow('iam.delete-login-profile cannot be undone');
    expect(() => planUndo(done, 'aws')).toThrow('cannot be undone');
  });

  it('fails for a user that does not exist instead of calling it done', async () => {
    const done = await execute('iam.delete-login-profile', { user_name: 'alcie' });
    expect(done.ok).toBe(false);
    expect(done.targets[0]!.error).toBe('could not read the state of user_name alcie: NoSuchEntity: The user with name alcie cannot be found.; nothing was changed');
    expect(changes()).toEqual([]);
  });
});

describe('iam.quarantine-user', () => {
  it('puts the deny-all policy and attaches AWSCompromisedKeyQuarantineV3; undo removes both', async () => {
    const done = await execute('iam.quarantine-user', { user_name: 'alice' });
    expect(done.ok).toBe(true);
    const alice = iam.state.user('alice');
    expect(JSON.parse(alice.inlinePolicies.get('ctrb-quarantine-deny-all')!)).toMatchObject({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    expect(alice.attachedPolicies.has(QUARANTINE_ARN)).toBe(true);
    expect(done.targets[0]!.verification.details).toEqual([
      'inline policy ctrb-quarantine-deny-all on IAM user alice denies every action',
      'AWSCompromisedKeyQuarantineV3 is attached to IAM user alice',
    ]);

    const plan = planUndo(done, 'aws');
    expect(plan.calls.map((c) => c.operation)).toEqual(['DeleteUserPolicy', 'DetachUserPolicy']);

    const undone = await undoRemediation(done, context());
    expect(undone.ok).toBe(true);
    expect(alice.inlinePolicies.has('ctrb-quarantine-deny-all')).toBe(false);
    expect(alice.attachedPolicies.has(QUARANTINE_ARN)).toBe(false);
    expect(alice.attachedPolicies.has(ADMIN)).toBe(true);
  });

  it('leaves AWSCompromisedKeyQuarantineV3 attached on undo when AWS had attached it before', async () => {
    iam.state.user('alice').attachedPolicies.add(QUARANTINE_ARN);
    const done = await execute('iam.quarantine-user', { user_name: 'alice' });
    expect(done.targets[0]!.calls.map((c) => c.call.operation)).toEqual(['PutUserPolicy']);
    const undone = await undoRemediation(done, context());
    expect(undone.ok).toBe(true);
    expect(iam.state.user('alice').attachedPolicies.has(QUARANTINE_ARN)).toBe(true);
    expect(undone.targets[0]!.verification.details).toContain('AWSCompromisedKeyQuarantineV3 was attached before the quarantine, so it stays attached.');
  });

  it('says which call failed and what state it left', async () => {
    iam.fail('AttachUserPolicy', 'AccessDenied', 'User: arn:aws:sts::111122223333:assumed-role/ctrb-remediation/run-1 is not authorized to perform: iam:AttachUserPolicy');
    const done = await execute('iam.quarantine-user', { user_name: 'alice' });
    expect(done.ok).toBe(false);
    const target = done.targets[0]!;
    expect(target.calls.map((c) => [c.call.operation, c.ok])).toEqual([
      ['PutUserPolicy', true],
      ['AttachUserPolicy', false],
    ]);
    expect(target.error).toMatch(/^iam:AttachUserPolicy failed: AccessDenied: User: .* is not authorized to perform: iam:AttachUserPolicy/);
    // The state left: the deny-all is in place, the AWS policy is not.
    expect(target.verification).toEqual({
      ok: false,
      details: ['inline policy ctrb-quarantine-deny-all on IAM user alice denies every action', 'AWSCompromisedKeyQuarantineV3 is not attached to IAM user alice'],
    });
    expect(done.summary).toMatch(/^iam.quarantine-user: 1 of 1 target failed \(1 AWS call made\): user_name alice: iam:AttachUserPolicy failed: AccessDenied/);

    // Undo takes back what was done before the failure.
    await undoRemediation(done, context());
    expect(iam.state.user('alice').inlinePolicies.has('ctrb-quarantine-deny-all')).toBe(false);
  });
});

describe('iam.revoke-role-sessions', () => {
  it('cuts off at the moment of execution, not of the plan; verify reads the cut-off back; undo removes the policy', async () => {
    const plan = getAction('iam.revoke-role-sessions').plan({ role_name: 'ci-deploy' }, { now: PLANNED });
    expect(plan.calls[0]!.params.PolicyDocument).toContain(PLANNED.toISOString());

    const done = await executeRemediation(plan, context());
    expect(done.ok).toBe(true);
    const stored = JSON.parse(iam.state.role('ci-deploy').inlinePolicies.get('AWSRevokeOlderSessions')!);
    expect(stored.Statement[0].Condition).toEqual({ DateLessThan: { 'aws:TokenIssueTime': EXECUTED.toISOString() } });
    expect(done.targets[0]!.verification.details).toEqual([`AWSRevokeOlderSessions on role ci-deploy denies every session issued before ${EXECUTED.toISOString()}`]);

    const undone = await undoRemediation(done, context());
    expect(undone.ok).toBe(true);
    expect(iam.state.role('ci-deploy').inlinePolicies.has('AWSRevokeOlderSessions')).toBe(false);
  });

  it('undo puts back an earlier revocation instead of deleting it', async () => {
    const earlier = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-10-01T00:00:00.000Z' } } }] });
    iam.state.role('ci-deploy').inlinePolicies.set('AWSRevokeOlderSessions', earlier);
    const done = await execute('iam.revoke-role-sessions', { role_name: 'ci-deploy' });
    expect(iam.state.role('ci-deploy').inlinePolicies.get('AWSRevokeOlderSessions')).toContain(EXECUTED.toISOString());
    await undoRemediation(done, context());
    expect(iam.state.role('ci-deploy').inlinePolicies.get('AWSRevokeOlderSessions')).toBe(earlier);
  });
});

describe('iam.detach-policy', () => {
  it.each([
    ['user_name', 'alice', (s: FakeIam['state']) => s.user('alice').attachedPolicies],
    ['role_name', 'ci-deploy', (s: FakeIam['state']) => s.role('ci-deploy').attachedPolicies],
    ['group_name', 'admins', (s: FakeIam['state']) => s.group('admins').attachedPolicies],
  ])('detaches from a %s and undo attaches it again', async (input, name, attached) => {
    const done = await execute('iam.detach-policy', { [input]: name, policy_arn: ADMIN });
    expect(done.ok).toBe(true);
    expect(attached(iam.state).has(ADMIN)).toBe(false);
    await undoRemediation(done, context());
    expect(attached(iam.state).has(ADMIN)).toBe(true);
  });

  it('follows pagination of the attached policies', async () => {
    iam.pageSize = 1;
    const many = ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/SecurityAudit'];
    for (const arn of many) iam.state.user('alice').attachedPolicies.add(arn);
    try {
      const done = await execute('iam.detach-policy', { user_name: 'alice', policy_arn: ADMIN });
      expect(done.ok).toBe(true);
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
    expect(done.ok).toBe(true);
    expect(iam.state.group('admins').members.has('alice')).toBe(false);
    expect(done.targets[0]!.verification.details).toEqual(['IAM user alice is not a member of group admins']);
    await undoRemediation(done, context());
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
    expect(done.ok).toBe(false);
    expect(done.targets[0]!.error).toMatch(/^refused: iam.deactivate-access-key: input user_name: IAM user break-glass is protected/);
    expect(iam.calls).toEqual([]);
    expect(iam.state.accessKey('break-glass', 'AKIAJBREAKGLASS00001').status).toBe('Active');
  });

  it('other targets of the same plan still execute', async () => {
    const action = getAction('iam.deactivate-access-key');
    const a = action.plan({ user_name: 'alice', access_key_id: KEY });
    const b = action.plan({ user_name: 'break-glass', access_key_id: 'AKIAJBREAKGLASS00001' });
    const done = await executeRemediation({ ...a, targets: [...b.targets, ...a.targets], calls: [...b.calls, ...a.calls] }, context());
    expect(done.targets.map((t) => t.ok)).toEqual([false, true]);
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
  });
});

describe('throttling', () => {
  it('is retried by the client, and the call goes through', async () => {
    iam.throttle('UpdateAccessKey', 1);
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY });
    expect(done.ok).toBe(true);
    expect(iam.calls.filter((c) => c.action === 'UpdateAccessKey').map((c) => c.error ?? 'ok')).toEqual(['Throttling', 'ok']);
    expect(iam.state.accessKey('alice', KEY).status).toBe('Inactive');
  });

  it('that outlasts the retries is reported as the failed call, with the state left', async () => {
    iam.throttle('UpdateAccessKey', 5);
    const done = await execute('iam.deactivate-access-key', { user_name: 'alice', access_key_id: KEY }, context({ iam: iam.client({ maxAttempts: 2 }) }));
    expect(done.ok).toBe(false);
    expect(done.targets[0]!.error).toBe('iam:UpdateAccessKey failed: Throttling: Rate exceeded (after 2 attempts)');
    expect(done.targets[0]!.verification.details).toEqual([`access key ${KEY} of IAM user alice is Active`]);
  });
});
