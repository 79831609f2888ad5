/**
 * The CEL functions checks use to read what an event did: policy documents as CloudTrail logs
 * them (whom they let in, whether they grant administrator rights) and changes to logging
 * (switched off, narrowed, switched on). Each is exercised through CEL, as a runbook uses it.
 */
import { describe, expect, it } from 'vitest';
import { celVariables, evaluateWhen } from '../../src/runbook/cel.js';
import type { CelVariables } from '../../src/runbook/cel.js';
import { renderTemplate } from '../../src/runbook/cel.js';

const OWN = '111122223333';
const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' };

function vars(policy: string | null, extra: Record<string, string | null> = {}): CelVariables {
  const v = celVariables({ params: { own_accounts: [OWN] }, window: WINDOW }, []);
  return { ...v, params: { ...v.params, policy, ...extra } } as CelVariables;
}
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const text = (expr: string, policy: string | null, extra: Record<string, string | null> = {}) => renderTemplate(`{{${expr}}}`, vars(policy, extra));
const test = (expr: string, policy: string | null, extra: Record<string, string | null> = {}) => evaluateWhen(expr, vars(policy, extra));

describe('outsidePrincipals', () => {
  const outside = (policy: string) => text('outsidePrincipals(params.policy, params.own_accounts)', policy);

  it('names another account, everyone, and a federated provider admitted without conditions', () => {
    expect(outside(doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' }))).toBe('arn:aws:iam::999988887777:root');
    expect(outside(doc({ Effect: 'Allow', Principal: { AWS: ['999988887777', `arn:aws:iam::${OWN}:role/ci`] }, Action: 'sts:AssumeRole' }))).toBe('999988887777');
    expect(outside(doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }))).toBe('*');
    expect(outside(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }))).toBe('*');
    expect(outside(doc({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 'sts:AssumeRole' }))).toBe('*');
    expect(outside(doc({ Effect: 'Allow', Principal: { Federated: 'token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }))).toBe(
      'token.actions.githubusercontent.com',
    );
  });

  it('names nothing for own principals, services, conditioned federation, an organization-bound `*`, or a Deny', () => {
    expect(outside(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:role/ci`, Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }))).toBe('');
    expect(
      outside(
        doc({
          Effect: 'Allow',
          Principal: { Federated: 'token.actions.githubusercontent.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/infra:*' } },
        }),
      ),
    ).toBe('');
    expect(outside(doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }))).toBe('');
    expect(outside(doc({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }))).toBe('');
  });

  it('reads URL-encoded documents, and refuses text that is no policy', () => {
    const encoded = encodeURIComponent(doc({ Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 'sts:AssumeRole' }));
    expect(outside(encoded)).toBe('999988887777');
    expect(() => test('size(outsidePrincipals(params.policy, params.own_accounts)) > 0', 'not json')).toThrow(/not a policy document/);
  });

  it('lists every principal a document admits', () => {
    expect(text('policyPrincipals(params.policy)', doc({ Effect: 'Allow', Principal: { AWS: ['999988887777'], Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }))).toBe(
      '999988887777, lambda.amazonaws.com',
    );
  });
});

describe('adminStatements', () => {
  const admin = (policy: string) => text('adminStatements(params.policy)', policy);

  it('tells every administrator-equivalent statement', () => {
    expect(admin(doc({ Effect: 'Allow', Action: '*', Resource: '*' }))).toBe('Allow * on *');
    expect(admin(doc({ Effect: 'Allow', Action: ['s3:GetObject', 'IAM:*'], Resource: ['*'] }))).toBe('Allow iam:* on *');
    expect(admin(doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }))).toBe('Allow iam:PassRole on *');
    expect(admin(doc({ Effect: 'Allow', NotAction: 'iam:DeleteUser', Resource: '*' }))).toBe('Allow everything except iam:DeleteUser on *');
  });

  it('passes ordinary grants: named resources, read actions, a Deny', () => {
    expect(admin(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))).toBe('');
    expect(admin(doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::reports/*' }))).toBe('');
    expect(admin(doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${OWN}:role/app` }))).toBe('');
    expect(admin(doc({ Effect: 'Deny', Action: '*', Resource: '*' }))).toBe('');
  });

  it('knows the AWS managed policies that are administrator rights', () => {
    expect(test('isAdminPolicyArn("arn:aws:iam::aws:policy/AdministratorAccess")', null)).toBe(true);
    expect(test('isAdminPolicyArn("arn:aws:iam::aws:policy/IAMFullAccess")', null)).toBe(true);
    expect(test('isAdminPolicyArn("arn:aws:iam::aws:policy/ReadOnlyAccess")', null)).toBe(false);
    expect(test(`isAdminPolicyArn("arn:aws:iam::${OWN}:policy/AdministratorAccess")`, null)).toBe(false);
  });
});

