/** Takes an IAM user out of a group, and with it the group's permissions. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { groupName, userName } from '../inputs.js';
import { iamCall } from './iam-call.js';

export const removeUserFromGroup = defineAction({
  name: 'iam.remove-user-from-group',
  description: 'Remove an IAM user from a group (undo: add the user back).',
  inputs: z.object({ user_name: userName, group_name: groupName }).strict(),
  permissions: ['iam:RemoveUserFromGroup'],
  reversible: true,
  plan: ({ user_name, group_name }) => ({
    summary: `Remove IAM user ${user_name} from group ${group_name}`,
    calls: [iamCall('RemoveUserFromGroup', { GroupName: group_name, UserName: user_name })],
  }),
});
