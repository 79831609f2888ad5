/**
 * The IAM documents of a deployment, derived from what the code declares, so policy and code
 * cannot drift apart (test/deploy/iam-policies.test.ts holds both to the SDK commands the code
 * imports):
 *
 * - the query role: the query engines' operations (src/query/engines/operations.ts), the data
 *   Athena reads and writes as the caller, and iam:SimulatePrincipalPolicy for verify_access
 *   steps, which run with the query role (see README.md for why);
 * - the remediation role: every permission of every phase (execute, the reads behind verify,
 *   undo) of every catalogue action, and nothing on the bot's own roles;
 * - the worker's own identity: sts:AssumeRole on those two roles, nothing else;
 * - the two roles' trust policies: the worker's identity, with the external id.
 *
 * Deployment-specific names are placeholders in capitals (TRAIL_BUCKET…), as in deploy/athena.
 * `npx tsx deploy/iam/generate.ts` rewrites the files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATHENA_DATA_ACCESS, QUERY_ENGINE_ACTIONS } from '../../src/query/engines/index.js';
import { listActions, remediationRolePermissions } from '../../src/remediation/index.js';
import { VERIFY_ACCESS_PERMISSIONS } from '../../src/verify/index.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface TrustPolicy {
  Version: '2012-10-17';
  Statement: Array<{ Sid: string; Effect: 'Allow'; Principal: { AWS: string }; Action: string; Condition: Record<string, Record<string, string>> }>;
}

/** The role names the ARN templates in docs/configuration.md use. */
export const QUERY_ROLE_NAME = 'ctrb-query';
export const REMEDIATION_ROLE_NAME = 'ctrb-remediation';

const IAM_PRINCIPALS = ['arn:aws:iam::*:user/*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::*:group/*'];
const sorted = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/** Which resource an S3 or Glue permission of Athena's data access applies to. */
function athenaDataStatements(): PolicyStatement[] {
  const access = new Set(ATHENA_DATA_ACCESS);
  const pick = (...actions: string[]) => actions.filter((a) => access.has(a));
  const leftOver = [...access].filter(
    (a) => !['glue:GetDatabase', 'glue:GetTable', 's3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:PutObject', 's3:AbortMultipartUpload'].includes(a),
  );
  if (leftOver.length > 0) throw new Error(`no resource is known for ${leftOver.join(', ')}: add it to deploy/iam/policies.ts`);
  return [
    {
      Sid: 'AthenaReadsTheCloudTrailTable',
      Effect: 'Allow',
      Action: pick('glue:GetDatabase', 'glue:GetTable'),
      Resource: ['arn:aws:glue:*:*:catalog', 'arn:aws:glue:*:*:database/GLUE_DATABASE', 'arn:aws:glue:*:*:table/GLUE_DATABASE/GLUE_TABLE'],
    },
    {
      Sid: 'AthenaReadsTheTrailBucket',
      Effect: 'Allow',
      Action: pick('s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'),
      Resource: ['arn:aws:s3:::TRAIL_BUCKET', 'arn:aws:s3:::TRAIL_BUCKET/*AWSLogs/*'],
    },
    {
      Sid: 'AthenaWritesItsResults',
      Effect: 'Allow',
      Action: pick('s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:AbortMultipartUpload'),
      Resource: ['arn:aws:s3:::RESULTS_BUCKET', 'arn:aws:s3:::RESULTS_BUCKET/*'],
    },
  ];
}

export function queryRolePolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AthenaQueries', Effect: 'Allow', Action: sorted(QUERY_ENGINE_ACTIONS.athena), Resource: ['arn:aws:athena:*:*:workgroup/ctrb'] },
      ...athenaDataStatements(),
      // LookupEvents has no resource-level permissions.
      { Sid: 'CloudTrailLookupEvents', Effect: 'Allow', Action: sorted(QUERY_ENGINE_ACTIONS.lookup), Resource: ['*'] },
      { Sid: 'CloudTrailLakeQueries', Effect: 'Allow', Action: sorted(QUERY_ENGINE_ACTIONS.lake), Resource: ['arn:aws:cloudtrail:*:*:eventdatastore/*'] },
      { Sid: 'WasTheCallerAllowed', Effect: 'Allow', Action: sorted(VERIFY_ACCESS_PERMISSIONS), Resource: IAM_PRINCIPALS },
    ],
  };
}

export function remediationRolePolicy(): PolicyDocument {
  const all = remediationRolePermissions();
  const writes = sorted(listActions().flatMap((a) => [...a.phasePermissions.execute, ...(a.phasePermissions.undo ?? [])]));
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'RemediationActions', Effect: 'Allow', Action: all, Resource: IAM_PRINCIPALS },
      {
        // The same refusal as CTRB_PROTECTED_PRINCIPALS, enforced by IAM: the bot cannot lock
        // itself out, and AWS's service-linked roles are not its to change.
        Sid: 'NeverTheBotsOwnRolesNorServiceLinkedRoles',
        Effect: 'Deny',
        Action: writes,
        Resource: [`arn:aws:iam::*:role/${QUERY_ROLE_NAME}`, `arn:aws:iam::*:role/${REMEDIATION_ROLE_NAME}`, 'arn:aws:iam::*:role/aws-service-role/*'],
      },
    ],
  };
}

export function workerIdentityPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeTheQueryAndRemediationRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [`arn:aws:iam::*:role/${QUERY_ROLE_NAME}`, `arn:aws:iam::*:role/${REMEDIATION_ROLE_NAME}`],
      },
    ],
  };
}

/** Who may assume a role: the worker's identity, presenting the deployment's external id. */
export function roleTrustPolicy(): TrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TheCtrbWorkersOnly',
        Effect: 'Allow',
        Principal: { AWS: 'WORKER_ROLE_ARN' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'EXTERNAL_ID' } },
      },
    ],
  };
}

/** Every file of deploy/iam/ this module writes, by name. */
export function iamDocuments(): Record<string, PolicyDocument | TrustPolicy> {
  return {
    'query-role-policy.json': queryRolePolicy(),
    'remediation-role-policy.json': remediationRolePolicy(),
    'worker-identity-policy.json': workerIdentityPolicy(),
    'role-trust-policy.json': roleTrustPolicy(),
  };
}

export function documentText(document: PolicyDocument | TrustPolicy): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function writeIamDocuments(dir: string): string[] {
  return Object.entries(iamDocuments()).map(([name, document]) => {
    const file = join(dir, name);
    writeFileSync(file, documentText(document));
    return file;
  });
}
