/**
 * The configuration of the AWS engines as an operator writes it: query roles, external id,
 * retries, time limit, result reuse, price and the LookupEvents limit. Every mistake is
 * named with its variable, and the defaults are what docs/configuration.md says.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { awsSettingsOf } from '../../src/aws/index.js';

const BASE = { SLACK_BOT_TOKEN: 'xoxb-1-2-test', CTRB_ENGINE: 'lookup', AWS_REGION: 'eu-west-1' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...BASE, ...env }, { role: 'worker' });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('AWS engine configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig(BASE, { role: 'worker' });
    expect(config.engine).toMatchObject({ queryTimeoutMs: 600_000, lookup: { requestsPerSecond: 2, maxEvents: 10_000 } });
    expect(config.engine.athena).toMatchObject({ pricePerTbUsd: 5 });
    expect(config.engine.athena.resultReuseMaxAgeMinutes).toBeUndefined();
    expect(config.aws).toMatchObject({ maxAttempts: 5, retryMode: 'standard' });
    expect(awsSettingsOf(config)).toMatchObject({ region: 'eu-west-1', maxAttempts: 5, retryMode: 'standard' });
  });

  it('reads roles, external id, retries, time limit, reuse, price and rate', () => {
    const config = loadConfig(
      {
        ...BASE,
        CTRB_QUERY_ROLES: '111122223333=arn:aws:iam::111122223333:role/ctrb-query',
        CTRB_QUERY_ROLE_ARN_TEMPLATE: 'arn:aws:iam::{account}:role/ctrb-query',
        CTRB_ROLE_EXTERNAL_ID: 'ext-4f1c',
        AWS_MAX_ATTEMPTS: '8',
        AWS_RETRY_MODE: 'adaptive',
        CTRB_QUERY_TIMEOUT: '2m',
        CTRB_ATHENA_RESULT_REUSE: '1h',
        CTRB_ATHENA_PRICE_PER_TB: '6.75',
        CTRB_LOOKUP_RATE: '1.5',
      },
      { role: 'worker' },
    );
    expect(config.aws.roles.query).toEqual({
      byAccount: { '111122223333': 'arn:aws:iam::111122223333:role/ctrb-query' },
      template: 'arn:aws:iam::{account}:role/ctrb-query',
    });
    expect(awsSettingsOf(config)).toMatchObject({ externalId: 'ext-4f1c', maxAttempts: 8, retryMode: 'adaptive' });
    expect(config.engine).toMatchObject({ queryTimeoutMs: 120_000, lookup: { requestsPerSecond: 1.5 } });
    expect(config.engine.athena).toMatchObject({ resultReuseMaxAgeMinutes: 60, pricePerTbUsd: 6.75 });
  });

  it('names each malformed variable and what it expects', () => {
    expect(
      problems({
        CTRB_QUERY_ROLES: '1111=arn:aws:iam::1111:role/x',
        CTRB_QUERY_ROLE_ARN_TEMPLATE: 'arn:aws:iam::111122223333:role/ctrb-query',
        CTRB_ROLE_EXTERNAL_ID: 'has space',
        AWS_RETRY_MODE: 'legacy',
        CTRB_ATHENA_RESULT_REUSE: '8d',
        CTRB_LOOKUP_RATE: '3',
      }),
    ).toEqual([
      'CTRB_QUERY_ROLES: "1111" is not an account id (12 digits)',
      'CTRB_QUERY_ROLE_ARN_TEMPLATE: must contain {account}, e.g. arn:aws:iam::{account}:role/ctrb-query',
      'CTRB_ROLE_EXTERNAL_ID: must be 2 to 1224 letters, digits or + = , . @ : / - _',
      'AWS_RETRY_MODE: "legacy" is not one of standard, adaptive',
      'CTRB_ATHENA_RESULT_REUSE: must be from 1m to 7d',
      'CTRB_LOOKUP_RATE: "3" is not a rate above 0 and at most 2 (LookupEvents allows 2 requests per second per account and region)',
    ]);
  });
});
