/**
 * Stops an IAM user from doing anything: an inline deny-all policy (which no allow can
 * override) plus AWS's own quarantine policy, the one AWS attaches to users whose keys it
 * finds exposed.
 */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { attachedPolicies, inlinePolicy } from '../iam/read.js';
import { userName } from '../inputs.js';
import { samePolicy } from '../policy-document.js';
import { iamCall } from '../iam/commands.js';

export const QUARANTINE_POLICY_NAME = 'ctrb-quarantine-deny-all';

export const QUARANTINE_POLICY_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'CtrbQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
};

export const AWS_QUARANTINE_POLICY = 'AWSCompromisedKeyQuarantineV3';

const DENY_ALL = JSON.stringify(QUARANTINE_POLICY_DOCUMENT);
const awsQuarantineArn = (partition: string) => `arn:${partition}:iam::aws:policy/${AWS_QUARANTINE_POLICY}`;
/** AWS's own policy, in any partition; a customer policy that borrows its name is not it. */
const AWS_QUARANTINE_ARN = new RegExp(`^arn:[a-z-]+:iam::aws:policy/${AWS_QUARANTINE_POLICY}$`);

export const quarantineUser = defineAction({
  name: 'iam.quarantine-user',
  description: `Deny an IAM user every action (inline policy ${QUARANTINE_POLICY_NAME}) and attach ${AWS_QUARANTINE_POLICY}.`,
  inputs: z.object({ user_name: userName }).strict(),
  permissions: {
    execute: ['iam:PutUserPolicy', 'iam:AttachUserPolicy'],
    verify: ['iam:GetUserPolicy', 'iam:ListAttachedUserPolicies'],
    undo: ['iam:DeleteUserPolicy', 'iam:PutUserPolicy', 'iam:DetachUserPolicy'],
  },
  principals: ({ user_name }) => [{ kind: 'user', name: user_name, input: 'user_name' }],
  plan: ({ user_name }) => ({
    summary: `Quarantine IAM user ${user_name}: deny every action (inline policy ${QUARANTINE_POLICY_NAME}) and attach ${AWS_QUARANTINE_POLICY}`,
    warnings: [
      `The user can do nothing in AWS, console included, until ${QUARANTINE_POLICY_NAME} is deleted and ${AWS_QUARANTINE_POLICY} detached.`,
      'Sessions of roles the user has already assumed are not affected: revoke them on each role.',
    ],
  }),
  assumed: () => ({ denyAll: null, awsPolicy: false }),
  // `denyAll` keeps the whole document found under our policy name, so undo can put back a
  // different one that was there before instead of deleting it.
  read: async ({ user_name }, io) => ({
    denyAll: (await inlinePolicy(io, { kind: 'user', name: user_name }, QUARANTINE_POLICY_NAME)) ?? null,
    awsPolicy: [...(await attachedPolicies(io, { kind: 'user', name: user_name }))].some((arn) => AWS_QUARANTINE_ARN.test(arn)),
  }),
  changes: ({ user_name }, state, { partition }) => [
    ...(samePolicy(state.denyAll as string | null, DENY_ALL)
      ? []
      : [iamCall('PutUserPolicy', { UserName: user_name, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: DENY_ALL })]),
    ...(state.awsPolicy ? [] : [iamCall('AttachUserPolicy', { UserName: user_name, PolicyArn: awsQuarantineArn(partition) })]),
  ],
  check: ({ user_name }, state) => {
    const denies = samePolicy(state.denyAll as string | null, DENY_ALL);
    return {
      ok: denies && state.awsPolicy === true,
      details: [
        denies
          ? `inline policy ${QUARANTINE_POLICY_NAME} on IAM user ${user_name} denies every action`
          : state.denyAll === null
            ? `IAM user ${user_name} has no inline policy ${QUARANTINE_POLICY_NAME}`
            : `inline policy ${QUARANTINE_POLICY_NAME} on IAM user ${user_name} is not the deny-all policy`,
        `${AWS_QUARANTINE_POLICY} is ${state.awsPolicy ? '' : 'not '}attached to IAM user ${user_name}`,
      ],
    };
  },
  undo: {
    summary: ({ user_name }) => `Lift the quarantine of IAM user ${user_name}: remove ${QUARANTINE_POLICY_NAME} and detach ${AWS_QUARANTINE_POLICY}`,
    // Only what the quarantine added goes: a quarantine policy AWS had attached before (it
    // does so when it finds a key exposed) stays attached.
    changes: ({ user_name }, before, now, { partition }) => [
      ...(samePolicy(now.denyAll as string | null, before.denyAll as string | null)
        ? []
        : before.denyAll === null
          ? [iamCall('DeleteUserPolicy', { UserName: user_name, PolicyName: QUARANTINE_POLICY_NAME })]
          : [iamCall('PutUserPolicy', { UserName: user_name, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: before.denyAll as string })]),
      ...(before.awsPolicy === false && now.awsPolicy === true
        ? [iamCall('DetachUserPolicy', { UserName: user_name, PolicyArn: awsQuarantineArn(partition) })]
        : []),
    ],
    check: ({ user_name }, before, now) => ({
      ok: samePolicy(now.denyAll as string | null, before.denyAll as string | null) && now.awsPolicy === before.awsPolicy,
      details: [
        now.denyAll === null ? `IAM user ${user_name} has no inline policy ${QUARANTINE_POLICY_NAME}` : `IAM user ${user_name} has an inline policy ${QUARANTINE_POLICY_NAME}`,
        `${AWS_QUARANTINE_POLICY} is ${now.awsPolicy ? '' : 'not '}attached to IAM user ${user_name}`,
        ...(before.awsPolicy === true ? [`${AWS_QUARANTINE_POLICY} was attached before the quarantine, so it stays attached.`] : []),
      ],
    }),
  },
});
