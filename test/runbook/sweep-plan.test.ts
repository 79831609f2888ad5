/**
 * What a sweep does with each runbook: detections run with their defaults and the values
 * derived from the configuration and the logs; investigations are listed with the subject they
 * follow; a detection that still lacks a value says which variable would give it. The values
 * from the environment are checked like parameters, and a runbook a sweep could never run
 * without being told what it is refused when it loads.
 */
import { describe, expect, it } from 'vitest';
import { DerivedValueError, mergeDerivedValues, readDerivedValues, withDerivedInput } from '../../src/runbook/derived.js';
import { parseRunbook, RunbookError } from '../../src/runbook/load.js';
import { planSweep } from '../../src/runbook/sweep-plan.js';

const detection = parseRunbook(
  `id: outside
title: Outside
summary: Calls from other accounts.
severity: high
params:
  own_accounts: { type: account, list: true, required: true, derive: own_accounts, description: ours }
  pipeline_principals: { type: arn, list: true, default: [], derive: pipeline_principals, description: pipelines }
steps:
  - id: q
    query: { where: { userIdentity.accountId: { not_in: $own_accounts } } }
`,
  'outside.yaml',
);
const investigation = parseRunbook(
  `id: one-key
title: One key
summary: What one key did.
kind: investigation
severity: medium
params:
  access_key_id: { type: access_key_id, required: true, description: the key }
steps:
  - id: q
    query: { where: { userIdentity.accessKeyId: $access_key_id } }
`,
  'one-key.yaml',
);
const library = [
  { runbook: detection, file: 'outside.yaml' },
  { runbook: investigation, file: 'one-key.yaml' },
];

describe('a sweep plan', () => {
  it('runs a detection with the derived values and lists an investigation with its subject', () => {
    const plan = planSweep(library, { since: '24h' }, { own_accounts: ['111122223333', '444455556666'] });
    expect(plan.map((e) => e.action)).toEqual(['run', 'investigation']);
    expect(plan[0]).toMatchObject({ action: 'run', input: { since: '24h', own_accounts: '111122223333,444455556666' } });
    expect(plan[1]).toMatchObject({ action: 'investigation', subject: ['access_key_id'] });
  });

  it('skips a detection only when nothing gives a value it must have, naming the variable that would', () => {
    const plan = planSweep(library, { since: '24h', until: '2026-11-03T00:00:00Z' }, { own_accounts: [] });
    expect(plan[0]).toMatchObject({ action: 'skip', reason: 'needs own_accounts (set CTRB_OWN_ACCOUNTS)' });
  });

  it('never replaces a value the person gave', () => {
    expect(withDerivedInput(detection, { own_accounts: '999988887777' }, { own_accounts: ['111122223333'] })).toEqual({ own_accounts: '999988887777' });
    expect(withDerivedInput(detection, {}, { pipeline_principals: ['arn:aws:iam::111122223333:role/deploy'] })).toEqual({
      pipeline_principals: 'arn:aws:iam::111122223333:role/deploy',
    });
  });
});

describe('derived values from the environment', () => {
  it('reads comma-separated lists in their normal form, without repeats, and merges them with the logs\' accounts', () => {
    const values = readDerivedValues({
      CTRB_OWN_ACCOUNTS: ' 111122223333, 111122223333 ,444455556666',
      CTRB_OWN_REGIONS: 'eu-west-1',
      CTRB_PIPELINE_PRINCIPALS: 'arn:aws:iam::111122223333:role/deploy',
    });
    expect(values).toEqual({
      own_accounts: ['111122223333', '444455556666'],
      own_regions: ['eu-west-1'],
      pipeline_principals: ['arn:aws:iam::111122223333:role/deploy'],
    });
    expect(mergeDerivedValues(values, { own_accounts: ['555566667777', '111122223333'] }).own_accounts).toEqual(['111122223333', '444455556666', '555566667777']);
    expect(readDerivedValues({ CTRB_OWN_ACCOUNTS: '  ' })).toEqual({});
  });

  it('refuses every malformed item at once, naming the variable and the expected form', () => {
    let error: unknown;
    try {
      readDerivedValues({ CTRB_OWN_ACCOUNTS: '111122223333,prod', CTRB_OWN_REGIONS: 'Europe', CTRB_PIPELINE_PRINCIPALS: 'deploy-role' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DerivedValueError);
    expect((error as DerivedValueError).problems).toEqual([
      'CTRB_OWN_ACCOUNTS: "prod" is not an AWS account id (expected 12 digits, e.g. 123456789012; several separated by commas)',
      expect.stringMatching(/^CTRB_OWN_REGIONS: "Europe" is not an AWS region \(expected a region name such as us-east-1/),
      expect.stringMatching(/^CTRB_PIPELINE_PRINCIPALS: "deploy-role" is not an ARN \(expected arn:/),
    ]);
  });
});

describe('runbooks a sweep could not run', () => {
  it('refuses a detection with a required parameter that has neither a default nor `derive`, and a `derive` of the wrong type', () => {
    const text = `id: broken
title: Broken
summary: Needs a key but says it is a detection.
severity: low
params:
  access_key_id: { type: access_key_id, required: true, description: the key }
  regions: { type: account, list: true, derive: own_regions, description: wrong type }
steps:
  - id: q
    query: { where: { userIdentity.accessKeyId: $access_key_id } }
`;
    let error: unknown;
    try {
      parseRunbook(text, 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunbookError);
    const messages = (error as RunbookError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('params.access_key_id.required: a sweep cannot name access_key_id: give it a default or `derive`, or mark the runbook `kind: investigation`'),
        'params.regions.derive: `derive: own_regions` gives values of type region',
      ]),
    );
  });
});
