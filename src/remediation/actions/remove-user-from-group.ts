/** Takes an IAM user out of a group, and with it the group's permissions. */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { groupsOfUser } from '../iam/read.js';
import { groupName, userName } from '../inputs.js';
import { iamCall } from '../iam/commands.js';

export const removeUserFromGroup = defineAction({
  name: 'iam.remove-user-from-group',
  description: 'Remove an IAM user from a group (undo: add the user back).',
  inputs: z.object({ user_name: userName, group_name: groupName }).strict(),
  permissions: { execute: ['iam:RemoveUserFromGroup'], verify: ['iam:ListGroupsForUser'], undo: ['iam:AddUserToGroup'] },
  principals: ({ user_name, group_name }) => [
    { kind: 'user', name: user_name, input: 'user_name' },
    { kind: 'group', name: group_name, input: 'group_name' },
  ],
  plan: ({ user_name, group_name }) => ({ summary: `Remove IAM user ${user_name} from group ${group_name}` }),
  assumed: () => ({ member: true }),
  read: async ({ user_name, group_name }, io) => ({ member: [...(await groupsOfUser(io, user_name))].some((g) => g.toLowerCase() === group_name.toLowerCase()) }),
  changes: ({ user_name, group_name }, { member }) => (member ? [iamCall('RemoveUserFromGroup', { GroupName: group_name, UserName: user_name })] : []),
  check: (inputs, { member }) => ({ ok: member === false, details: [memberLine(inputs, member === true)] }),
  undo: {
    summary: ({ user_name, group_name }) => `Add IAM user ${user_name} back to group ${group_name}`,
    changes: ({ user_name, group_name }, before, now) =>
      before.member === true && now.member === false ? [iamCall('AddUserToGroup', { GroupName: group_name, UserName: user_name })] : [],
    check: (inputs, before, now) => ({ ok: now.member === before.member, details: [memberLine(inputs, now.member === true)] }),
  },
});

function memberLine({ user_name, group_name }: { user_name: string; group_name: string }, member: boolean): string {
  return `IAM user ${user_name} is ${member ? '' : 'not '}a member of group ${group_name}`;
}
