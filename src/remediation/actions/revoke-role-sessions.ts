/**
 * Invalidates every session of a role issued before now, as the IAM console's "Revoke
 * active sessions" does: an inline policy, named as the console names it, that denies
 * everything to credentials whose token was issued before the cut-off.
 */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { roleName } from '../inputs.js';
import { iamCall } from './iam-call.js';

export const REVOKE_POLICY_NAME = 'AWSRevokeOlderSessions';

export function revokeOlderSessionsPolicy(cutoff: Date) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff.toISOString() } },
      },
    ],
  };
}

export const revokeRoleSessions = defineAction({
  name: 'iam.revoke-role-sessions',
  description: `Deny every session of a role issued before now (inline policy ${REVOKE_POLICY_NAME}).`,
  inputs: z.object({ role_name: roleName }).strict(),
  permissions: ['iam:PutRolePolicy'],
  reversible: true,
  plan: ({ role_name }, { now }) => ({
    summary: `Revoke every session of role ${role_name} issued before ${now.toISOString()}`,
    calls: [
      iamCall('PutRolePolicy', {
        RoleName: role_name,
        PolicyName: REVOKE_POLICY_NAME,
        PolicyDocument: JSON.stringify(revokeOlderSessionsPolicy(now)),
      }),
    ],
    warnings: [
      'Legitimate sessions are revoked too: workloads using this role (EC2, Lambda, ECS, CI) fail until they obtain new credentials.',
    ],
  }),
});
