import { describe, expect, it } from 'vitest';
import {
  catalogPermissions,
  checkRemediateSpec,
  getAction,
  listActions,
  RemediationPlanError,
  UnknownActionError,
} from '../../src/remediation/index.js';

const NOW = new Date('2026-11-02T03:04:05.000Z');

function plan(action: string, inputs: Record<string, unknown>, partition = 'aws') {
  return getAction(action).plan(inputs, { now: NOW, partition });
}

/** The messages of the RemediationPlanError that planning throws. */
function refusal(action: string, inputs: Record<string, unknown>): string[] {
  try {
    plan(action, inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(RemediationPlanError);
    return (e as RemediationPlanError).message.split('\n');
  }
  throw new Error('expected the plan to be refused');
}

describe('iam.deactivate-access-key', () => {
  it('plans UpdateAccessKey to Inactive, reversible', () => {
    const p = plan('iam.deactivate-access-key', { user_name: 'alice', access_key_id: 'AKIAIOSFODNN7EXAMPLE' });
    expect(p).toMatchObject({
      action: 'iam.deactivate-access-key',
      summary: 'Deactivate access key AKIAIOSFODNN7EXAMPLE of IAM user alice',
      targets: [{ user_name: 'alice', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }],
      calls: [
        {
          service: 'iam',
          operation: 'UpdateAccessKey',
          params: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' },
        },
      ],
      reversible: true,
    });
    expect(p.warnings.join(' ')).toContain('Temporary credentials already obtained with this key');
  });

  it('refuses a temporary key and says what to do instead', () => {
    expect(refusal('iam.deactivate-access-key', { user_name: 'alice', access_key_id: 'ASIAIOSFODNN7EXAMPLE' })).toEqual([
      'iam.deactivate-access-key: input access_key_id: "ASIAIOSFODNN7EXAMPLE" is a temporary session key, which cannot be deactivated: revoke the sessions of the role that issued it (iam.revoke-role-sessions)',
    ]);
  });
});

describe('iam.delete-login-profile', () => {
  it('plans DeleteLoginProfile and says it cannot be undone', () => {
    const p = plan('iam.delete-login-profile', { user_name: 'alice' });
    expect(p.calls).toEqual([{ service: 'iam', operation: 'DeleteLoginProfile', params: { UserName: 'alice' } }]);
    expect(p.reversible).toBe(false);
    expect(p.warnings[0]).toMatch(/^Not reversible/);
    expect(getAction('iam.delete-login-profile').reversible).toBe(false);
  });
});

describe('iam.quarantine-user', () => {
  it('plans a deny-all inline policy and the AWS quarantine policy', () => {
    const p = plan('iam.quarantine-user', { user_name: 'alice' });
    expect(p.calls.map((c) => c.operation)).toEqual(['PutUserPolicy', 'AttachUserPolicy']);
    const [put, attach] = p.calls;
    expect(put!.params).toMatchObject({ UserName: 'alice', PolicyName: 'ctrb-quarantine-deny-all' });
    expect(JSON.parse(put!.params.PolicyDocument as string)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'CtrbQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
    });
    expect(attach!.params).toEqual({ UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3' });
    expect(p.reversible).toBe(true);
  });

  it('uses the partition of the account', () => {
    const p = plan('iam.quarantine-user', { user_name: 'alice' }, 'aws-us-gov');
    expect(p.calls[1]!.params.PolicyArn).toBe('arn:aws-us-gov:iam::aws:policy/AWSCompromisedKeyQuarantineV3');
  });
});

describe('iam.revoke-role-sessions', () => {
  it('plans the console revoke policy with a cut-off of now', () => {
    const p = plan('iam.revoke-role-sessions', { role_name: 'ci-deploy' });
    expect(p.summary).toBe('Revoke every session of role ci-deploy issued before 2026-11-02T03:04:05.000Z');
    expect(p.calls).toHaveLength(1);
    expect(p.calls[0]).toMatchObject({ service: 'iam', operation: 'PutRolePolicy', params: { RoleName: 'ci-deploy', PolicyName: 'AWSRevokeOlderSessions' } });
    expect(JSON.parse(p.calls[0]!.params.PolicyDocument as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-02T03:04:05.000Z' } },
        },
      ],
    });
  });

  it('refuses a service-linked role', () => {
    expect(refusal('iam.revoke-role-sessions', { role_name: 'AWSServiceRoleForECS' })[0]).toContain('is a service-linked role');
  });
});

