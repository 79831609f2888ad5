/** Takes away an IAM user's console password. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { hasLoginProfile } from '../iam/read.js';
import { userName } from '../inputs.js';
import { iamCall } from '../iam/commands.js';

export const deleteLoginProfile = defineAction({
  name: 'iam.delete-login-profile',
  description: 'Delete an IAM user\'s console password (login profile). Not reversible.',
  inputs: z.object({ user_name: userName }).strict(),
  permissions: { execute: ['iam:DeleteLoginProfile'], verify: ['iam:GetUser', 'iam:GetLoginProfile'] },
  principals: ({ user_name }) => [{ kind: 'user', name: user_name, input: 'user_name' }],
  plan: ({ user_name }) => ({
    summary: `Delete the console password (login profile) of IAM user ${user_name}`,
    warnings: [
      'Not reversible: the password is gone. Giving the user console access again means creating a new login profile with a new password.',
      'Console sessions already signed in are not ended by this.',
    ],
  }),
  assumed: () => ({ loginProfile: true }),
  read: async ({ user_name }, io) => ({ loginProfile: await hasLoginProfile(io, user_name) }),
  changes: ({ user_name }, { loginProfile }) => (loginProfile ? [iamCall('DeleteLoginProfile', { UserName: user_name })] : []),
  check: ({ user_name }, { loginProfile }) => ({
    ok: loginProfile === false,
    details: [loginProfile ? `IAM user ${user_name} still has a console password` : `IAM user ${user_name} has no console password (GetLoginProfile: NoSuchEntity)`],
  }),
});
