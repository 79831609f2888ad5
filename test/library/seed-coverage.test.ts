/**
 * The coverage of the source scenarios the runbook library was written from.
 *
 * The library was written from five documents on CloudTrail query runbooks, Athena and
 * CloudTrail Lake queries, CloudWatch metric filters and responder investigation steps. Every
 * scenario, query, metric filter and investigation step in them must be answered by a step
 * of a runbook in runbooks/. SCENARIOS lists each of them, with the document it comes from,
 * its text, what its query or filter selects (event names, and the other conditions:
 * errorCode, userIdentity.type, sourceIPAddress …, as data written here: the documents are not
 * read at run time), and the runbook step that answers it. For each one this test checks,
 * against the real library:
 *
 * - the runbook and step exist, and the step is of the kind the item needs (a query or raw
 *   query, a check, a remediation, a verify_access step, a note);
 * - a query step's `where` names every event name the source selects (equals, `in` lists,
 *   prefix / contains patterns, inside any / all groups, not under `not`), or, when one step
 *   cannot hold them all, the union of the named steps does; and it constrains each other
 *   field the source filters on;
 * - evaluated in memory over synthetic CloudTrail events, the steps admit every event the
 *   source's query selects and leave out the events it leaves out (a step that lists the
 *   right names but, say, dropped the IAMUser condition is caught here);
 * - for metric filters, an alarm with the filter's name (the source's own alarm name where it
 *   gives one, `<filter>Alarm` otherwise, as the source names its alarms) starts the runbook.
 *
 * KNOWN_GAPS lists what the sources ask for that no step answers yet. The test checks that each
 * is still a gap: when a step starts answering one, it fails, naming the step, so the entry
 * moves to SCENARIOS.
 *
 * Finally the checker checks itself: every mapped step is rebuilt in memory without one of the
 * source's event names (or without a condition the source filters on), and the coverage check
 * must then fail.
 */
import { describe, expect, it } from 'vitest';
import type { Condition, PortableQuery, ValueRef } from '../../src/query/definition.js';
import { compilePredicate, type CloudTrailEvent } from '../../src/query/evaluate.js';
import { parsePortableQuery, parseRawQuery } from '../../src/query/normalize.js';
import type { ResolvedParams } from '../../src/model/run.js';
import { RunbookLibrary } from '../../src/runbook/library.js';
import { ParamError, resolveParams } from '../../src/runbook/params.js';
import type { ParamType, Runbook, StepSpec } from '../../src/runbook/schema.js';
import { matchAlarm } from '../../src/slack/alarm/match.js';

// ---------------------------------------------------------------- synthetic events

/** An event as overrides of BASE_EVENT: dotted paths to values; null removes the field. */
type Ev = Record<string, unknown>;

const ACCOUNT = '123456789012';
const EXTERNAL_ACCOUNT = '444455556666';

/** The IAM user the synthetic events come from unless they say otherwise. */
const USER = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSER000001',
  arn: `arn:aws:iam::${ACCOUNT}:user/suspicious-user`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  userName: 'suspicious-user',
};
const OTHER_USER = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSER000002',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
  userName: 'alice',
};
const ROOT = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const APP_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app-role`;
const APP_ROLE_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEROLE000001:i-0abc',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/i-0abc`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLESESSION01',
  sessionContext: {
    attributes: { mfaAuthenticated: 'false', creationDate: '2024-05-01T11:00:00Z' },
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE000001', arn: APP_ROLE_ARN, accountId: ACCOUNT, userName: 'app-role' },
  },
};
/** A single sign-on session: not an IAM user, its MFA happens at the identity provider. */
const SSO_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLESSO0000001:bob@example.com',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/bob@example.com`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLESSO0000001',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
      accountId: ACCOUNT,
      userName: 'AWSReservedSSO_Admin_0123',
    },
  },
};
/** A role session of another account, calling in through a resource policy or role trust. */
const EXTERNAL_ROLE_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEPARTNER001:sync',
  arn: `arn:aws:sts::${EXTERNAL_ACCOUNT}:assumed-role/partner-sync/sync`,
  accountId: EXTERNAL_ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEPARTNER01',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEPARTNER001',
      arn: `arn:aws:iam::${EXTERNAL_ACCOUNT}:role/partner-sync`,
      accountId: EXTERNAL_ACCOUNT,
      userName: 'partner-sync',
    },
  },
};
/** How CloudTrail shows a principal of another account in the resource owner's trail. */
const EXTERNAL_AWS_ACCOUNT = { type: 'AWSAccount', principalId: 'AIDAEXAMPLEEXTERNAL01', accountId: EXTERNAL_ACCOUNT };

/** A trusted address: inside the default trusted_cidrs (198.51.100.0/24, 203.0.113.0/24). */
const TRUSTED_IP = '198.51.100.7';
/** Outside the trusted ranges (192.0.2.0/24 also stands for "the attacker's range" below). */
const UNTRUSTED_IP = '192.0.2.66';
/** Outside the trusted ranges and outside 192.0.2.0/24. */
const OTHER_UNTRUSTED_IP = '203.0.114.9';

const BASE_EVENT: Record<string, unknown> = {
  eventVersion: '1.09',
  eventTime: '2024-05-01T12:00:00Z',
  eventID: '00000000-0000-4000-8000-000000000001',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  eventType: 'AwsApiCall',
  eventCategory: 'Management',
  managementEvent: true,
  readOnly: true,
  awsRegion: 'us-east-1',
  sourceIPAddress: TRUSTED_IP,
  userAgent: 'aws-cli/2.15.0',
  userIdentity: USER,
  recipientAccountId: ACCOUNT,
};

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = target;
  for (const seg of segments.slice(0, -1)) {
    const next = node[seg];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  const last = segments[segments.length - 1]!;
  if (value === null) delete node[last];
  else node[last] = structuredClone(value);
}

function event(...layers: Ev[]): CloudTrailEvent {
  const e = structuredClone(BASE_EVENT);
  for (const layer of layers) for (const [path, value] of Object.entries(layer)) setPath(e, path, value);
  return e;
}

/** The event's layers as JSON, an identity shown by its ARN (or type). */
function describeEvent(layers: Ev): string {
  return JSON.stringify(layers, (key, value: unknown) =>
    key === 'userIdentity' && isMap(value) ? String(value['arn'] ?? value['type']) : value,
  );
}

// ---------------------------------------------------------------- the table

const DOCS = [
  '000_326097d9460c7052.txt', // access policies: the S3-deletion responder flow
  '001_966c895c801e95ee.txt', // auditing & accountability: sample Athena queries
  '002_240401cd6e7005fb.txt', // IAST runbooks: key queries
  '003_30da893cc1083397.txt', // aws-cloudtrail: metric filters, Athena and Lake queries, checklist
  '004_db142de70d360b48.txt', // external access via resource policies
] as const;
type Doc = (typeof DOCS)[number];

interface QueryAnswer {
  kind: 'query';
  runbook: string;
  /** One step, or the steps whose union answers the item (a filter bigger than one step). */
  steps: string[];
  /** Parameters of the run (strings, as typed); the rest take their defaults. */
  params?: Record<string, string>;
  /** The event names the source's query or filter selects: each must be named in a step's where. */
  eventNames?: string[];
  /** The source's LIKE pattern on eventName, when it selects names by pattern. */
  eventNameLike?: string;
  /** The other fields the source filters on: each step's where must constrain them. */
  fields?: string[];
  /** What every event the source selects has (its eventSource, identity, address …). */
  base?: Ev;
  /** Events the source selects besides one per event name (on top of base). */
  matches?: Ev[];
  /** Events the source leaves out (on top of base): the steps must leave them out too. */
  rejects?: Ev[];
  /** Fields the item asks to see: some step outputs them (select, group by or aggregate). */
  columns?: string[];
  /** Fields the source groups by: some step groups by them. */
  groupBy?: string[];
}

/** "Was the caller allowed to?": a verify_access step over a query step answering the item. */
interface VerifyAnswer {
  kind: 'verify_access';
  runbook: string;
  step: string;
  eventNames: string[];
  base?: Ev;
}

