/**
 * A handful of CloudTrail records chosen for the edge cases queries must agree on: IPv4,
 * IPv6 and service-name sources, missing and null fields, JSON payloads with objects,
 * booleans, quotes and unicode, and events on both edges of the test window.
 */
import type { CloudTrailEvent } from '../../../src/query/index.js';

/** The window every test compiles with: 24 hours across a UTC midnight. */
export const WINDOW = { start: new Date('2024-05-01T06:00:00Z'), end: new Date('2024-05-02T06:00:00Z') };
export const NOW = new Date('2024-05-02T07:00:00Z');

const root = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };
const alice = {
  type: 'IAMUser',
  principalId: 'AIDAALICE',
  arn: 'arn:aws:iam::111122223333:user/alice',
  accountId: '111122223333',
  accessKeyId: 'AKIAALICE0000000001',
  userName: 'alice',
};
const role = {
  type: 'AssumedRole',
  principalId: 'AROADEPLOY:ci',
  arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci',
  accountId: '111122223333',
  accessKeyId: 'ASIADEPLOY000000001',
  sessionContext: {
    attributes: { mfaAuthenticated: 'false', creationDate: '2024-05-01T07:00:00Z' },
    sessionIssuer: { type: 'Role', principalId: 'AROADEPLOY', arn: 'arn:aws:iam::111122223333:role/deploy', accountId: '111122223333', userName: 'deploy' },
  },
};

function event(id: string, time: string, fields: Record<string, unknown>): CloudTrailEvent {
  return {
    eventVersion: '1.09',
    eventTime: time,
    eventID: id,
    awsRegion: 'us-east-1',
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    managementEvent: true,
    readOnly: true,
    ...fields,
  };
}

export const EVENTS: CloudTrailEvent[] = [
  event('e01', '2024-05-01T06:00:00Z', {
    // exactly at the window start: inside
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: root, sourceIPAddress: '203.0.113.5',
    userAgent: 'Mozilla/5.0', readOnly: false, additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com' },
    responseElements: { ConsoleLogin: 'Success' }, requestParameters: null, eventType: 'AwsConsoleSignIn',
  }),
  event('e02', '2024-05-01T08:15:00Z', {
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: alice, sourceIPAddress: '10.1.2.3',
    userAgent: 'Mozilla/5.0', readOnly: false, additionalEventData: { MFAUsed: 'Yes' }, responseElements: { ConsoleLogin: 'Success' },
  }),
  event('e03', '2024-05-01T09:00:00Z', {
    eventName: 'GetObject', eventSource: 's3.amazonaws.com', userIdentity: role, sourceIPAddress: '2001:db8::1',
    userAgent: '[aws-cli/2.15.0 Python/3.11]', requestParameters: { bucketName: 'prod-logs', key: 'a/b.txt' },
    managementEvent: false, eventCategory: 'Data', resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::prod-logs/a/b.txt' }],
  }),
  event('e04', '2024-05-01T10:30:00Z', {
    eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', userIdentity: alice, sourceIPAddress: '2001:DB8:0:0:0:0:0:FF',
    userAgent: 'aws-cli/2.15.0', readOnly: false, requestParameters: { userName: 'bob' },
    responseElements: { accessKey: { accessKeyId: 'AKIABOB', status: 'Active', userName: 'bob' } },
  }),
  event('e05', '2024-05-01T11:00:00Z', {
    eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
    sourceIPAddress: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com', requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/deploy', durationSeconds: 3600 },
  }),
  event('e06', '2024-05-01T12:00:00Z', {
    eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', userIdentity: role, sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal', errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized',
  }),
  event('e07', '2024-05-01T13:00:00Z', {
    // no sourceIPAddress, no userAgent
    eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com', userIdentity: alice, readOnly: false,
    requestParameters: { bucketName: 'prod-data', bucketPolicy: { Version: '2012-10-17', Statement: [] } },
  }),
  event('e08', '2024-05-01T14:00:00Z', {
    eventName: "admin'--", eventSource: 'iam.amazonaws.com', userIdentity: alice, sourceIPAddress: '10.255.255.255',
    userAgent: 'café ’quoted’ agent', errorCode: 'AccessDenied',
  }),
  event('e09', '2024-05-01T23:59:30Z', {
    eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com', userIdentity: root, sourceIPAddress: '198.51.100.7',
    userAgent: 'console.amazonaws.com', readOnly: false, requestParameters: { name: 'main' },
  }),
  event('e10', '2024-05-02T01:00:00Z', {
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: root, sourceIPAddress: '11.0.0.1',
    userAgent: 'Mozilla/5.0', readOnly: false, additionalEventData: { MFAUsed: 'Yes' }, errorCode: 'Failed authentication',
  }),
  event('e11', '2024-05-02T05:59:59Z', {
    eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', userIdentity: role, sourceIPAddress: '::ffff:10.0.0.1',
    userAgent: 'Boto3/1.34', requestParameters: null,
  }),
  event('e12', '2024-05-02T06:00:00Z', {
    // exactly at the window end: outside
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: root, sourceIPAddress: '203.0.113.5', readOnly: false,
  }),
  event('e13', '2024-04-30T23:00:00Z', {
    // before the window
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: root, sourceIPAddress: '203.0.113.9', readOnly: false,
  }),
];
