/**
 * Representative queries, compiled for every engine by the golden tests and executed on
 * DuckDB (against the evaluator) by the agreement tests.
 */
import type { AthenaSettings, CellValueList, CompileContext } from './types.js';
import { NOW, WINDOW } from './events.js';

export interface QueryCase {
  name: string;
  /** A portable query (YAML shape) or, with `raw: true`, a raw query. */
  query: Record<string, unknown>;
  raw?: boolean;
  params?: CompileContext['params'];
  /** Earlier steps' columns; absent = explaining before a run. */
  steps?: Record<string, Record<string, CellValueList>>;
  athena?: AthenaSettings;
  window?: { start: Date; end: Date };
}

export const ATHENA_TIMESTAMP: AthenaSettings = { table: 'security.cloudtrail_logs', partitioning: 'timestamp' };
export const ATHENA_REGIONS: AthenaSettings = {
  table: 'AwsDataCatalog.security.cloudtrail',
  partitioning: 'region-year-month-day',
  regions: ['us-east-1', 'eu-west-1'],
};
export const LAKE = { eventDataStore: 'arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE' };

export const CASES: QueryCase[] = [
  { name: 'equals', query: { where: { eventName: 'ConsoleLogin', 'userIdentity.type': 'Root' } } },
  { name: 'in-list', query: { where: { eventName: ['ConsoleLogin', 'GetObject'] } } },
  {
    name: 'in-param',
    query: { where: { eventSource: { in: '$sources' } }, select: ['eventName', 'eventSource'] },
    params: { sources: ['iam.amazonaws.com', 'sts.amazonaws.com'] },
  },
  { name: 'empty-in', query: { where: { eventName: { in: [] } } } },
  { name: 'empty-not-in', query: { where: { eventName: { not_in: [] } } } },
  {
    name: 'ne-not-in',
    query: { where: { errorCode: { ne: 'AccessDenied' }, eventSource: { not_in: ['signin.amazonaws.com', 's3.amazonaws.com'] } } },
  },
  {
    name: 'prefix-contains',
    query: { where: { userAgent: { contains: 'aws-cli' }, eventSource: { prefix: 'i' } }, select: ['eventName', 'userAgent'] },
  },
  {
    name: 'exists',
    query: { where: { errorCode: { exists: true }, 'userIdentity.sessionContext': { exists: false } }, select: ['eventName', 'errorCode'] },
  },
  {
    name: 'not-any',
    query: {
      where: {
        not: { any: [{ eventSource: 'signin.amazonaws.com' }, { 'userIdentity.type': 'AWSService' }] },
        all: [{ readOnly: true }, { not: { userAgent: { prefix: 'AWS' } } }],
      },
    },
  },
  {
    name: 'time-compare',
    query: { where: { eventTime: { gte: '2024-05-01T10:00:00Z', lt: '$until' } }, select: ['eventTime', 'eventName'], order: 'eventTime' },
    params: { until: '2024-05-01T13:00:00.250Z' },
  },
  {
    name: 'cidr-in',
    query: { where: { sourceIPAddress: { in_cidr: ['10.0.0.0/8', '2001:db8::/32'] } }, select: ['sourceIPAddress'] },
  },
  {
    name: 'root-login-not-in-cidr',
    query: {
      where: { eventName: 'ConsoleLogin', 'userIdentity.type': 'Root', sourceIPAddress: { not_in_cidr: '$trusted_cidrs' } },
      select: ['eventTime', 'sourceIPAddress', 'userAgent', 'additionalEventData.MFAUsed as mfa'],
      order: 'eventTime desc',
      limit: 200,
    },
    params: { trusted_cidrs: ['10.0.0.0/8', '192.168.0.0/16'] },
  },
  {
    name: 'json-subfields',
    query: {
      where: {
        any: [{ 'requestParameters.bucketName': { prefix: 'prod-' } }, { 'responseElements.accessKey': { exists: true } }],
      },
      select: [
        'eventName',
        'requestParameters.bucketName as bucket',
        'requestParameters.bucketPolicy.Version as policy_version',
        'responseElements.accessKey as access_key',
        'requestParameters',
      ],
      order: 'eventName',
    },
  },
  {
    name: 'struct-fields',
    query: {
      where: { 'userIdentity.sessionContext.sessionIssuer.arn': 'arn:aws:iam::111122223333:role/deploy' },
      select: ['userIdentity.sessionContext.sessionIssuer.userName as role', 'userIdentity.accessKeyId', 'readOnly'],
    },
  },
  {
    name: 'group-aggregates',
    query: {
      where: { 'userIdentity.type': { ne: 'AWSService' } },
      group: {
        by: ['userIdentity.arn as principal'],
        count: 'calls',
        count_distinct: { actions: 'eventName', sources: 'sourceIPAddress' },
        min: { first_seen: 'eventTime' },
        max: { last_seen: 'eventTime', last_error: 'errorCode' },
      },
      order: 'calls desc',
      limit: 10,
    },
  },
  {
    name: 'order-limit',
    query: { where: {}, select: ['eventTime', 'eventName', 'userIdentity.userName as user'], order: ['user desc', 'eventTime'], limit: 5 },
  },
  {
    name: 'steps-values',
    query: { where: { 'userIdentity.accessKeyId': { in: '$steps.keys.accessKeyId' } }, select: ['eventName', 'userIdentity.accessKeyId as key'] },
    steps: { keys: { accessKeyId: ['AKIAALICE0000000001', null, 'AKIAALICE0000000001'] } },
  },
  {
    name: 'steps-explain',
    query: { where: { 'userIdentity.accessKeyId': { in: '$steps.keys.accessKeyId' } }, select: ['eventName'] },
  },
  {
    name: 'long-window',
    query: { where: { eventName: 'DeleteTrail' }, select: ['eventTime'] },
    athena: ATHENA_REGIONS,
    window: { start: new Date('2023-11-20T12:00:00Z'), end: new Date('2024-05-02T06:00:00Z') },
  },
  {
    name: 'raw-sql',
    raw: true,
    query: {
      sql: {
        duckdb: `SELECT "eventName", count(*) AS n FROM :table WHERE "eventTime" >= :window_start AND "eventTime" < :window_end AND list_contains(:names, "eventName") AND 'a::b' <> :label GROUP BY 1 ORDER BY 1`,
        athena: `SELECT eventname, count(*) AS n FROM security.cloudtrail_logs WHERE "timestamp" >= '2024/05/01' AND eventtime >= :window_start AND eventtime < :window_end AND eventname IN (:names) AND ':label' <> :label GROUP BY 1`,
        lake: `SELECT eventName, count(*) AS n FROM :table WHERE eventTime >= :window_start AND eventTime < :window_end AND eventName IN (:names) -- :not_a_placeholder\n AND :label <> 'x' GROUP BY 1`,
      },
      params: { names: ['ConsoleLogin', 'GetObject'], label: '$label' },
    },
    params: { label: "it's" },
  },
];

export const NOW_FOR_CASES = NOW;
export const DEFAULT_WINDOW = WINDOW;
