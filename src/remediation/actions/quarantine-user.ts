/**
 * Stops an IAM user from doing anything: an inline deny-all policy (which no allow can
 * override) plus AWS's own quarantine policy, the one AWS attaches to users whose keys it
 * finds exposed.
 */
import { z } from 'zod';
import { defineAction } from '../action.js';
import { userName } from '../inputs.js';
import { iamCall } from './iam-call.js';

export const QUARANTINE_POLICY_NAME = 'ctrb-quarantine-deny-all';

export const QUARANTINE_POLICY_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'CtrbQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
};

export const AWS_QUARANTINE_POLICY = 'AWSCompromisedKeyQuarantineV3';

export const quarantineUser = defineAction({
  name: 'iam.quarantine-user',
  description: `Deny an IAM user every action (inline policy ${QUARANTINE_POLICY_NAME}) and attach ${AWS_QUARANTINE_POLICY}.`,
  inputs: z.object({ user_name: userName }).strict(),
  permissions: ['iam:PutUserPolicy', 'iam:AttachUserPolicy'],
  reversible: true,
  plan: ({ user_name }, { partition }) => ({
    summary: `Quarantine IAM user ${user_name}: deny every action (inline policy ${QUARANTINE_POLICY_NAME}) and attach ${AWS_QUARANTINE_POLICY}`,
    calls: [
      iamCall('PutUserPolicy', {
        UserName: user_name,
        PolicyName: QUARANTINE_POLICY_NAME,
        PolicyDocument: JSON.stringify(QUARANTINE_POLICY_DOCUMENT),
      }),
      iamCall('AttachUserPolicy', {
        UserName: user_name,
        PolicyArn: `arn:${partition}:iam::aws:policy/${AWS_QUARANTINE_POLICY}`,
      }),
    ],
    warnings: [
      `The user can do nothing in AWS, console included, until ${QUARANTINE_POLICY_NAME} is deleted and ${AWS_QUARANTINE_POLICY} detached.`,
      'Sessions of roles the user has already assumed are not affected: revoke them on each role.',
    ],
  }),
});