/** A conditional check: checks over `forEach` whose `when` match each pattern. */
interface CheckAnswer {
  kind: 'check';
  runbook: string;
  step: string;
  forEach: string;
  when: RegExp[];
}

interface RemediateAnswer {
  kind: 'remediate';
  runbook: string;
  step: string;
  action: string;
}

/** Guidance for the responder: a note naming each of `mentions`. */
interface NoteAnswer {
  kind: 'note';
  runbook: string;
  step: string;
  mentions: string[];
}

type Answer = QueryAnswer | VerifyAnswer | CheckAnswer | RemediateAnswer | NoteAnswer;

interface Scenario {
  doc: Doc;
  item: string;
  /** The source's words, query or filter pattern. */
  text: string;
  /** For metric filters: an alarm on it, which must start the runbook. */
  alarm?: string;
  answer: Answer;
}

const S3_DELETIONS = ['DeleteBucket', 'DeleteObject', 'DeleteBucketPolicy'];
const S3_EVENT: Ev = { eventSource: 's3.amazonaws.com', 'requestParameters.bucketName': 'acme-customer-pii', 'requestParameters.key': 'exports/2024-05.csv' };
const CONSOLE_LOGIN: Ev = {
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  eventType: 'AwsConsoleSignIn',
  readOnly: false,
  'responseElements.ConsoleLogin': 'Success',
  'additionalEventData.MFAUsed': 'Yes',
  'additionalEventData.LoginTo': 'https://console.aws.amazon.com/console/home',
};

