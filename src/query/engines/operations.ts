/**
 * Every AWS API operation the query engines call, as IAM actions, per engine: the query
 * role's policy (deploy/iam/) must allow these and needs nothing more from the engines.
 * test/engines/aws-operations.test.ts holds this list to the commands the engines send.
 *
 * Athena also reads, as the caller, the Glue table and the S3 objects behind it, and writes
 * its results: ATHENA_DATA_ACCESS lists those permissions (their resources are deployment's).
 */
import type { EngineName } from '../../model/query.js';

export const QUERY_ENGINE_ACTIONS: Readonly<Record<Exclude<EngineName, 'duckdb'>, readonly string[]>> = {
  athena: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
  lake: ['cloudtrail:CancelQuery', 'cloudtrail:DescribeQuery', 'cloudtrail:GetQueryResults', 'cloudtrail:StartQuery'],
  lookup: ['cloudtrail:LookupEvents'],
};

export const ATHENA_DATA_ACCESS: readonly string[] = [
  'glue:GetDatabase',
  'glue:GetTable',
  's3:GetObject',
  's3:ListBucket',
  's3:GetBucketLocation',
  's3:PutObject',
  's3:AbortMultipartUpload',
];
