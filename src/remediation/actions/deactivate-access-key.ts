/** Turns a leaked long-term access key off without deleting it, so it can be turned back on. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { accessKeyStatus } from '../iam/read.js';
import { longTermAccessKeyId, userName } from '../inputs.js';
import { iamCall } from '../iam/commands.js';

export const deactivateAccessKey = defineAction({
  name: 'iam.deactivate-access-key',
  description: 'Set an IAM user\'s access key to Inactive (undo: set it Active again).',
  inputs: z.object({ user_name: userName, access_key_id: longTermAccessKeyId }).strict(),
  permissions: { execute: ['iam:UpdateAccessKey'], verify: ['iam:ListAccessKeys'], undo: ['iam:UpdateAccessKey'] },
  principals: ({ user_name }) => [{ kind: 'user', name: user_name, input: 'user_name' }],
  plan: ({ user_name, access_key_id }) => ({
    summary: `Deactivate access key ${access_key_id} of IAM user ${user_name}`,
    warnings: [
      'Anything that signs requests with this key fails until the key is made Active again.',
      'Temporary credentials already obtained with this key (GetSessionToken, AssumeRole) stay valid until they expire: quarantine the user or revoke the role sessions to cut them off.',
    ],
  }),
  assumed: () => ({ status: 'Active' }),
  read: async ({ user_name, access_key_id }, io) => ({ status: await accessKeyStatus(io, user_name, access_key_id) }),
  // A key that is Inactive already needs nothing; a missing one is sent anyway so AWS's own
  // answer (NoSuchEntity) is what the report shows.
  changes: ({ user_name, access_key_id }, { status }) =>
    status === 'Inactive' ? [] : [iamCall('UpdateAccessKey', { UserName: user_name, AccessKeyId: access_key_id, Status: 'Inactive' })],
  check: (inputs, { status }) => ({ ok: status === 'Inactive', details: [keyLine(inputs, status)] }),
  undo: {
    summary: ({ user_name, access_key_id }) => `Reactivate access key ${access_key_id} of IAM user ${user_name}`,
    // Only a key this action turned off is turned back on: one found Inactive stays so.
    changes: ({ user_name, access_key_id }, before, now) =>
      before.status === 'Active' && now.status === 'Inactive'
        ? [iamCall('UpdateAccessKey', { UserName: user_name, AccessKeyId: access_key_id, Status: 'Active' })]
        : [],
    check: (inputs, before, now) => ({
      ok: now.status === before.status,
      details: [keyLine(inputs, now.status), ...(before.status === 'Inactive' ? ['It was Inactive before the remediation, so it stays Inactive.'] : [])],
    }),
  },
});

function keyLine({ user_name, access_key_id }: { user_name: string; access_key_id: string }, status: unknown): string {
  return status === 'missing'
    ? `IAM user ${user_name} has no access key ${access_key_id}`
    : `access key ${access_key_id} of IAM user ${user_name} is ${String(status)}`;
}
