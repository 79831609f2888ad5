/**
 * Alarm posts start runbooks by name. Each alarm name a team is likely to use (the CIS
 * benchmark's, Security Hub's suggested metric names, the usual CamelCase ones) must
 * start exactly the runbook written for it, and no other by accident.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { matchAlarm } from '../../src/slack/alarm/match.js';

const runbooks = readdirSync(BUILTIN_RUNBOOK_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, f), 'utf8'), f));

const STANDARD_ALARMS: Record<string, string | null> = {
  RootAccountUsageAlarm: 'root-activity',
  'CIS-3.3-RootAccountUsage': 'root-activity',
  'CIS-4.3-RootAccountUsage': 'root-activity',
  root_usage_alarm: 'root-activity',
  'prod-root-account-usage': 'root-activity',
  RootLoginDetected: 'root-activity',

  ConsoleLoginWithoutMFA: 'console-login-without-mfa',
  ConsoleSignInWithoutMfaAlarm: 'console-login-without-mfa',
  'CIS-4.2-ConsoleSigninWithoutMFA': 'console-login-without-mfa',
  no_mfa_console_signin_alarm: 'console-login-without-mfa',

  ConsoleSignInFailures: 'console-login-unusual-source',
  'CIS-4.6-ConsoleAuthenticationFailure': 'console-login-unusual-source',
  console_signin_failure_alarm: 'console-login-unusual-source',
  UnusualConsoleLoginLocation: 'console-login-unusual-source',

  UnauthorizedAPICallsAlarm: 'unauthorized-api-calls',
  'CIS-4.1-UnauthorizedAPICalls': 'unauthorized-api-calls',
  unauthorized_api_calls_alarm: 'unauthorized-api-calls',

  IAMPolicyChangesAlarm: 'iam-policy-changes',
  'CIS-4.4-IAMPolicyChanges': 'iam-policy-changes',
  iam_changes_alarm: 'iam-policy-changes',

  NewIAMUserCreated: 'iam-persistence',
  IAMAccessKeyCreated: 'iam-persistence',
  RoleTrustPolicyChanged: 'iam-persistence',

  CloudTrailChangesAlarm: 'cloudtrail-tampering',
  'CIS-4.5-CloudTrailConfigChanges': 'cloudtrail-tampering',
  cloudtrail_cfg_changes_alarm: 'cloudtrail-tampering',
  'CIS-4.9-AWSConfigChanges': 'cloudtrail-tampering',
  aws_config_changes_alarm: 'cloudtrail-tampering',
  GuardDutyDisabledAlarm: 'cloudtrail-tampering',

  SecurityGroupChangesAlarm: 'security-group-changes',
  'CIS-4.10-SecurityGroupChanges': 'security-group-changes',
  security_group_changes_alarm: 'security-group-changes',
  NACLChangesAlarm: 'security-group-changes',
  'CIS-4.11-NetworkACLChanges': 'security-group-changes',
  nacl_changes_alarm: 'security-group-changes',

  S3BucketPolicyChangesAlarm: 's3-exposure',
  'CIS-4.8-S3BucketPolicyChanges': 's3-exposure',
  s3_bucket_policy_changes_alarm: 's3-exposure',
  S3PublicAccessBlockRemoved: 's3-exposure',

  S3BucketDeletionAlarm: 's3-deletions',
  S3MassDeletion: 's3-deletions',

  SensitiveS3AccessOffHours: 's3-data-access',

  'CIS-4.7-DisableOrScheduledDeletionOfCMK': 'kms-key-changes',
  disable_or_delete_cmk_changes_alarm: 'kms-key-changes',
  KMSKeyChangesAlarm: 'kms-key-changes',

  LambdaFunctionChangesAlarm: 'lambda-changes',
  LambdaCodeChanged: 'lambda-changes',

  MassDeletionDetected: 'delete-operations',
  DestructiveActionsAlarm: 'delete-operations',

  // CIS 4.15 watches every change to the organization; leaving it and losing its SCPs are the dangerous ones.
  'CIS-4.15-OrganizationsChanges': 'organization-changes',
  organizations_changes_alarm: 'organization-changes',
  LeaveOrganizationAlarm: 'organization-changes',

  SecretsReadInBulk: 'secrets-access',
  SSMSendCommandAlarm: 'instance-remote-access',
  SerialConsoleEnabled: 'instance-remote-access',
  GPUInstanceLaunched: 'instance-launches',
  BedrockModelAccessEnabled: 'bedrock-model-access',
  GetFederationTokenAlarm: 'iam-persistence',
  ResolverQueryLoggingDeleted: 'cloudtrail-tampering',

  // CIS alarms no runbook covers yet: they must not start an unrelated one.
  network_gw_changes_alarm: null,
  route_table_changes_alarm: null,
  vpc_changes_alarm: null,
  'CIS-4.12-NetworkGatewayChanges': null,
  'CIS-4.13-RouteTableChanges': null,
  'CIS-4.14-VPCChanges': null,
  HighCPUUtilization: null,
  'orders-api-5xx-rate': null,
};

describe('alarm triggers', () => {
  it.each(Object.entries(STANDARD_ALARMS))('%s starts %s', (alarm, expected) => {
    expect(matchAlarm(alarm, runbooks).map((r) => r.id)).toEqual(expected === null ? [] : [expected]);
  });

  it('leaves runbooks that need a parameter without triggers (an alarm cannot supply it)', () => {
    for (const rb of runbooks) {
      const needsInput = Object.values(rb.params).some((p) => p.required && p.default === undefined);
      if (needsInput) expect(rb.triggers.alarms, rb.id).toEqual([]);
    }
  });

  it('gives every other runbook at least one trigger', () => {
    for (const rb of runbooks) {
      const needsInput = Object.values(rb.params).some((p) => p.required && p.default === undefined);
      if (!needsInput) expect(rb.triggers.alarms.length, rb.id).toBeGreaterThan(0);
    }
  });
});
