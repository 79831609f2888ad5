/** Takes away an IAM user's console password. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { userName } from '../inputs.js';
import { iamCall } from './iam-call.js';

export const deleteLoginProfile = defineAction({
  name: 'iam.delete-login-profile',
  description: 'Delete an IAM user\'s console password (login profile). Not reversible.',
  inputs: z.object({ user_name: userName }).strict(),
  permissions: ['iam:DeleteLoginProfile'],
  reversible: false,
  plan: ({ user_name }) => ({
    summary: `Delete the console password (login profile) of IAM user ${user_name}`,
    calls: [iamCall('DeleteLoginProfile', { UserName: user_name })],
    warnings: [
      'Not reversible: the password is gone. Giving the user console access again means creating a new login profile with a new password.',
      'Console sessions already signed in are not ended by this.',
    ],
  }),
});