const SCENARIOS: Scenario[] = [
  // ------------------------------------------------ 000: investigating an S3 deletion
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Step 1: search CloudTrail for S3 deletion events',
    text:
      'Step 1: Search CloudTrail Logs for S3 Deletion Events. Use an AWS command or query to filter actions like DeleteBucket, ' +
      'DeleteObject, or DeleteBucketPolicy. aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteBucket',
    answer: { kind: 'query', runbook: 's3-deletions', steps: ['deletions'], eventNames: S3_DELETIONS, base: S3_EVENT, rejects: [{ eventName: 'GetObject' }, { eventName: 'PutBucketPolicy' }] },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Step 2: identify the caller (name or ID, source IP, timestamp)',
    text: 'Step 2: Identify the Caller. Analyze the logs to capture details such as: Caller name or ID. Source IP. Timestamp of the event.',
    answer: {
      kind: 'query',
      runbook: 's3-deletions',
      steps: ['callers'],
      eventNames: S3_DELETIONS,
      base: S3_EVENT,
      columns: ['userIdentity.arn', 'userIdentity.accessKeyId', 'sourceIPAddress', 'eventTime'],
    },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: "Step 3: verify the caller's permissions against the access policy",
    text: "Step 3: Verify Against Access Policy. Compare the caller's permissions to the IAM policy governing the bucket. Was this caller authorized to perform such actions?",
    answer: { kind: 'verify_access', runbook: 's3-deletions', step: 'verify-access', eventNames: S3_DELETIONS, base: S3_EVENT },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Step 3: trace how the caller obtained the permissions',
    text: 'If not, trace how they obtained these permissions.',
    answer: { kind: 'note', runbook: 's3-deletions', step: 'beyond-iam', mentions: ['trace how they got it', 'iam-policy-changes', 'iam-persistence'] },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Step 4: revoke temporary credentials',
    text: 'Step 4: Escalate or Remediate. If the access was unauthorized: Revoke temporary credentials if applicable.',
    answer: { kind: 'remediate', runbook: 's3-deletions', step: 'revoke-sessions', action: 'iam.revoke-role-sessions' },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Step 4: close the loophole in the role or policy; notify the security team',
    text: 'Update the related IAM role or policy to close any loopholes. Notify the security team with details for further analysis.',
    answer: { kind: 'note', runbook: 's3-deletions', step: 'escalate', mentions: ['close the loophole', 'security team'] },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Conditional check: was the attempt successful or blocked',
    text: 'Conditional checks (e.g., analyzing whether an unauthorized access attempt was successful or blocked).',
    answer: { kind: 'check', runbook: 's3-deletions', step: 'findings', forEach: 'bucket_level', when: [/row\.errorCode == null/, /row\.errorCode != null/] },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Actions taken by an IAM role',
    text: 'Structured queries on CloudTrail logs to identify specific events, such as actions taken by IAM roles or failed login attempts.',
    answer: {
      kind: 'query',
      runbook: 'principal-activity',
      steps: ['activity'],
      params: { principal: APP_ROLE_ARN },
      fields: ['userIdentity.sessionContext.sessionIssuer.arn'],
      base: { userIdentity: APP_ROLE_SESSION },
      matches: [{ eventName: 'DescribeInstances' }, { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket' }],
      rejects: [{ userIdentity: USER }],
    },
  },
  {
    doc: '000_326097d9460c7052.txt',
    item: 'Failed login attempts',
    text: 'Structured queries on CloudTrail logs to identify specific events, such as actions taken by IAM roles or failed login attempts.',
    answer: {
      kind: 'query',
      runbook: 'console-login-unusual-source',
      steps: ['failures'],
      eventNames: ['ConsoleLogin'],
      fields: ['responseElements.ConsoleLogin'],
      base: { ...CONSOLE_LOGIN, 'responseElements.ConsoleLogin': 'Failure', errorMessage: 'Failed authentication' },
      rejects: [{ 'responseElements.ConsoleLogin': 'Success', errorMessage: null }],
    },
  },

  // ------------------------------------------------ 001: auditing and accountability
  {
    doc: '001_966c895c801e95ee.txt',
    item: 'Detecting unauthorized access: console logins from outside the trusted IPs',
    text:
      "SELECT eventName, awsRegion, sourceIPAddress FROM cloudtrail_logs_table WHERE eventTime >= 'YYYY-MM-DD' AND eventName = 'ConsoleLogin' " +
      "AND sourceIPAddress NOT IN ('trusted-ip1', 'trusted-ip2');",
    answer: {
      kind: 'query',
      runbook: 'console-login-unusual-source',
      steps: ['untrusted_logins'],
      eventNames: ['ConsoleLogin'],
      fields: ['sourceIPAddress'],
      base: { ...CONSOLE_LOGIN, sourceIPAddress: UNTRUSTED_IP },
      matches: [{ sourceIPAddress: OTHER_UNTRUSTED_IP, 'responseElements.ConsoleLogin': 'Failure' }],
      rejects: [{ sourceIPAddress: TRUSTED_IP }, { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventType: 'AwsApiCall' }],
      columns: ['sourceIPAddress'],
    },
  },
  {
    doc: '001_966c895c801e95ee.txt',
    item: 'Identifying policy changes: PutRolePolicy, AttachGroupPolicy',
    text: "SELECT eventName, userIdentity, requestParameters FROM cloudtrail_logs_table WHERE eventSource = 'iam.amazonaws.com' AND eventName IN ('PutRolePolicy', 'AttachGroupPolicy');",
    answer: {
      kind: 'query',
      runbook: 'iam-policy-changes',
      steps: ['changes'],
      eventNames: ['PutRolePolicy', 'AttachGroupPolicy'],
      fields: ['eventSource'],
      base: { eventSource: 'iam.amazonaws.com', readOnly: false },
      rejects: [{ eventName: 'ListPolicies', readOnly: true }],
      columns: ['userIdentity.arn', 'requestParameters'],
    },
  },
  {
    doc: '001_966c895c801e95ee.txt',
    item: 'S3 bucket access audit: GetObject on the buckets',
    text:
      "SELECT bucketName, eventName, eventSource, awsRegion FROM cloudtrail_logs_table WHERE eventSource = 's3.amazonaws.com' AND eventName = 'GetObject' " +
      "AND eventTime BETWEEN '2023-10-01' AND '2023-10-02';",
    answer: {
      kind: 'query',
      runbook: 's3-data-access',
      steps: ['reads'],
      eventNames: ['GetObject'],
      fields: ['eventSource'],
      base: { eventSource: 's3.amazonaws.com', eventCategory: 'Data', managementEvent: false, 'requestParameters.bucketName': 'acme-finance-reports', 'requestParameters.key': 'q1.pdf' },
      rejects: [{ eventName: 'PutObject', readOnly: false }],
      columns: ['requestParameters.bucketName', 'awsRegion'],
    },
  },
  {
    doc: '001_966c895c801e95ee.txt',
    item: 'S3 bucket access audit: reads during unusual hours',
    text: 'HOW: Look for GetObject events in your buckets during unusual hours.',
    answer: { kind: 'check', runbook: 's3-data-access', step: 'findings', forEach: 'readers', when: [/hour\(/, /weekday\(/] },
  },
  {
    doc: '001_966c895c801e95ee.txt',
    item: 'API calls (not only console sign-ins) from outside the trusted IP ranges, by any principal',
    text:
      'Detecting Unauthorized Access. WHAT: Query for API calls from unexpected IP ranges or geolocations. WHY: Helps you spot potential compromises ' +
      'before they escalate. HOW: Use a query to filter by SourceIPAddress and compare with known trusted IP blocks.',
    answer: {
      kind: 'query',
      runbook: 'console-login-unusual-source',
      steps: ['untrusted_calls'],
      fields: ['sourceIPAddress'],
      matches: [
        { sourceIPAddress: UNTRUSTED_IP },
        { userIdentity: OTHER_USER, eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', sourceIPAddress: OTHER_UNTRUSTED_IP },
        { userIdentity: APP_ROLE_SESSION, eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventCategory: 'Data', sourceIPAddress: UNTRUSTED_IP },
        { ...CONSOLE_LOGIN, sourceIPAddress: UNTRUSTED_IP },
        { userIdentity: ROOT, eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', readOnly: false, sourceIPAddress: '2001:db8::66' },
      ],
      rejects: [
        { sourceIPAddress: TRUSTED_IP },
        { userIdentity: OTHER_USER, eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', sourceIPAddress: '203.0.113.20' },
        // Calls AWS services make on your behalf: the source is the service, not an address.
        { 'userIdentity.invokedBy': 'cloudformation.amazonaws.com', eventName: 'RunInstances', readOnly: false, sourceIPAddress: 'cloudformation.amazonaws.com' },
        { userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', sourceIPAddress: 'ec2.amazonaws.com' },
        { userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', sourceIPAddress: UNTRUSTED_IP },
        { sourceIPAddress: 'AWS Internal' },
      ],
      // By principal (a role's sessions under the role, a user by name) and address, with counts and first and last seen.
      groupBy: ['userIdentity.sessionContext.sessionIssuer.arn', 'userIdentity.userName', 'sourceIPAddress'],
      columns: ['eventTime'],
    },
  },

  // ------------------------------------------------ 002: IAST runbooks
  {
    doc: '002_240401cd6e7005fb.txt',
    item: 'ConsoleLogin events from unexpected geolocations (as addresses outside the trusted ranges)',
    text: 'Search for ConsoleLogin events from unexpected geolocations.',
    answer: {
      kind: 'query',
      runbook: 'console-login-unusual-source',
      steps: ['untrusted_logins'],
      eventNames: ['ConsoleLogin'],
      fields: ['sourceIPAddress'],
      base: { ...CONSOLE_LOGIN, sourceIPAddress: UNTRUSTED_IP },
      rejects: [{ sourceIPAddress: TRUSTED_IP }],
    },
  },
  {
    doc: '002_240401cd6e7005fb.txt',
    item: 'CreateUser, AttachRolePolicy or PutBucketPolicy by the flagged principal',
    text: 'Filter for CreateUser, AttachRolePolicy, or PutBucketPolicy events following a flagged vulnerability.',
    answer: {
      kind: 'query',
      runbook: 'principal-activity',
      steps: ['sensitive'],
      params: { principal: APP_ROLE_ARN },
      eventNames: ['CreateUser', 'AttachRolePolicy', 'PutBucketPolicy'],
      base: { userIdentity: APP_ROLE_SESSION, eventSource: 'iam.amazonaws.com', readOnly: false },
      matches: [{ eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy', 'requestParameters.bucketName': 'acme-customer-pii' }],
      rejects: [{ eventName: 'ListUsers', readOnly: true }, { eventName: 'CreateUser', userIdentity: OTHER_USER }],
    },
  },
  {
    doc: '002_240401cd6e7005fb.txt',
    item: "One access key's activity over time (privilege creep)",
    text: 'Map activity from a single AccessKeyId over time to expose privilege creep.',
    answer: {
      kind: 'query',
      runbook: 'access-key-activity',
      steps: ['timeline'],
      params: { access_key_id: USER.accessKeyId },
      fields: ['userIdentity.accessKeyId'],
      matches: [{ eventName: 'ListBuckets', eventSource: 's3.amazonaws.com' }, { eventName: 'AttachUserPolicy', eventSource: 'iam.amazonaws.com', readOnly: false }],
      rejects: [{ userIdentity: OTHER_USER }],
      columns: ['eventTime', 'eventName', 'eventSource', 'sourceIPAddress'],
    },
  },
  {
    doc: '002_240401cd6e7005fb.txt',
    item: 'UpdateFunctionCode changes',
    text: 'Cross-reference UpdateFunctionCode changes with IAST code scan results.',
    answer: {
      kind: 'query',
      runbook: 'lambda-changes',
      steps: ['changes'],
      eventNames: ['UpdateFunctionCode'],
      base: { eventSource: 'lambda.amazonaws.com', readOnly: false, 'requestParameters.functionName': 'checkout' },
      // Lambda's event names carry an API version suffix.
      matches: [{ eventName: 'UpdateFunctionCode20150331v2' }],
      rejects: [{ eventName: 'GetFunction20150331v2', readOnly: true }],
      columns: ['eventTime', 'requestParameters.functionName'],
    },
  },
  {
    doc: '002_240401cd6e7005fb.txt',
    item: 'Lookups against compromised credentials',
    text: 'Leverage lookups against known attacker IP ranges or compromised credentials.',
    answer: {
      kind: 'query',
      runbook: 'compromised-credentials',
      steps: ['identity'],
      params: { credential: USER.accessKeyId },
      fields: ['userIdentity.accessKeyId'],
      matches: [{ eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com' }],
      rejects: [{ userIdentity: OTHER_USER }],
    },
  },
  {
    doc: '002_240401cd6e7005fb.txt',
    item: 'Activity from known attacker IP ranges',
    text: 'Leverage lookups against known attacker IP ranges or compromised credentials.',
    answer: {
      kind: 'query',
      runbook: 'console-login-unusual-source',
      steps: ['attacker_calls'],
      // The ranges are the run's: none by default (the step is then skipped, and would select nothing).
      params: { attacker_cidrs: '192.0.2.0/24' },
      fields: ['sourceIPAddress'],
      matches: [
        { sourceIPAddress: UNTRUSTED_IP },
        { userIdentity: OTHER_USER, eventSource: 's3.amazonaws.com', eventName: 'GetObject', sourceIPAddress: '192.0.2.77' },
        { ...CONSOLE_LOGIN, 'responseElements.ConsoleLogin': 'Failure', sourceIPAddress: '192.0.2.200' },
        { userIdentity: APP_ROLE_SESSION, errorCode: 'AccessDenied', sourceIPAddress: '192.0.2.140' },
      ],
      rejects: [{ sourceIPAddress: OTHER_UNTRUSTED_IP }, { sourceIPAddress: TRUSTED_IP }, { sourceIPAddress: 's3.amazonaws.com' }],
      groupBy: ['userIdentity.arn'],
    },
  },
  {
    doc: '002_240401cd6e7005fb.txt',
    item: 'Activity from known attacker IP ranges: a finding for each principal seen from them',
    text: 'Leverage lookups against known attacker IP ranges or compromised credentials.',
    answer: { kind: 'check', runbook: 'console-login-unusual-source', step: 'findings', forEach: 'attacker_calls', when: [/^true$/] },
  },

  // ------------------------------------------------ 003: aws-cloudtrail (metric filters)
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Metric filter UnauthorizedAPICalls (also the checklist\'s "metric filters for unauthorized API calls")',
    text: `--filter-name UnauthorizedAPICalls --filter-pattern '{ ($.errorCode = "*UnauthorizedAccess*") || ($.errorCode = "AccessDenied*") }'; --alarm-name UnauthorizedAPICallsAlarm`,
    alarm: 'UnauthorizedAPICallsAlarm',
    answer: {
      kind: 'query',
      runbook: 'unauthorized-api-calls',
      steps: ['failures'],
      fields: ['errorCode'],
      base: { errorMessage: 'not authorized' },
      matches: [
        { errorCode: 'AccessDenied' },
        { errorCode: 'AccessDeniedException' },
        { errorCode: 'UnauthorizedAccess' },
        { errorCode: 'Client.UnauthorizedAccess' },
      ],
      rejects: [{ errorMessage: null }, { errorCode: 'ThrottlingException' }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Metric filter RootAccountUsage (also the checklist\'s "alarm on root account usage")',
    text: `--filter-name RootAccountUsage --filter-pattern '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }'; --alarm-name RootAccountUsageAlarm`,
    alarm: 'RootAccountUsageAlarm',
    answer: {
      kind: 'query',
      runbook: 'root-activity',
      steps: ['root_events'],
      fields: ['userIdentity.type', 'userIdentity.invokedBy', 'eventType'],
      base: { userIdentity: ROOT },
      matches: [CONSOLE_LOGIN, { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', readOnly: false }, { eventName: 'DescribeInstances' }],
      rejects: [
        { 'userIdentity.invokedBy': 'support.amazonaws.com', eventSource: 'support.amazonaws.com', eventName: 'DescribeCases' },
        { eventType: 'AwsServiceEvent', eventName: 'SharedSnapshotCopyInitiated' },
        { userIdentity: USER },
      ],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Metric filter ConsoleLoginWithoutMFA (also the checklist\'s "alarm on console login without MFA")',
    text: `--filter-name ConsoleLoginWithoutMFA --filter-pattern '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") }'`,
    alarm: 'ConsoleLoginWithoutMFAAlarm',
    answer: {
      kind: 'query',
      runbook: 'console-login-without-mfa',
      steps: ['logins'],
      eventNames: ['ConsoleLogin'],
      fields: ['additionalEventData.MFAUsed', 'userIdentity.type'],
      base: { ...CONSOLE_LOGIN, 'additionalEventData.MFAUsed': 'No' },
      rejects: [{ 'additionalEventData.MFAUsed': 'Yes' }, { userIdentity: SSO_SESSION }, { userIdentity: ROOT }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Metric filter IAMPolicyChanges (also the checklist\'s "alarm on IAM policy changes")',
    text:
      "--filter-name IAMPolicyChanges --filter-pattern '{ ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=AttachRolePolicy) || " +
      "($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=PutUserPolicy) }'",
    alarm: 'IAMPolicyChangesAlarm',
    answer: {
      kind: 'query',
      runbook: 'iam-policy-changes',
      steps: ['changes'],
      eventNames: ['CreatePolicy', 'DeletePolicy', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'PutUserPolicy'],
      base: { eventSource: 'iam.amazonaws.com', readOnly: false },
      rejects: [{ eventName: 'GetPolicy', readOnly: true }, { eventName: 'CreateUser' }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Metric filter SecurityGroupChanges',
    text:
      "--filter-name SecurityGroupChanges --filter-pattern '{ ($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupIngress) || " +
      "($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup) }'",
    alarm: 'SecurityGroupChangesAlarm',
    answer: {
      kind: 'query',
      runbook: 'security-group-changes',
      steps: ['changes'],
      eventNames: ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress', 'CreateSecurityGroup', 'DeleteSecurityGroup'],
      base: { eventSource: 'ec2.amazonaws.com', readOnly: false, 'requestParameters.groupId': 'sg-0123456789abcdef0' },
      rejects: [{ eventName: 'DescribeSecurityGroups', readOnly: true }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Checklist: alarm on security group and NACL changes (the network ACL half)',
    text: 'monitoring_and_alerting: - [ ] Alarm on security group and NACL changes',
    // The source names no events: these are the network ACL filter's (CIS AWS Foundations 4.11).
    alarm: 'NACLChangesAlarm',
    answer: {
      kind: 'query',
      runbook: 'security-group-changes',
      steps: ['changes'],
      eventNames: ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'],
      base: { eventSource: 'ec2.amazonaws.com', readOnly: false, 'requestParameters.networkAclId': 'acl-0123456789abcdef0' },
      rejects: [{ eventName: 'DescribeNetworkAcls', readOnly: true }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Checklist: alarm on CloudTrail configuration changes',
    text: 'monitoring_and_alerting: - [ ] Alarm on CloudTrail configuration changes; Best Practices: Monitor the trail itself (delivery errors, configuration changes) as a meta-control',
    // The source names no events: these are the CloudTrail changes filter's (CIS AWS Foundations 4.5).
    alarm: 'CloudTrailChangesAlarm',
    answer: {
      kind: 'query',
      runbook: 'cloudtrail-tampering',
      steps: ['changes'],
      eventNames: ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'],
      base: { eventSource: 'cloudtrail.amazonaws.com', readOnly: false, 'requestParameters.name': 'org-audit-trail' },
      rejects: [{ eventName: 'GetTrailStatus', readOnly: true }, { eventName: 'DescribeTrails', readOnly: true }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Checklist: alarm on S3 bucket policy changes',
    text: 'monitoring_and_alerting: - [ ] Alarm on S3 bucket policy changes',
    // The source names no events: these are the S3 bucket policy changes filter's (CIS AWS Foundations 4.8).
    alarm: 'S3BucketPolicyChangesAlarm',
    answer: {
      kind: 'query',
      runbook: 's3-exposure',
      steps: ['changes'],
      eventNames: [
        'PutBucketAcl',
        'PutBucketPolicy',
        'PutBucketCors',
        'PutBucketLifecycle',
        'PutBucketReplication',
        'DeleteBucketPolicy',
        'DeleteBucketCors',
        'DeleteBucketLifecycle',
        'DeleteBucketReplication',
      ],
      base: { eventSource: 's3.amazonaws.com', readOnly: false, 'requestParameters.bucketName': 'acme-customer-pii' },
      rejects: [{ eventName: 'GetBucketPolicy', readOnly: true }],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Validate trail integrity; check trail status and configuration',
    text:
      'aws cloudtrail validate-logs --trail-arn arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit-trail --start-time ... --end-time ...; ' +
      'aws cloudtrail get-trail-status --name org-audit-trail; aws cloudtrail describe-trails --trail-name-list org-audit-trail',
    answer: { kind: 'note', runbook: 'cloudtrail-tampering', step: 'next', mentions: ['validate-logs', 'get-trail-status', 'describe-trails'] },
  },

  // ------------------------------------------------ 003: Athena and CloudTrail Lake queries
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Athena: all delete operations in the last 7 days',
    text:
      "SELECT eventTime, userIdentity.arn, eventName, sourceIPAddress, requestParameters FROM cloudtrail_logs WHERE eventName LIKE '%Delete%' " +
      "AND eventTime > date_format(date_add('day', -7, current_date), '%Y-%m-%dT%H:%i:%sZ') ORDER BY eventTime DESC LIMIT 100;",
    answer: {
      kind: 'query',
      runbook: 'delete-operations',
      steps: ['deletes'],
      eventNameLike: '%Delete%',
      matches: [
        { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket' },
        { eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' },
        { eventSource: 'ecr.amazonaws.com', eventName: 'BatchDeleteImage' },
      ],
      rejects: [{ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }],
      columns: ['eventTime', 'userIdentity.arn', 'eventName', 'sourceIPAddress', 'requestParameters'],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Athena: console logins from unusual IP addresses',
    text:
      "SELECT eventTime, userIdentity.userName, sourceIPAddress, additionalEventData FROM cloudtrail_logs WHERE eventName = 'ConsoleLogin' " +
      "AND sourceIPAddress NOT IN ('198.51.100.0/24', '203.0.113.0/24') AND eventTime > date_format(date_add('day', -30, current_date), '%Y-%m-%dT%H:%i:%sZ') ORDER BY eventTime DESC;",
    answer: {
      kind: 'query',
      runbook: 'console-login-unusual-source',
      steps: ['untrusted_logins'],
      eventNames: ['ConsoleLogin'],
      fields: ['sourceIPAddress'],
      base: { ...CONSOLE_LOGIN, sourceIPAddress: UNTRUSTED_IP },
      // The source writes CIDR ranges in a NOT IN list; the ranges are what it means.
      rejects: [{ sourceIPAddress: TRUSTED_IP }, { sourceIPAddress: '203.0.113.20' }],
      columns: ['eventTime', 'userIdentity.userName', 'sourceIPAddress', 'additionalEventData'],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Athena: access key usage patterns per principal',
    text:
      'SELECT userIdentity.arn, count(*) AS api_call_count, count(DISTINCT eventName) AS unique_actions, count(DISTINCT sourceIPAddress) AS unique_ips, ' +
      'min(eventTime) AS first_seen, max(eventTime) AS last_seen FROM cloudtrail_logs WHERE eventTime > ... GROUP BY userIdentity.arn ORDER BY api_call_count DESC LIMIT 50;',
    answer: {
      kind: 'query',
      runbook: 'access-key-activity',
      steps: ['all_principals'],
      params: { access_key_id: USER.accessKeyId },
      matches: [{}, { userIdentity: OTHER_USER }, { userIdentity: APP_ROLE_SESSION }],
      groupBy: ['userIdentity.arn'],
      columns: ['userIdentity.arn', 'eventName', 'sourceIPAddress', 'eventTime'],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Athena: failed API calls (permission issues or reconnaissance)',
    text:
      "SELECT eventTime, userIdentity.arn, eventName, errorCode, errorMessage, sourceIPAddress FROM cloudtrail_logs WHERE errorCode IN ('AccessDenied', " +
      "'UnauthorizedAccess', 'Client.UnauthorizedAccess') AND eventTime > ... ORDER BY eventTime DESC LIMIT 200;",
    answer: {
      kind: 'query',
      runbook: 'unauthorized-api-calls',
      steps: ['failures'],
      fields: ['errorCode'],
      matches: [{ errorCode: 'AccessDenied' }, { errorCode: 'UnauthorizedAccess' }, { errorCode: 'Client.UnauthorizedAccess' }],
      rejects: [{}, { errorCode: 'ValidationException' }],
      columns: ['eventTime', 'userIdentity.arn', 'eventName', 'errorCode', 'errorMessage', 'sourceIPAddress'],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'Athena: KMS key usage',
    text:
      "SELECT eventTime, userIdentity.arn, eventName, requestParameters, resources[1].arn AS key_arn FROM cloudtrail_logs WHERE eventSource = 'kms.amazonaws.com' " +
      "AND eventName IN ('Decrypt', 'Encrypt', 'GenerateDataKey', 'DisableKey', 'ScheduleKeyDeletion') AND eventTime > ... ORDER BY eventTime DESC;",
    answer: {
      kind: 'query',
      runbook: 'kms-key-changes',
      steps: ['usage'],
      eventNames: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DisableKey', 'ScheduleKeyDeletion'],
      fields: ['eventSource'],
      base: { eventSource: 'kms.amazonaws.com', 'requestParameters.keyId': `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
      rejects: [{ eventName: 'ListKeys' }, { eventSource: 'ec2.amazonaws.com', eventName: 'DisableKey' }],
      columns: ['userIdentity.arn', 'eventName', 'requestParameters.keyId'],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: "CloudTrail Lake: a specific user's activity",
    text:
      "SELECT eventTime, eventName, eventSource, sourceIPAddress, errorCode, requestParameters FROM EVENT_DATA_STORE_ID WHERE userIdentity.arn = " +
      "'arn:aws:iam::123456789012:user/suspicious-user' AND eventTime > '2024-01-01 00:00:00' ORDER BY eventTime DESC;",
    answer: {
      kind: 'query',
      runbook: 'principal-activity',
      steps: ['activity'],
      params: { principal: 'arn:aws:iam::123456789012:user/suspicious-user' },
      fields: ['userIdentity.arn'],
      matches: [{}, { eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorCode: 'AccessDenied' }],
      rejects: [{ userIdentity: OTHER_USER }],
      columns: ['eventTime', 'eventName', 'eventSource', 'sourceIPAddress', 'errorCode', 'requestParameters'],
    },
  },
  {
    doc: '003_30da893cc1083397.txt',
    item: 'CloudTrail Lake: cross-account activity summary',
    text: "SELECT recipientAccountId, userIdentity.arn, count(*) AS event_count FROM EVENT_DATA_STORE_ID WHERE eventTime > '2024-01-01 00:00:00' GROUP BY recipientAccountId, userIdentity.arn ORDER BY event_count DESC;",
    answer: {
      kind: 'query',
      runbook: 'external-access',
      steps: ['summary'],
      params: { own_accounts: ACCOUNT },
      matches: [{}, { userIdentity: EXTERNAL_ROLE_SESSION }, { recipientAccountId: '210987654321' }],
      groupBy: ['recipientAccountId', 'userIdentity.arn'],
    },
  },

  // ------------------------------------------------ 004: external access through resource policies
  {
    doc: '004_db142de70d360b48.txt',
    item: 'Calls by principals of other accounts on S3 objects, KMS keys, SQS queues (allowed or refused)',
    text:
      "We look for entries where the `userIdentity` field indicates an external account (or role) and the `eventName` corresponds to actions on resources we're " +
      "interested in, such as S3 objects, KMS keys, or sqs queues. Crucially, you should always monitor for 'failure' events. [...] an external principal " +
      'attempting access to a sensitive KMS key would be a red flag.',
    answer: {
      kind: 'query',
      runbook: 'external-access',
      steps: ['external_calls'],
      params: { own_accounts: ACCOUNT },
      fields: ['userIdentity.accountId'],
      matches: [
        { userIdentity: EXTERNAL_ROLE_SESSION, ...S3_EVENT, eventName: 'GetObject', eventCategory: 'Data' },
        { userIdentity: EXTERNAL_ROLE_SESSION, ...S3_EVENT, eventName: 'GetObject', eventCategory: 'Data', errorCode: 'AccessDenied' },
        { userIdentity: EXTERNAL_AWS_ACCOUNT, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', errorCode: 'AccessDenied' },
        { userIdentity: EXTERNAL_AWS_ACCOUNT, eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', eventCategory: 'Data' },
      ],
      rejects: [{ ...S3_EVENT, eventName: 'GetObject' }, { userIdentity: APP_ROLE_SESSION, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt' }],
      // Snippet 2: who made the request (the identity type, the account, the principal), and snippet 3's errorCode.
      columns: ['userIdentity.accountId', 'userIdentity.type', 'userIdentity.principalId', 'eventName', 'errorCode'],
    },
  },
  {
    doc: '004_db142de70d360b48.txt',
    item: 'Access denied events for external principals',
    text: "Snippet 3: Check for Access Denied Events. def check_access_denied(event): if event.get('errorCode') == 'AccessDenied': return True",
    answer: { kind: 'check', runbook: 'external-access', step: 'findings', forEach: 'external_calls', when: [/row\.errorCode != null/, /row\.errorCode == null/] },
  },
  {
    doc: '004_db142de70d360b48.txt',
    item: 'Events on one resource, by event-name prefix (LookupEvents by ResourceName and EventName)',
    text:
      "Snippet 1: Fetch CloudTrail Events for a Specific Resource. This snippet retrieves CloudTrail events filtered by resource and event type. LookupAttributes=[{'AttributeKey': " +
      "'ResourceName', 'AttributeValue': resource_arn}, {'AttributeKey': 'EventName', 'AttributeValue': event_name_prefix}]; resource_arn = \"arn:aws:s3:::my-secure-bucket\"; event_prefix = \"s3:Get\"",
    // Every call on the buckets, grouped by event name: the Get* rows are the prefix's answer.
    answer: {
      kind: 'query',
      runbook: 's3-data-access',
      steps: ['bucket_calls'],
      fields: ['requestParameters.bucketName'],
      base: { ...S3_EVENT, 'requestParameters.bucketName': 'acme-finance-reports' },
      matches: [
        { eventName: 'GetBucketPolicy' },
        { eventName: 'GetObjectAcl', eventCategory: 'Data' },
        { eventName: 'GetObject', eventCategory: 'Data' },
        { eventName: 'PutBucketPolicy', readOnly: false },
        { eventName: 'DeleteObject', eventCategory: 'Data', readOnly: false, userIdentity: APP_ROLE_SESSION },
      ],
      rejects: [{ 'requestParameters.bucketName': 'acme-public-assets', eventName: 'GetBucketPolicy' }, { 'requestParameters.bucketName': null, eventName: 'ListBuckets' }],
      groupBy: ['eventName', 'userIdentity.arn'],
    },
  },
  {
    doc: '004_db142de70d360b48.txt',
    item: 'Events from regions other than your own',
    text:
      'This code provides a basic extraction of cloudtrail logs, this can be used to filter by other parameters or look for different errors, like access-denied events, ' +
      'or those that originate from different regions than your own.',
    answer: {
      kind: 'query',
      runbook: 'external-access',
      steps: ['other_regions'],
      params: { own_accounts: ACCOUNT, own_regions: 'us-east-1' },
      fields: ['awsRegion'],
      matches: [
        { awsRegion: 'ap-southeast-3', eventName: 'RunInstances', readOnly: false },
        { awsRegion: 'sa-east-1', userIdentity: OTHER_USER },
        { awsRegion: 'eu-central-1', userIdentity: APP_ROLE_SESSION, eventSource: 'lambda.amazonaws.com', eventName: 'CreateFunction20150331', readOnly: false },
      ],
      rejects: [
        { awsRegion: 'us-east-1', eventName: 'RunInstances', readOnly: false },
        { awsRegion: 'us-east-1', userIdentity: OTHER_USER },
        { awsRegion: 'us-east-1', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', readOnly: false },
      ],
      groupBy: ['awsRegion', 'eventName'],
    },
  },
];

// ---------------------------------------------------------------- known gaps

interface KnownGap {
  doc: Doc;
  item: string;
  text: string;
  /** Where the missing step belongs. */
  belongsIn: string;
  /** Events the source's query selects: a step answering it admits them all … */
  matches: Ev[];
  /** … and leaves these out. */
  rejects: Ev[];
  /** Values for parameters without a default that a new step may add, by type (see paramsFor). */
  samples?: Partial<Record<ParamType, string>>;
  /** Also a sign of the gap being closed: a step with this kind of condition (what it names). */
  closedBy?: { what: string; test: (where: Condition) => boolean };
}

const KNOWN_GAPS: KnownGap[] = [
  // No engine ctrb runs on can read an Insights event, so a step selecting them (eventType
  // AwsCloudTrailInsight) would compile everywhere and always come back empty: "no insight"
  // where nothing was looked at. It stays a gap until an engine reads them:
  // - local logs (DuckDB): CloudTrail delivers Insights events under CloudTrail-Insight/, a
  //   folder the reader skips (NOT_EVENT_FOLDERS in src/query/engines/duckdb/discover.ts);
  // - Athena: the CloudTrail table (deploy/athena/*.sql) is over the CloudTrail/ prefix and
  //   has no insightDetails column;
  // - CloudTrail Lake: Insights events go to an event data store of their own, and the Lake
  //   engine queries the one CTRB_LAKE_EVENT_DATA_STORE names, the store of the trail's events;
  // - LookupEvents: the lookup engine never asks for EventCategory=insight, so it gets
  //   management events only;
  // - and insightDetails is no field of the portable query (src/query/fields.ts), so no step
  //   can name the insight's event source and name, nor state and type.
  {
    doc: '001_966c895c801e95ee.txt',
    item: 'CloudTrail Insights events: the queries to run when an insight is raised',
    text:
      'Insight Events: Detect unusual activity or deviations from baseline user behavior. A robust query runbook can process each of these event types [...] ' +
      'Automate Where Possible: Integrate runbooks with alerting systems like AWS CloudWatch or third-party tools. For instance, run specific queries whenever an insight flag is raised.',
    belongsIn:
      'a runbook of its own (e.g. insight-events: eventType AwsCloudTrailInsight, then the calls behind the insight by insightDetails.eventName), ' +
      'once an engine reads Insights events and insightDetails is a query field (see the comment above)',
    matches: [
      {
        userIdentity: null,
        eventName: null,
        eventSource: null,
        sourceIPAddress: null,
        userAgent: null,
        eventType: 'AwsCloudTrailInsight',
        eventCategory: 'Insight',
        insightDetails: { state: 'Start', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', insightType: 'ApiCallRateInsight' },
      },
    ],
    rejects: [{ eventName: 'RunInstances', readOnly: false }],
    closedBy: {
      what: 'a condition selecting Insights events (eventType AwsCloudTrailInsight or eventCategory Insight)',
      test: (where) =>
        compares(where).some(
          (c) =>
            ['eq', 'in'].includes(c.op) &&
            c.value.kind === 'literal' &&
            ((c.field === 'eventType' && [c.value.value].flat().includes('AwsCloudTrailInsight')) || (c.field === 'eventCategory' && [c.value.value].flat().includes('Insight'))),
        ),
    },
  },
];

// ---------------------------------------------------------------- the library, parameters

const library = await RunbookLibrary.load();
const RUNBOOKS = new Map(library.all().map((e) => [e.runbook.id, e.runbook]));
const NOW = new Date('2024-05-02T00:00:00Z');

/** Values for parameters a run must be given and the item does not give. */
const SAMPLE_BY_NAME: Record<string, string> = { credential: USER.accessKeyId };
const SAMPLE_BY_TYPE: Partial<Record<ParamType, string>> = {
  access_key_id: USER.accessKeyId,
  arn: USER.arn,
  account: ACCOUNT,
  iam_user: USER.userName,
  region: 'us-east-1',
  ip: TRUSTED_IP,
};

/**
 * The run's parameters: the given ones, samples (by name, then by type) for required ones not
 * given, defaults for the rest, validated as a run's are. Undefined when they do not resolve (a
 * required parameter the samples cannot fill).
 */
function paramsFor(runbook: Runbook, given: Record<string, string> = {}, samples: Partial<Record<ParamType, string>> = {}): ResolvedParams | undefined {
  const input = { ...given };
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (Object.hasOwn(input, name) || spec.default !== undefined || !spec.required) continue;
    const sample = SAMPLE_BY_NAME[name] ?? samples[spec.type] ?? SAMPLE_BY_TYPE[spec.type];
    if (sample !== undefined) input[name] = sample;
  }
  try {
    return resolveParams(runbook, input, { now: NOW }).params;
  } catch (e) {
    if (e instanceof ParamError) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------- reading a query's where

type Compare = Extract<Condition, { kind: 'compare' }>;

/** Every comparison in the tree, under `not` too. */
function compares(c: Condition): Compare[] {
  switch (c.kind) {
    case 'all':
    case 'any':
      return c.items.flatMap(compares);
    case 'not':
      return compares(c.item);
    case 'exists':
      return [];
    case 'compare':
      return [c];
  }
}

/** Fields the tree constrains (compared or tested for existence, under `not` too). */
function constrainedFields(c: Condition): Set<string> {
  switch (c.kind) {
    case 'all':
    case 'any':
      return new Set(c.items.flatMap((i) => [...constrainedFields(i)]));
    case 'not':
      return constrainedFields(c.item);
    case 'exists':
    case 'compare':
      return new Set([c.field]);
  }
}

function valuesOf(ref: ValueRef, params: ResolvedParams): string[] {
  if (ref.kind === 'literal') return (Array.isArray(ref.value) ? ref.value : [ref.value]).map(String);
  if (ref.kind === 'param') {
    const v = params[ref.name];
    return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
  }
  return [];
}

interface NamedEvents {
  names: Set<string>;
  prefixes: string[];
  contains: string[];
}

/**
 * The event names a where tree selects by name: eventName equal to or in a list (literal or a
 * parameter's value), or matching a prefix / contains pattern, in any all / any group. Names
 * under `not`, and `ne` / `not_in` lists, are exclusions and do not count.
 */
function namedEvents(c: Condition, params: ResolvedParams, out: NamedEvents = { names: new Set(), prefixes: [], contains: [] }): NamedEvents {
  switch (c.kind) {
    case 'all':
    case 'any':
      for (const i of c.items) namedEvents(i, params, out);
      break;
    case 'not':
    case 'exists':
      break;
    case 'compare':
      if (c.field !== 'eventName') break;
      if (c.op === 'eq' || c.op === 'in') for (const v of valuesOf(c.value, params)) out.names.add(v);
      if (c.op === 'prefix') out.prefixes.push(...valuesOf(c.value, params));
      if (c.op === 'contains') out.contains.push(...valuesOf(c.value, params));
      break;
  }
  return out;
}

function names(named: NamedEvents, name: string): boolean {
  return named.names.has(name) || named.prefixes.some((p) => name.startsWith(p)) || named.contains.some((s) => name.includes(s));
}

/** A LIKE pattern as the portable operator that means the same: %x% → contains, x% → prefix. */
function likeAsOperator(pattern: string): { op: 'contains' | 'prefix' | 'eq'; value: string } {
  const m = /^%([^%]*)%$/.exec(pattern);
  if (m) return { op: 'contains', value: m[1]! };
  const p = /^([^%]*)%$/.exec(pattern);
  if (p) return { op: 'prefix', value: p[1]! };
  return { op: 'eq', value: pattern };
}

function outputFields(q: PortableQuery): Set<string> {
  const out = new Set(q.select.map((s) => s.field));
  for (const b of q.group?.by ?? []) out.add(b.field);
  for (const a of q.group?.aggregates ?? []) if (a.field) out.add(a.field);
  return out;
}

// ---------------------------------------------------------------- the coverage check

type Lookup = (id: string) => Runbook | undefined;
const realLibrary: Lookup = (id) => RUNBOOKS.get(id);

function findStep(runbook: Runbook, id: string): StepSpec | undefined {
  return runbook.steps.find((s) => s.id === id);
}

/** What is wrong with `answer` as the answer to its item; empty when it answers it. */
function answerProblems(answer: Answer, lookup: Lookup = realLibrary): string[] {
  const runbook = lookup(answer.runbook);
  if (!runbook) return [`there is no runbook ${answer.runbook}`];
  switch (answer.kind) {
    case 'query':
      return queryProblems(answer, runbook);
    case 'verify_access': {
      const step = findStep(runbook, answer.step);
      if (!step) return [`${runbook.id} has no step ${answer.step}`];
      if (!('verify_access' in step)) return [`${runbook.id}/${answer.step} is not a verify_access step`];
      return queryProblems(
        { kind: 'query', runbook: runbook.id, steps: [step.verify_access.for_each], eventNames: answer.eventNames, ...(answer.base ? { base: answer.base } : {}) },
        runbook,
      ).map((p) => `the calls ${answer.step} verifies: ${p}`);
    }
    case 'check': {
      const step = findStep(runbook, answer.step);
      if (!step) return [`${runbook.id} has no step ${answer.step}`];
      if (!('check' in step)) return [`${runbook.id}/${answer.step} is not a check step`];
      const whens = step.check.filter((c) => c.for_each === answer.forEach).map((c) => c.when);
      return answer.when.filter((re) => !whens.some((w) => re.test(w))).map((re) => `${runbook.id}/${answer.step} has no check over ${answer.forEach} whose when matches ${re}`);
    }
    case 'remediate': {
      const step = findStep(runbook, answer.step);
      if (!step) return [`${runbook.id} has no step ${answer.step}`];
      if (!('remediate' in step)) return [`${runbook.id}/${answer.step} is not a remediate step`];
      return step.remediate.action === answer.action ? [] : [`${runbook.id}/${answer.step} runs ${step.remediate.action}, not ${answer.action}`];
    }
    case 'note': {
      const step = findStep(runbook, answer.step);
      if (!step) return [`${runbook.id} has no step ${answer.step}`];
      if (!('note' in step)) return [`${runbook.id}/${answer.step} is not a note`];
      const text = step.note.toLowerCase();
      return answer.mentions.filter((m) => !text.includes(m.toLowerCase())).map((m) => `the note ${runbook.id}/${answer.step} does not mention "${m}"`);
    }
  }
}

function queryProblems(answer: QueryAnswer, runbook: Runbook): string[] {
  const problems: string[] = [];
  const where = `${runbook.id}/${answer.steps.join('+')}`;
  const params = paramsFor(runbook, answer.params);
  if (!params) return [`${runbook.id}: the parameters ${JSON.stringify(answer.params ?? {})} do not resolve`];

  const portable: { id: string; query: PortableQuery }[] = [];
  const raw: { id: string; sql: string[] }[] = [];
  for (const id of answer.steps) {
    const step = findStep(runbook, id);
    if (!step) problems.push(`${runbook.id} has no step ${id}`);
    else if ('query' in step) portable.push({ id, query: parsePortableQuery(step.query) });
    else if ('raw' in step) raw.push({ id, sql: Object.values(parseRawQuery(step.raw).sql) });
    else problems.push(`${runbook.id}/${id} is not a query or raw step`);
  }
  if (problems.length > 0) return problems;

  // Event names: each named by one of the steps (a raw step: quoted in the SQL of every engine).
  const named = portable.map((p) => namedEvents(p.query.where, params));
  for (const name of answer.eventNames ?? []) {
    const inRaw = raw.some((r) => r.sql.length > 0 && r.sql.every((sql) => sql.includes(`'${name}'`)));
    if (!named.some((n) => names(n, name)) && !inRaw) problems.push(`${where}: where does not name ${name}`);
  }
  if (answer.eventNameLike !== undefined) {
    const like = likeAsOperator(answer.eventNameLike);
    const has = portable.some((p) => compares(p.query.where).some((c) => c.field === 'eventName' && c.op === like.op && valuesOf(c.value, params).includes(like.value)));
    const inRaw = raw.some((r) => r.sql.every((sql) => sql.includes(answer.eventNameLike!)));
    if (!has && !inRaw) problems.push(`${where}: where has no eventName { ${like.op}: ${like.value} } (the source's LIKE '${answer.eventNameLike}')`);
  }

  // The other conditions: every step constrains each field the source filters on.
  for (const field of answer.fields ?? []) {
    for (const p of portable) if (!constrainedFields(p.query.where).has(field)) problems.push(`${runbook.id}/${p.id}: where has no condition on ${field}`);
    for (const r of raw) if (!r.sql.every((sql) => sql.includes(field))) problems.push(`${runbook.id}/${r.id}: the SQL does not read ${field}`);
  }

  // What the item asks to see.
  for (const field of answer.columns ?? []) {
    if (!portable.some((p) => outputFields(p.query).has(field))) problems.push(`${where}: no step outputs ${field}`);
  }
  for (const field of answer.groupBy ?? []) {
    if (!portable.some((p) => p.query.group?.by.some((b) => b.field === field))) problems.push(`${where}: no step groups by ${field}`);
  }

  // Synthetic events: the steps admit what the source selects and leave out what it leaves out.
  if (portable.length > 0 && raw.length === 0) {
    const predicates = portable.map((p) => compilePredicate(p.query.where, { params }));
    const admitted = (layers: Ev): boolean => predicates.some((pred) => pred(event(answer.base ?? {}, layers)));
    const selected: Ev[] = [...(answer.eventNames ?? []).map((n) => ({ eventName: n })), ...(answer.matches ?? [])];
    for (const layers of selected.length > 0 ? selected : [{}]) {
      if (!admitted(layers)) problems.push(`${where}: leaves out an event the source selects: ${describeEvent({ ...answer.base, ...layers })}`);
    }
    for (const layers of answer.rejects ?? []) {
      if (admitted(layers)) problems.push(`${where}: selects an event the source leaves out: ${describeEvent({ ...answer.base, ...layers })}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- in-memory edits (the checker's own test)

const GONE = 'NoSuchEventForCoverageTest';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The where map without `name` (or a pattern matching it) wherever it selects eventName. */
function withoutEventName(where: Record<string, unknown>, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(where)) {
    if ((key === 'any' || key === 'all') && Array.isArray(value)) out[key] = value.map((m) => (isMap(m) ? withoutEventName(m, name) : m));
    else if (key === 'eventName') out[key] = eventNameWithout(value, name);
    else out[key] = value;
  }
  return out;
}

function eventNameWithout(value: unknown, name: string): unknown {
  if (typeof value === 'string') return value === name ? GONE : value;
  if (Array.isArray(value)) {
    const kept = value.filter((v) => v !== name);
    return kept.length > 0 ? kept : [GONE];
  }
  if (isMap(value)) {
    const ops: Record<string, unknown> = {};
    for (const [op, v] of Object.entries(value)) {
      if (op === 'eq' || op === 'in') ops[op] = eventNameWithout(v, name);
      else if (op === 'prefix' && typeof v === 'string' && name.startsWith(v)) ops[op] = GONE;
      else if (op === 'contains' && typeof v === 'string' && name.includes(v)) ops[op] = GONE;
      else ops[op] = v;
    }
    return ops;
  }
  return value;
}

/** The where map without any condition on `field`; groups left empty are dropped. */
function withoutField(where: Record<string, unknown>, field: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(where)) {
    if (key === field) continue;
    if ((key === 'any' || key === 'all') && Array.isArray(value)) {
      const kept = value.map((m) => (isMap(m) ? withoutField(m, field) : m)).filter((m) => !isMap(m) || Object.keys(m).length > 0);
      if (kept.length > 0) out[key] = kept;
    } else if (key === 'not' && isMap(value)) {
      const kept = withoutField(value, field);
      if (Object.keys(kept).length > 0) out[key] = kept;
    } else out[key] = value;
  }
  return out;
}

type WhereEdit = (where: Record<string, unknown>) => Record<string, unknown>;

/** A lookup in which `runbookId`'s steps `stepIds` have `edit` applied to their where (copies: the files are not touched). */
function editedLibrary(runbookId: string, stepIds: readonly string[], edit: WhereEdit): Lookup {
  const original = RUNBOOKS.get(runbookId)!;
  const edited: Runbook = {
    ...original,
    steps: original.steps.map((s) => {
      if (!stepIds.includes(s.id) || !('query' in s)) return s;
      const query = structuredClone(s.query);
      return { ...s, query: { ...query, where: edit(isMap(query.where) ? query.where : {}) } } as StepSpec;
    }),
  };
  return (id) => (id === runbookId ? edited : RUNBOOKS.get(id));
}

/** The query steps an answer's event names are checked in. */
function queryStepsOf(answer: QueryAnswer | VerifyAnswer): string[] {
  if (answer.kind === 'query') return answer.steps;
  const step = findStep(RUNBOOKS.get(answer.runbook)!, answer.step);
  return step && 'verify_access' in step ? [step.verify_access.for_each] : [];
}

interface Edit {
  title: string;
  answer: Answer;
  lookup: Lookup;
}

const EDITS: Edit[] = SCENARIOS.flatMap((s): Edit[] => {
  const a = s.answer;
  if (a.kind !== 'query' && a.kind !== 'verify_access') return [];
  const steps = queryStepsOf(a);
  const at = `${a.runbook}/${steps.join('+')}`;
  const edits: Edit[] = (a.eventNames ?? []).map((name) => ({
    title: `${s.doc} "${s.item}": ${at} without ${name}`,
    answer: a,
    lookup: editedLibrary(a.runbook, steps, (w) => withoutEventName(w, name)),
  }));
  if (a.kind === 'query') {
    if (a.eventNameLike !== undefined) {
      const like = likeAsOperator(a.eventNameLike).value;
      edits.push({ title: `${s.doc} "${s.item}": ${at} without eventName ~ ${a.eventNameLike}`, answer: a, lookup: editedLibrary(a.runbook, steps, (w) => withoutEventName(w, like)) });
    }
    for (const field of a.fields ?? []) {
      edits.push({ title: `${s.doc} "${s.item}": ${at} without its condition on ${field}`, answer: a, lookup: editedLibrary(a.runbook, steps, (w) => withoutField(w, field)) });
    }
  }
  return edits;
});

// ---------------------------------------------------------------- known gaps: still open?

interface GapStep {
  runbook: Runbook;
  id: string;
  query: PortableQuery;
}

/**
 * The steps that answer a known gap now, and those that could not be checked (their
 * parameters do not resolve, or their where does not compile): either means the gap's entry
 * is out of date, so neither is skipped.
 */
function gapAnswers(gap: KnownGap, steps: readonly GapStep[]): { answeredBy: string[]; unchecked: string[] } {
  const answeredBy: string[] = [];
  const unchecked: string[] = [];
  for (const { runbook, id, query } of steps) {
    if (gap.closedBy?.test(query.where)) {
      answeredBy.push(`${runbook.id}/${id} (${gap.closedBy.what})`);
      continue;
    }
    const params = paramsFor(runbook, {}, gap.samples);
    if (!params) {
      unchecked.push(`${runbook.id}/${id}: its parameters do not resolve with the samples given (KnownGap.samples)`);
      continue;
    }
    let admits: (e: CloudTrailEvent) => boolean;
    try {
      admits = compilePredicate(query.where, { params });
    } catch (e) {
      unchecked.push(`${runbook.id}/${id}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (gap.matches.every((m) => admits(event(m))) && !gap.rejects.some((r) => admits(event(r)))) answeredBy.push(`${runbook.id}/${id}`);
  }
  return { answeredBy, unchecked };
}

// ---------------------------------------------------------------- the tests

function answerTitle(a: Answer): string {
  return a.kind === 'query' ? `${a.runbook}/${a.steps.join(' + ')}` : `${a.runbook}/${a.step}`;
}

describe('the source scenarios the runbook library was written from', () => {
  it('lists each item once, from every source document', () => {
    const keys = [...SCENARIOS, ...KNOWN_GAPS].map((s) => `${s.doc}: ${s.item}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const doc of DOCS) expect(keys.some((k) => k.startsWith(doc)), doc).toBe(true);
  });

  for (const scenario of SCENARIOS) {
    describe(`${scenario.doc}: ${scenario.item}`, () => {
      it(`is answered by ${answerTitle(scenario.answer)}`, () => {
        expect(answerProblems(scenario.answer)).toEqual([]);
      });

      const alarm = scenario.alarm;
      if (alarm !== undefined) {
        it(`starts ${scenario.answer.runbook} from the alarm ${alarm}`, () => {
          const started = matchAlarm(alarm, [...RUNBOOKS.values()]).map((r) => r.id);
          expect(started).toContain(scenario.answer.runbook);
        });
      }
    });
  }

  describe('known gaps: items no runbook step answers yet', () => {
    const querySteps: GapStep[] = [...RUNBOOKS.values()].flatMap((runbook) =>
      runbook.steps.flatMap((step) => ('query' in step ? [{ runbook, id: step.id, query: parsePortableQuery(step.query) }] : [])),
    );

    for (const gap of KNOWN_GAPS) {
      it(`${gap.doc}: ${gap.item}`, () => {
        // Not empty: the gap is closed (move the item to SCENARIOS with the step that answers
        // it), or a step could not be checked (a gap hidden behind a step that stops compiling
        // would read as still open).
        expect(gapAnswers(gap, querySteps)).toEqual({ answeredBy: [], unchecked: [] });
      });
    }

    it('counts a step that no longer compiles as unchecked, not as leaving the gap open', () => {
      const [runbook] = [...RUNBOOKS.values()];
      const broken: GapStep = { runbook: runbook!, id: 'broken', query: parsePortableQuery({ select: ['eventName'], where: { eventName: '$no_such_param' } }) };
      const result = gapAnswers(KNOWN_GAPS[0]!, [broken]);
      expect(result.answeredBy).toEqual([]);
      expect(result.unchecked).toEqual([`${runbook!.id}/broken: parameter $no_such_param has no value: declare it in the runbook's params or pass it when starting the run`]);
    });
  });

  describe('the check fails when a mapped step loses what the source selects (edited copies, in memory)', () => {
    it('has edits to try', () => {
      expect(EDITS.length).toBeGreaterThan(50);
    });

    for (const { title, answer, lookup } of EDITS) {
      it(title, () => {
        expect(answerProblems(answer)).toEqual([]);
        expect(answerProblems(answer, lookup)).not.toEqual([]);
      });
    }
  });
});

