/**
 * Which IAM role a call for an account runs as, and the session name it carries.
 */
import { ACCOUNT_ID } from '../model/values/aws-ids.js';
import type { CredentialPurpose, RoleSource } from './settings.js';

/** A role ARN in any partition, with an optional path. */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const TEMPLATE_FIELD = '{account}';

/** No configured role covers the account (or, for a remediation, no account was named): refused, never guessed. */
export class NoRoleForAccountError extends Error {
  override name = 'NoRoleForAccountError';
  constructor(
    readonly accountId: string | undefined,
    readonly purpose: CredentialPurpose,
  ) {
    super(
      accountId === undefined
        ? `no ${purpose} role applies to a call that names no account: name the account, or set a single role ARN`
        : `no ${purpose} role is configured for account ${accountId}: add it to the role map (${purpose === 'query' ? 'CTRB_QUERY_ROLES' : 'the remediation roles'}) or set an ARN template`,
    );
  }
}

/** Whether any role is configured; without one, calls use the process's own credentials. */
export function hasRoles(source: RoleSource | undefined): boolean {
  return !!source && (Object.keys(source.byAccount ?? {}).length > 0 || !!source.template || !!source.arn);
}

/**
 * The role ARN for an account, or undefined for the process's own credentials: when no role
 * is configured at all, or when a query names no account (it then reads the deployment's
 * home account) and no single role is set. Throws NoRoleForAccountError when roles are
 * configured but none covers the account named, and for a remediation that names no account:
 * the process's own identity never changes IAM once remediation roles are configured.
 */
export function roleArnFor(accountId: string | undefined, source: RoleSource | undefined, purpose: CredentialPurpose): string | undefined {
  if (!hasRoles(source)) return undefined;
  if (accountId === undefined) {
    if (source!.arn || purpose === 'query') return source!.arn;
    throw new NoRoleForAccountError(undefined, purpose);
  }
  if (!ACCOUNT_ID.test(accountId)) throw new Error(`"${accountId}" is not an AWS account id (12 digits)`);
  const role = source!.byAccount?.[accountId] ?? source!.template?.replaceAll(TEMPLATE_FIELD, accountId) ?? source!.arn;
  if (!role) throw new NoRoleForAccountError(accountId, purpose);
  return role;
}

/** STS RoleSessionName: 2–64 characters of letters, digits and `+=,.@_-`. */
const SESSION_NAME_MAX = 64;
const NOT_ALLOWED = /[^\w+=,.@-]/g;

/**
 * `ctrb-<runId>`: CloudTrail records it in every event the session causes
 * (`userIdentity.arn` ends with it), so each AWS call can be traced back to its run.
 */
export function roleSessionName(runId: string): string {
  return `ctrb-${runId}`.replace(NOT_ALLOWED, '-').slice(0, SESSION_NAME_MAX);
}

/**
 * A role map as an operator writes it: `111122223333=arn:...,444455556666=arn:...` or the
 * JSON object `{"111122223333": "arn:..."}`. Returns the problems instead of throwing, so the
 * configuration can list them with every other problem.
 */
export function parseRoleMap(text: string): { roles: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  let entries: [string, unknown][];
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      entries = Object.entries(parsed);
    } catch {
      return { roles: {}, problems: ['is not a JSON object of account id → role ARN'] };
    }
  } else {
    entries = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => {
        const at = item.indexOf('=');
        return at === -1 ? [item, undefined] : [item.slice(0, at).trim(), item.slice(at + 1).trim()];
      });
  }
  const roles: Record<string, string> = {};
  for (const [account, arn] of entries) {
    if (!ACCOUNT_ID.test(account)) problems.push(`"${account}" is not an account id (12 digits)`);
    else if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) problems.push(`the role for ${account} is not a role ARN (arn:aws:iam::<account>:role/<name>)`);
    else roles[account] = arn;
  }
  return { roles, problems };
}

/** Checks an ARN template: a role ARN once `{account}` is filled in. */
export function roleTemplateProblem(template: string): string | undefined {
  if (!template.includes(TEMPLATE_FIELD)) return `must contain ${TEMPLATE_FIELD}, e.g. arn:aws:iam::{account}:role/ctrb-query`;
  if (!ROLE_ARN.test(template.replaceAll(TEMPLATE_FIELD, '111122223333'))) return 'is not a role ARN once {account} is filled in';
  return undefined;
}
