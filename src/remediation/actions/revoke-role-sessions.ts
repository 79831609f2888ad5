/**
 * Invalidates every session of a role issued before the moment of execution, as the IAM
 * console's "Revoke active sessions" does: an inline policy, named as the console names it,
 * that denies everything to credentials whose token was issued before the cut-off.
 *
 * The cut-off is taken when the policy is put, not when the plan was made: sessions started
 * between the plan and the approval (perhaps by the attacker, reacting) are revoked too.
 */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { inlinePolicy } from '../iam/read.js';
import { roleName } from '../inputs.js';
import { samePolicy } from '../policy-document.js';
import { iamCall } from '../iam/commands.js';

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

/** The cut-off of a revoke policy document, if it is one. */
export function revokeCutoff(document: string | null | undefined): Date | undefined {
  if (!document) return undefined;
  try {
    const parsed = JSON.parse(document) as { Statement?: unknown };
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    for (const s of statements as Array<{ Effect?: string; Condition?: { DateLessThan?: Record<string, unknown> } }>) {
      const cutoff = s?.Effect === 'Deny' ? s.Condition?.DateLessThan?.['aws:TokenIssueTime'] : undefined;
      if (typeof cutoff === 'string' && !Number.isNaN(Date.parse(cutoff))) return new Date(cutoff);
    }
  } catch {
    // Not JSON: not a revoke policy.
  }
  return undefined;
}

export const revokeRoleSessions = defineAction({
  name: 'iam.revoke-role-sessions',
  description: `Deny every session of a role issued before the moment of execution (inline policy ${REVOKE_POLICY_NAME}).`,
  inputs: z.object({ role_name: roleName }).strict(),
  permissions: { execute: ['iam:PutRolePolicy'], verify: ['iam:GetRolePolicy'], undo: ['iam:DeleteRolePolicy', 'iam:PutRolePolicy'] },
  principals: ({ role_name }) => [{ kind: 'role', name: role_name, input: 'role_name' }],
  plan: ({ role_name }, { now }) => ({
    summary: `Revoke every session of role ${role_name} issued before ${now.toISOString()}`,
    warnings: [
      'Legitimate sessions are revoked too: workloads using this role (EC2, Lambda, ECS, CI) fail until they obtain new credentials.',
      'The cut-off (aws:TokenIssueTime) is set when the remediation executes, not when it was planned: sessions started before the approval are revoked too.',
    ],
  }),
  assumed: () => ({ document: null }),
  read: async ({ role_name }, io) => ({ document: (await inlinePolicy(io, { kind: 'role', name: role_name }, REVOKE_POLICY_NAME)) ?? null }),
  // Always put: a policy found there already has an older cut-off.
  changes: ({ role_name }, _state, { now }) => [
    iamCall('PutRolePolicy', { RoleName: role_name, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: JSON.stringify(revokeOlderSessionsPolicy(now)) }),
  ],
  check: ({ role_name }, state, { now }) => {
    const cutoff = revokeCutoff(state.document as string | null);
    // A later cut-off (revoked again since) revokes at least as much.
    const ok = cutoff !== undefined && cutoff.getTime() >= Math.floor(now.getTime() / 1000) * 1000;
    return {
      ok,
      details: [
        cutoff
          ? `${REVOKE_POLICY_NAME} on role ${role_name} denies every session issued before ${cutoff.toISOString()}`
          : state.document === null
            ? `role ${role_name} has no inline policy ${REVOKE_POLICY_NAME}`
            : `inline policy ${REVOKE_POLICY_NAME} on role ${role_name} has no aws:TokenIssueTime cut-off`,
      ],
    };
  },
  undo: {
    summary: ({ role_name }) => `Stop revoking the older sessions of role ${role_name}: remove ${REVOKE_POLICY_NAME} (or put back the one there before)`,
    changes: ({ role_name }, before, now) =>
      samePolicy(now.document as string | null, before.document as string | null)
        ? []
        : before.document === null
          ? [iamCall('DeleteRolePolicy', { RoleName: role_name, PolicyName: REVOKE_POLICY_NAME })]
          : [iamCall('PutRolePolicy', { RoleName: role_name, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: before.document as string })],
    check: ({ role_name }, before, now) => {
      const cutoff = revokeCutoff(now.document as string | null);
      return {
        ok: samePolicy(now.document as string | null, before.document as string | null),
        details: [
          now.document === null
            ? `role ${role_name} has no inline policy ${REVOKE_POLICY_NAME}: sessions are no longer revoked by it`
            : `${REVOKE_POLICY_NAME} on role ${role_name} is the one there before the remediation${cutoff ? ` (sessions issued before ${cutoff.toISOString()})` : ''}`,
        ],
      };
    },
  },
});