describe('iam.detach-policy', () => {
  const policy = 'arn:aws:iam::aws:policy/AdministratorAccess';

  it.each([
    ['user_name', 'DetachUserPolicy', 'UserName', 'IAM user'],
    ['role_name', 'DetachRolePolicy', 'RoleName', 'role'],
    ['group_name', 'DetachGroupPolicy', 'GroupName', 'group'],
  ])('from a %s: %s', (input, operation, param, kind) => {
    const p = plan('iam.detach-policy', { [input]: 'ops', policy_arn: policy });
    expect(p.calls).toEqual([{ service: 'iam', operation, params: { [param]: 'ops', PolicyArn: policy } }]);
    expect(p.summary).toBe(`Detach policy ${policy} from ${kind} ops`);
  });

  it('needs exactly one principal', () => {
    expect(refusal('iam.detach-policy', { policy_arn: policy })).toEqual([
      'iam.detach-policy: give exactly one of user_name, role_name or group_name (got none)',
    ]);
    expect(refusal('iam.detach-policy', { user_name: 'a', role_name: 'b', policy_arn: policy })).toEqual([
      'iam.detach-policy: give exactly one of user_name, role_name or group_name (got user_name and role_name)',
    ]);
  });

  it('needs a managed policy ARN', () => {
    expect(refusal('iam.detach-policy', { user_name: 'a', policy_arn: 'AdministratorAccess' })).toEqual([
      'iam.detach-policy: input policy_arn: "AdministratorAccess" is not a managed policy ARN (expected arn:aws:iam::<account or aws>:policy/<path and name>, e.g. arn:aws:iam::aws:policy/AdministratorAccess)',
    ]);
  });
});

describe('iam.remove-user-from-group', () => {
  it('plans RemoveUserFromGroup', () => {
    const p = plan('iam.remove-user-from-group', { user_name: 'alice', group_name: 'admins' });
    expect(p.calls).toEqual([{ service: 'iam', operation: 'RemoveUserFromGroup', params: { GroupName: 'admins', UserName: 'alice' } }]);
    expect(p.summary).toBe('Remove IAM user alice from group admins');
  });
});

describe('the root user', () => {
  it.each([
    ['iam.quarantine-user', { user_name: 'root' }, 'user_name', 'root'],
    ['iam.delete-login-profile', { user_name: 'arn:aws:iam::123456789012:root' }, 'user_name', 'arn:aws:iam::123456789012:root'],
    ['iam.deactivate-access-key', { user_name: 'Root', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }, 'user_name', 'Root'],
  ])('%s refuses %j and points to the manual steps', (action, inputs, input, value) => {
    expect(refusal(action, inputs)).toEqual([
      `${action}: input ${input}: ${JSON.stringify(value)} is the root user: the root user cannot be restricted through IAM. Secure it by hand instead: follow the manual steps in this runbook's note (sign in as root, reset the password, enable MFA, delete root access keys)`,
    ]);
  });
});

describe('bad inputs', () => {
  it('names the action and every bad, missing or unknown input', () => {
    expect(refusal('iam.deactivate-access-key', { user_name: 'alice bob', access_key: 'AKIAIOSFODNN7EXAMPLE' })).toEqual([
      'iam.deactivate-access-key: input user_name: "alice bob" is not an IAM user name (expected 1 to 64 letters, digits or + = , . @ _ -, e.g. alice)',
      'iam.deactivate-access-key: input access_key_id: is missing',
      'iam.deactivate-access-key: input access_key: not an input of iam.deactivate-access-key (it takes user_name, access_key_id)',
    ]);
  });

  it('refuses values that are not text', () => {
    expect(refusal('iam.quarantine-user', { user_name: 42 })).toEqual(['iam.quarantine-user: input user_name: must be text, not number']);
  });
});

