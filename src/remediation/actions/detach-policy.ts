/** Takes a managed policy off a user, a role or a group. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { groupName, managedPolicyArn, roleName, userName } from '../inputs.js';
import { iamCall } from './iam-call.js';

const PRINCIPALS = [
  { input: 'user_name', kind: 'IAM user', operation: 'DetachUserPolicy', param: 'UserName' },
  { input: 'role_name', kind: 'role', operation: 'DetachRolePolicy', param: 'RoleName' },
  { input: 'group_name', kind: 'group', operation: 'DetachGroupPolicy', param: 'GroupName' },
] as const;

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
  permissions: ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachGroupPolicy'],
  reversible: true,
  plan: (inputs) => {
    const principal = PRINCIPALS.find((p) => inputs[p.input] !== undefined)!;
    const name = inputs[principal.input]!;
    return {
      summary: `Detach policy ${inputs.policy_arn} from ${principal.kind} ${name}`,
      calls: [iamCall(principal.operation, { [principal.param]: name, PolicyArn: inputs.policy_arn })],
    };
  },
});
