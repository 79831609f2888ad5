/**
 * The shape of one CloudTrail record as delivered to S3, and the builder that fills in
 * the fields every record carries (ids, versions, TLS details) so that activity and
 * incident code only states what is particular to an event.
 */
import type { Random } from './random.js';

export interface UserIdentity {
  type?: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService' | 'AWSAccount' | 'FederatedUser';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: {
    /** A role for an assumed-role session; the IAM user for a federated one (GetFederationToken). */
    sessionIssuer?: { type: 'Role' | 'IAMUser'; principalId: string; arn: string; accountId: string; userName: string };
    webIdFederationData?: Record<string, never>;
    attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  };
  invokedBy?: string;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Resource {
  accountId?: string;
  type: string;
  ARN: string;
}

/** Field order follows CloudTrail's own, so the files read like the real thing. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Json;
  responseElements: Json;
  additionalEventData?: Json;
  serviceEventDetails?: Json;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: Resource[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent' | 'AwsConsoleSignIn';
  apiVersion?: string;
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: 'true';
}

/** What a caller states about an event; everything else has a realistic default. */
export interface EventSpec {
  time: Date;
  identity: UserIdentity;
  source: string;
  name: string;
  region: string;
  account: string;
  ip: string;
  userAgent: string;
  readOnly: boolean;
  request?: Json;
  response?: Json;
  additional?: Json;
  serviceEventDetails?: Json;
  /** A failed call: errorCode (when the service sets one) and errorMessage. */
  error?: { code?: string; message: string };
  /** Keep responseElements on a failed call (failed console sign-ins say "Failure" there). */
  responseOnError?: boolean;
  resources?: Resource[];
  eventType?: CloudTrailRecord['eventType'];
  category?: CloudTrailRecord['eventCategory'];
  /** S3 uses short upper-case hex request ids; most services use UUIDs. */
  requestIdStyle?: 'uuid' | 's3';
  /** The Host header the client sent; default `<service>.<region>.amazonaws.com`. */
  host?: string | null;
  fromConsole?: boolean;
  sharedEventID?: string;
  vpcEndpointId?: string;
  eventVersion?: string;
  apiVersion?: string;
}

/** CloudTrail writes times to the second, with a Z. */
export function isoSecond(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const GLOBAL_HOSTS: Record<string, string> = {
  'iam.amazonaws.com': 'iam.amazonaws.com',
  'signin.amazonaws.com': 'signin.aws.amazon.com',
  'organizations.amazonaws.com': 'organizations.us-east-1.amazonaws.com',
};

function defaultHost(source: string, region: string): string {
  const global = GLOBAL_HOSTS[source];
  if (global) return global;
  const service = source.replace('.amazonaws.com', '');
  return `${service}.${region}.amazonaws.com`;
}

export function buildRecord(rng: Random, spec: EventSpec): CloudTrailRecord {
  const category = spec.category ?? 'Management';
  const eventType = spec.eventType ?? 'AwsApiCall';
  // Object literal order is the file's key order: CloudTrail's own.
  const rec: CloudTrailRecord = {
    eventVersion: spec.eventVersion ?? (eventType === 'AwsConsoleSignIn' ? '1.09' : '1.10'),
    userIdentity: spec.identity,
    eventTime: isoSecond(spec.time),
    eventSource: spec.source,
    eventName: spec.name,
    awsRegion: spec.region,
    sourceIPAddress: spec.ip,
    userAgent: spec.userAgent,
    ...(spec.error?.code !== undefined ? { errorCode: spec.error.code } : {}),
    ...(spec.error ? { errorMessage: spec.error.message } : {}),
    requestParameters: spec.request ?? null,
    // A failed call has no response, except where CloudTrail records the outcome there.
    responseElements: spec.error && !spec.responseOnError ? null : (spec.response ?? null),
    ...(spec.additional !== undefined ? { additionalEventData: spec.additional } : {}),
    ...(spec.serviceEventDetails !== undefined ? { serviceEventDetails: spec.serviceEventDetails } : {}),
    requestID: spec.requestIdStyle === 's3' ? s3RequestId(rng) : rng.uuid(),
    eventID: rng.uuid(),
    readOnly: spec.readOnly,
    ...(spec.resources ? { resources: spec.resources } : {}),
    eventType,
    ...(spec.apiVersion ? { apiVersion: spec.apiVersion } : {}),
    managementEvent: category === 'Management',
    recipientAccountId: spec.account,
    ...(spec.sharedEventID ? { sharedEventID: spec.sharedEventID } : {}),
    ...(spec.vpcEndpointId ? { vpcEndpointId: spec.vpcEndpointId } : {}),
    eventCategory: category,
  };
  const host = spec.host === undefined ? defaultHost(spec.source, spec.region) : spec.host;
  // Service events are not client requests: no TLS session to describe.
  if (host !== null && eventType !== 'AwsServiceEvent') {
    const tls13 = rng.chance(0.85);
    rec.tlsDetails = {
      tlsVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2',
      cipherSuite: tls13 ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
      clientProvidedHostHeader: host,
    };
  }
  if (spec.fromConsole) rec.sessionCredentialFromConsole = 'true';
  return rec;
}

/** S3 request ids are 16 upper-case hex digits. */
function s3RequestId(rng: Random): string {
  return rng.hex(16).toUpperCase();
}
