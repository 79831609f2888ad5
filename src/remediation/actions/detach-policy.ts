/** Takes a managed policy off a user, a role or a group. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { attachedPolicies, type PolicyHolder } from '../iam/read.js';
import { groupName, managedPolicyArn, roleName, userName } from '../inputs.js';
import { iamCall, type IamCall } from '../iam/commands.js';

const PRINCIPALS = [
  {
    input: 'user_name',
    kind: 'user',
    noun: 'IAM user',
    detach: (name: string, arn: string) => iamCall('DetachUserPolicy', { UserName: name, PolicyArn: arn }),
    attach: (name: string, arn: string) => iamCall('AttachUserPolicy', { UserName: name, PolicyArn: arn }),
  },
  {
    input: 'role_name',
    kind: 'role',
    noun: 'role',
    detach: (name: string, arn: string) => iamCall('DetachRolePolicy', { RoleName: name, PolicyArn: arn }),
    attach: (name: string, arn: string) => iamCall('AttachRolePolicy', { RoleName: name, PolicyArn: arn }),
  },
  {
    input: 'group_name',
    kind: 'group',
    noun: 'group',
    detach: (name: string, arn: string) => iamCall('DetachGroupPolicy', { GroupName: name, PolicyArn: arn }),
    attach: (name: string, arn: string) => iamCall('AttachGroupPolicy', { GroupName: name, PolicyArn: arn }),
  },
] as const;

type Inputs = { user_name?: string; role_name?: string; group_name?: string; policy_arn: string };

function principalOf(inputs: Inputs): { spec: (typeof PRINCIPALS)[number]; name: string; holder: PolicyHolder } {
  const spec = PRINCIPALS.find((p) => inputs[p.input] !== undefined)!;
  const name = inputs[spec.input]!;
  return { spec, name, holder: { kind: spec.kind, name } };
}

export const detachPolicy = defineAction({
  name: 'iam.detach-policy',
  description: 'Detach a managed policy from one IAM user, role or group (undo: attach it again).',
  inputs: z
    .object({
      user_name: userName.optional(),
      role_name: roleName.optional(),
      group_name: groupName.optional(),
      policy_arn: managedPolicyArn,
    })
    .strict()
    .superRefine((inputs, ctx) => {
      const given = PRINCIPALS.filter((p) => inputs[p.input] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `give exactly one of user_name, role_name or group_name (got ${given.length === 0 ? 'none' : given.map((p) => p.input).join(' and ')})`,
        });
      }
    }),
  permissions: {
    execute: ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachGroupPolicy'],
    verify: ['iam:ListAttachedUserPolicies', 'iam:ListAttachedRolePolicies', 'iam:ListAttachedGroupPolicies'],
    undo: ['iam:AttachUserPolicy', 'iam:AttachRolePolicy', 'iam:AttachGroupPolicy'],
  },
  principals: (inputs) => {
    const { spec, name } = principalOf(inputs);
    return [{ kind: spec.kind, name, input: spec.input }];
  },
  plan: (inputs) => {
    const { spec, name } = principalOf(inputs);
    return { summary: `Detach policy ${inputs.policy_arn} from ${spec.noun} ${name}` };
  },
  assumed: () => ({ attached: true }),
  read: async (inputs, io) => ({ attached: (await attachedPolicies(io, principalOf(inputs).holder)).has(inputs.policy_arn) }),
  changes: (inputs, { attached }): IamCall[] => {
    const { spec, name } = principalOf(inputs);
    return attached ? [spec.detach(name, inputs.policy_arn)] : [];
  },
  check: (inputs, { attached }) => ({ ok: attached === false, details: [attachedLine(inputs, attached === true)] }),
  undo: {
    summary: (inputs) => {
      const { spec, name } = principalOf(inputs);
      return `Attach policy ${inputs.policy_arn} to ${spec.noun} ${name} again`;
    },
    // A policy that was not attached before the remediation is not attached by its undo.
    changes: (inputs, before, now): IamCall[] => {
      const { spec, name } = principalOf(inputs);
      return before.attached === true && now.attached === false ? [spec.attach(name, inputs.policy_arn)] : [];
    },
    check: (inputs, before, now) => ({ ok: now.attached === before.attached, details: [attachedLine(inputs, now.attached === true)] }),
  },
});

function attachedLine(inputs: Inputs, attached: boolean): string {
  const { spec, name } = principalOf(inputs);
  return `policy ${inputs.policy_arn} is ${attached ? '' : 'not '}attached to ${spec.noun} ${name}`;
}