describe('the catalogue', () => {
  it('lists every action with its inputs', () => {
    expect(listActions().map((a) => [a.name, a.inputNames])).toEqual([
      ['iam.deactivate-access-key', ['user_name', 'access_key_id']],
      ['iam.delete-login-profile', ['user_name']],
      ['iam.quarantine-user', ['user_name']],
      ['iam.revoke-role-sessions', ['role_name']],
      ['iam.detach-policy', ['user_name', 'role_name', 'group_name', 'policy_arn']],
      ['iam.remove-user-from-group', ['user_name', 'group_name']],
    ]);
  });

  it('an unknown action suggests the closest name', () => {
    expect(() => getAction('iam.quarantine-usr')).toThrow(UnknownActionError);
    expect(() => getAction('iam.quarantine-usr')).toThrow(
      'iam.quarantine-usr: no such remediation action (did you mean iam.quarantine-user? available: iam.deactivate-access-key, iam.delete-login-profile, iam.quarantine-user, iam.revoke-role-sessions, iam.detach-policy, iam.remove-user-from-group)',
    );
  });

  it('checks a remediate step\'s action and input names before anything runs', () => {
    expect(checkRemediateSpec({ action: 'iam.detach-policy', inputs: { role_name: 'row.role', policy_arn: 'row.arn' } })).toEqual([]);
    expect(checkRemediateSpec({ action: 'iam.deactivate-access-key', inputs: { user: 'row.userName' } })).toEqual([
      'iam.deactivate-access-key: input user: not an input of iam.deactivate-access-key (it takes user_name, access_key_id)',
      'iam.deactivate-access-key: input user_name: missing (it takes user_name, access_key_id)',
      'iam.deactivate-access-key: input access_key_id: missing (it takes user_name, access_key_id)',
    ]);
    expect(checkRemediateSpec({ action: 'iam.nuke', inputs: {} })[0]).toMatch(/^iam\.nuke: no such remediation action/);
  });

  it('returns every declared permission once', () => {
    expect(catalogPermissions()).toEqual([
      'iam:AttachUserPolicy',
      'iam:DeleteLoginProfile',
      'iam:DetachGroupPolicy',
      'iam:DetachRolePolicy',
      'iam:DetachUserPolicy',
      'iam:PutRolePolicy',
      'iam:PutUserPolicy',
      'iam:RemoveUserFromGroup',
      'iam:UpdateAccessKey',
    ]);
  });

  it('every API call an action plans is covered by the permissions it declares', () => {
    const samples: Record<string, Array<Record<string, string>>> = {
      'iam.deactivate-access-key': [{ user_name: 'a', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }],
      'iam.delete-login-profile': [{ user_name: 'a' }],
      'iam.quarantine-user': [{ user_name: 'a' }],
      'iam.revoke-role-sessions': [{ role_name: 'r' }],
      'iam.detach-policy': ['user_name', 'role_name', 'group_name'].map((k) => ({ [k]: 'x', policy_arn: 'arn:aws:iam::aws:policy/P' })),
      'iam.remove-user-from-group': [{ user_name: 'a', group_name: 'g' }],
    };
    for (const action of listActions()) {
      const used = samples[action.name]!.flatMap((inputs) => action.plan(inputs, { now: NOW }).calls.map((c) => `${c.service}:${c.operation}`));
      expect([...new Set(used)].sort(), action.name).toEqual([...action.permissions].sort());
    }
  });

  it('every action can be undone exactly when it says it is reversible, and declares the permissions of each phase', () => {
    for (const action of listActions()) {
      expect(action.undo !== undefined, action.name).toBe(action.reversible);
      expect(action.phasePermissions.execute).toEqual(action.permissions);
      expect(action.phasePermissions.verify.length, action.name).toBeGreaterThan(0);
      expect((action.phasePermissions.undo ?? []).length > 0, action.name).toBe(action.reversible);
    }
  });
});
