/**
 * The remediation settings of the configuration: the remediation role (its own, never the
 * query role) and the protected principals, which always include the bot's own roles.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { protectedPrincipalsOf } from '../../src/remediation/index.js';

const BASE = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', LOG_LEVEL: 'silent' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...BASE, ...env }, { role: 'worker' });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('remediation configuration', () => {
  it('reads the remediation role map and template, and the protected principals', () => {
    const config = loadConfig(
      {
        ...BASE,
        CTRB_REMEDIATION_ROLES: '111122223333=arn:aws:iam::111122223333:role/ir/ctrb-remediation',
        CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-remediation',
        CTRB_PROTECTED_PRINCIPALS: 'break-glass-*, role/OrganizationAccountAccessRole,break-glass-*',
      },
      { role: 'worker' },
    );
    expect(config.aws.roles.remediation).toEqual({
      byAccount: { '111122223333': 'arn:aws:iam::111122223333:role/ir/ctrb-remediation' },
      template: 'arn:aws:iam::{account}:role/ctrb-remediation',
    });
    expect(config.remediation.protectedPrincipals).toEqual(['break-glass-*', 'role/OrganizationAccountAccessRole']);
  });

  it('refuses malformed patterns and roles, and a remediation role that is the query role', () => {
    expect(
      problems({
        CTRB_PROTECTED_PRINCIPALS: 'arn:aws:s3:::bucket,alice smith',
        CTRB_REMEDIATION_ROLES: '1234=arn:aws:iam::1234:role/x',
        CTRB_QUERY_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb',
        CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb',
      }),
    ).toEqual([
      'CTRB_REMEDIATION_ROLES: "1234" is not an account id (12 digits)',
      'CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: the remediation role must be another role than the query role (its own, least-privilege policy: deploy/iam/)',
      'CTRB_PROTECTED_PRINCIPALS: "arn:aws:s3:::bucket" is not an IAM user, role or group ARN (arn:aws:iam::<account>:role/<name>); "alice smith" is not a principal name or pattern (e.g. ctrb-*, role/ctrb-remediation, user/break-glass)',
    ]);
  });

  it('protects the bot\'s own query and remediation roles in every account they are configured for', () => {
    const protection = protectedPrincipalsOf(['user/break-glass'], [
      { template: 'arn:aws:iam::{account}:role/ctrb-query' },
      { byAccount: { '111122223333': 'arn:aws:iam::111122223333:role/ir/ctrb-remediation' } },
    ]);
    expect(protection.match({ kind: 'role', name: 'ctrb-query' }, { accountId: '444455556666' })).toBe('arn:aws:iam::*:role/ctrb-query');
    expect(protection.match({ kind: 'role', name: 'CTRB-Remediation' }, { accountId: '111122223333' })).toBe('arn:aws:iam::111122223333:role/ir/ctrb-remediation');
    expect(protection.match({ kind: 'role', name: 'ctrb-remediation' }, { accountId: '444455556666' })).toBeUndefined();
    expect(protection.match({ kind: 'user', name: 'break-glass' })).toBe('user/break-glass');
    expect(protection.match({ kind: 'role', name: 'break-glass' })).toBeUndefined();
  });
});