describe('loggingChange', () => {
  const change = (name: string, params: object | null) => text(`loggingChange("${name}", params.policy)`, params === null ? null : JSON.stringify(params));

  it('switched off, whatever the parameters', () => {
    expect(change('StopLogging', { name: 'trail' })).toBe('off');
    expect(change('DeleteResolverQueryLogConfig', { resolverQueryLogConfigId: 'rqlc-1' })).toBe('off');
    expect(change('DisassociateResolverQueryLogConfig', null)).toBe('off');
    expect(change('UpdateDetector', { detectorId: 'd', enable: false })).toBe('off');
  });

  it('narrowed: event selectors, trail settings, recorders and GuardDuty suppressions that see or say less', () => {
    expect(change('PutEventSelectors', { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false }] })).toBe('narrowed');
    expect(change('PutEventSelectors', { eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true }] })).toBe('narrowed');
    expect(change('PutEventSelectors', { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] }] })).toBe('narrowed');
    expect(change('PutEventSelectors', { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] }] })).toBe('narrowed');
    expect(change('UpdateTrail', { name: 't', isMultiRegionTrail: false })).toBe('narrowed');
    expect(change('UpdateTrail', { name: 't', s3BucketName: 'elsewhere' })).toBe('narrowed');
    expect(change('PutConfigurationRecorder', { configurationRecorder: { recordingGroup: { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] } } })).toBe('narrowed');
    expect(change('CreateFilter', { action: 'ARCHIVE', name: 'quiet' })).toBe('narrowed');
    expect(change('CreateIPSet', { activate: true, location: 's3://x/ips.txt' })).toBe('narrowed');
  });

  it('switched on: coverage added or kept whole', () => {
    expect(change('StartLogging', { name: 'trail' })).toBe('on');
    expect(change('PutDeliveryChannel', { deliveryChannel: { name: 'default', s3BucketName: 'config' } })).toBe('on');
    expect(change('PutEventSelectors', { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }] })).toBe('on');
    expect(change('PutEventSelectors', { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }] })).toBe('on');
    expect(change('PutConfigurationRecorder', { configurationRecorder: { recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } } })).toBe('on');
    expect(change('UpdateDetector', { detectorId: 'd', enable: true })).toBe('on');
  });

  it('changed: the rest, for a person to read', () => {
    expect(change('UpdateTrail', { name: 't', snsTopicName: 'alerts' })).toBe('changed');
    expect(change('UpdateDetector', { detectorId: 'd', findingPublishingFrequency: 'SIX_HOURS' })).toBe('changed');
    expect(change('CreateFilter', { action: 'NOOP', name: 'tag' })).toBe('changed');
  });
});

describe('sharedWith', () => {
  const shared = (permission: object | string) => text('sharedWith(params.policy)', typeof permission === 'string' ? permission : JSON.stringify(permission));

  it('names the accounts, and `all` for public, that an EC2 or RDS permission change adds', () => {
    expect(shared({ add: { items: [{ userId: '999988887777' }, { userId: OWN }] } })).toBe(`999988887777, ${OWN}`);
    expect(shared({ add: { items: [{ group: 'all' }] } })).toBe('all');
    expect(shared(['all'])).toBe('all');
    expect(shared(['999988887777'])).toBe('999988887777');
  });

  it('does not count what the same call removes, and names nothing in text of another shape', () => {
    expect(shared({ remove: { items: [{ userId: '999988887777' }] }, add: { items: [{ userId: OWN }] } })).toBe(OWN);
    expect(shared({ remove: { items: [{ group: 'all' }] } })).toBe('');
    expect(shared('not json')).toBe('');
    expect(shared({ add: 'all' })).toBe('');
  });
});
