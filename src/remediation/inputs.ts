/**
 * The inputs remediation actions take, each a zod schema with IAM's own naming rules and a
 * message that shows the value and the expected form. Inputs come from query rows, so they
 * are checked here as strictly as parameters are checked before a query.
 */
import { ACCESS_KEY_ID } from '../model/values/aws-ids.js';
import { z } from 'zod';

/** A text input that must match `pattern`, explained as "<value> is not <noun> (expected …)". */
function iamText(noun: string, expected: string, pattern: RegExp, extra?: (value: string) => string | undefined) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : `must be text, not ${typeof issue.input}`) })
    .superRefine((value, ctx) => {
      const shown = JSON.stringify(value);
      if (!pattern.test(value)) {
        ctx.addIssue({ code: 'custom', message: `${shown} is not ${noun} (expected ${expected})` });
        return;
      }
      const refusal = extra?.(value);
      if (refusal) ctx.addIssue({ code: 'custom', message: `${shown} ${refusal}` });
    });
}

export const userName = iamText('an IAM user name', '1 to 64 letters, digits or + = , . @ _ -, e.g. alice', /^[\w+=,.@-]{1,64}$/);

export const roleName = iamText(
  'an IAM role name',
  '1 to 64 letters, digits or + = , . @ _ -, e.g. ci-deploy',
  /^[\w+=,.@-]{1,64}$/,
  // AWS owns service-linked roles and refuses inline policies and detaching on them.
  (name) => (name.startsWith('AWSServiceRoleFor') ? 'is a service-linked role, which AWS manages and IAM actions cannot change' : undefined),
);

export const groupName = iamText('an IAM group name', '1 to 128 letters, digits or + = , . @ _ -, e.g. admins', /^[\w+=,.@-]{1,128}$/);

/**
 * A long-term access key. Temporary keys (ASIA…) belong to a session: IAM cannot deactivate
 * them, and the way to cut them off is to revoke the sessions of the role that issued them.
 */
export const longTermAccessKeyId = iamText(
  'an access key id',
  '20 characters starting with AKIA, e.g. AKIAIOSFODNN7EXAMPLE',
  ACCESS_KEY_ID,
  (key) =>
    key.startsWith('ASIA')
      ? 'is a temporary session key, which cannot be deactivated: revoke the sessions of the role that issued it (iam.revoke-role-sessions)'
      : undefined,
);

export const managedPolicyArn = iamText(
  'a managed policy ARN',
  'arn:aws:iam::<account or aws>:policy/<path and name>, e.g. arn:aws:iam::aws:policy/AdministratorAccess',
  /^arn:aws(?:-[a-z]+){0,2}:iam::(?:\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/,
);
