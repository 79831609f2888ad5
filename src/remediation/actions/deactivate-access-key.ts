/** Turns a leaked long-term access key off without deleting it, so it can be turned back on. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { longTermAccessKeyId, userName } from '../inputs.js';
import { iamCall } from './iam-call.js';

export const deactivateAccessKey = defineAction({
  name: 'iam.deactivate-access-key',
  description: 'Set an IAM user\'s access key to Inactive (undo: set it Active again).',
  inputs: z.object({ user_name: userName, access_key_id: longTermAccessKeyId }).strict(),
  permissions: ['iam:UpdateAccessKey'],
  reversible: true,
  plan: ({ user_name, access_key_id }) => ({
    summary: `Deactivate access key ${access_key_id} of IAM user ${user_name}`,
    calls: [iamCall('UpdateAccessKey', { UserName: user_name, AccessKeyId: access_key_id, Status: 'Inactive' })],
    warnings: [
      'Anything that signs requests with this key fails until the key is made Active again.',
      'Temporary credentials already obtained with this key (GetSessionToken, AssumeRole) stay valid until they expire: quarantine the user or revoke the role sessions to cut them off.',
    ],
  }),
});
