/**
 * Helpers that state common kinds of CloudTrail events (an API call, an S3 object
 * access, a console sign-in, an AssumeRole) in the shapes CloudTrail gives them. Both
 * the background traffic and the planted incidents use these.
 */
import type { Bucket } from './cast.js';
import type { EventSpec, Json, Resource, UserIdentity } from './record.js';
import type { Random } from './random.js';
import { isoSecond } from './record.js';

export interface Actor {
  identity: UserIdentity;
  ip: string;
  userAgent: string;
  /** Calls made from the AWS console carry sessionCredentialFromConsole. */
  fromConsole?: boolean;
}

/** Read-only in CloudTrail's sense: the call changes nothing. */
export function isReadOnlyName(name: string): boolean {
  return /^(Describe|List|Get|Head|Lookup|Search|Batch(Get|Describe)|Select|Scan|Query|Check|Filter|Test|Validate|Decrypt|Encrypt|GenerateDataKey|Verify|Sign)/.test(
    name,
  );
}

export interface ApiCall {
  time: Date;
  actor: Actor;
  account: string;
  region: string;
  source: string;
  name: string;
  request?: Json;
  response?: Json;
  additional?: Json;
  resources?: Resource[];
  error?: { code: string; message: string };
  readOnly?: boolean;
  sharedEventID?: string;
}

export function apiCall(c: ApiCall): EventSpec {
  return {
    time: c.time,
    identity: c.actor.identity,
    source: c.source,
    name: c.name,
    region: c.region,
    account: c.account,
    ip: c.actor.ip,
    userAgent: c.actor.userAgent,
    readOnly: c.readOnly ?? isReadOnlyName(c.name),
    request: c.request,
    response: c.response,
    additional: c.additional,
    resources: c.resources,
    error: c.error,
    fromConsole: c.actor.fromConsole,
    sharedEventID: c.sharedEventID,
    // Calls made by AWS services on a principal's behalf carry no client TLS session.
    host: c.actor.identity.invokedBy ? null : undefined,
  };
}

export interface ObjectAccess {
  time: Date;
  actor: Actor;
  account: string;
  bucket: Bucket;
  key: string;
  name: 'GetObject' | 'PutObject' | 'DeleteObject' | 'HeadObject' | 'PutObjectAcl';
  bytes?: number;
  error?: { code: string; message: string };
  request?: Record<string, Json>;
}

/** An S3 data event: recorded only when the trail logs data events for the bucket. */
export function objectAccess(rng: Random, o: ObjectAccess): EventSpec {
  const host = `${o.bucket.name}.s3.${o.bucket.region}.amazonaws.com`;
  const readOnly = o.name === 'GetObject' || o.name === 'HeadObject';
  return {
    time: o.time,
    identity: o.actor.identity,
    source: 's3.amazonaws.com',
    name: o.name,
    region: o.bucket.region,
    account: o.account,
    ip: o.actor.ip,
    userAgent: o.actor.userAgent,
    readOnly,
    request: { bucketName: o.bucket.name, Host: host, key: o.key, ...(o.request ?? {}) },
    response: null,
    additional: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: o.name === 'PutObject' ? (o.bytes ?? 0) : 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': rng.mixedAlnum(76),
      bytesTransferredOut: o.name === 'GetObject' && !o.error ? (o.bytes ?? 0) : 0,
    },
    error: o.error,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${o.bucket.name}/${o.key}` },
      { accountId: o.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${o.bucket.name}` },
    ],
    category: 'Data',
    requestIdStyle: 's3',
    host,
    fromConsole: o.actor.fromConsole,
  };
}

/** A management call on a bucket (policy, ACL, public access block...). */
export function bucketCall(c: Omit<ApiCall, 'source'> & { bucket: Bucket; extra?: Record<string, Json> }): EventSpec {
  const host = `${c.bucket.name}.s3.${c.bucket.region}.amazonaws.com`;
  const spec = apiCall({
    ...c,
    source: 's3.amazonaws.com',
    region: c.bucket.region,
    request: { bucketName: c.bucket.name, Host: host, ...(c.extra ?? {}) },
    resources: [{ accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${c.bucket.name}` }],
  });
  return { ...spec, requestIdStyle: 's3', host };
}

export interface SignIn {
  time: Date;
  identity: UserIdentity;
  account: string;
  region: string;
  ip: string;
  userAgent: string;
  mfaUsed: boolean;
  success: boolean;
}

/** A ConsoleLogin event, as signin.amazonaws.com records it. */
export function consoleLogin(s: SignIn): EventSpec {
  return {
    time: s.time,
    identity: s.identity,
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    region: s.region,
    account: s.account,
    ip: s.ip,
    userAgent: s.userAgent,
    readOnly: false,
    request: null,
    response: { ConsoleLogin: s.success ? 'Success' : 'Failure' },
    additional: {
      LoginTo: 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_2c5b2a7e0d8f1c49',
      MobileVersion: 'No',
      MFAUsed: s.mfaUsed ? 'Yes' : 'No',
    },
    // A failed sign-in has an errorMessage but no errorCode, and says so in its response.
    error: s.success ? undefined : { message: 'Failed authentication' },
    responseOnError: true,
    eventType: 'AwsConsoleSignIn',
    host: 'signin.aws.amazon.com',
  };
}

export interface AssumeRoleCall {
  time: Date;
  actor: Actor;
  /** The account whose trail records the call: the role's account. */
  account: string;
  region: string;
  roleArn: string;
  rolePrincipalId: string;
  sessionName: string;
  sessionKey: string;
  durationSeconds?: number;
  externalId?: string;
  sharedEventID?: string;
}

export function assumeRole(rng: Random, a: AssumeRoleCall): EventSpec {
  const duration = a.durationSeconds ?? 3600;
  const expiration = new Date(a.time.getTime() + duration * 1000);
  const roleName = a.roleArn.slice(a.roleArn.lastIndexOf('/') + 1);
  return {
    ...apiCall({
      time: a.time,
      actor: a.actor,
      account: a.account,
      region: a.region,
      source: 'sts.amazonaws.com',
      name: 'AssumeRole',
      readOnly: true,
      request: {
        roleArn: a.roleArn,
        roleSessionName: a.sessionName,
        durationSeconds: duration,
        ...(a.externalId ? { externalId: a.externalId } : {}),
      },
      response: {
        credentials: {
          accessKeyId: a.sessionKey,
          sessionToken: rng.mixedAlnum(40),
          expiration: expirationText(expiration),
        },
        assumedRoleUser: {
          assumedRoleId: `${a.rolePrincipalId}:${a.sessionName}`,
          arn: `arn:aws:sts::${a.account}:assumed-role/${roleName}/${a.sessionName}`,
        },
      },
      resources: [{ accountId: a.account, type: 'AWS::IAM::Role', ARN: a.roleArn }],
      sharedEventID: a.sharedEventID,
    }),
    host: a.actor.identity.invokedBy ? null : `sts.${a.region}.amazonaws.com`,
  };
}

/** STS writes expirations like "Nov 3, 2026, 3:25:07 AM". */
function expirationText(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hour12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * A Bedrock model invocation: recorded under bedrock.amazonaws.com as a read-only management
 * event, though the client calls the runtime endpoint.
 */
export function invokeModel(c: { time: Date; actor: Actor; account: string; region: string; modelId: string }): EventSpec {
  const spec = apiCall({ ...c, source: 'bedrock.amazonaws.com', name: 'InvokeModel', request: { modelId: c.modelId }, readOnly: true });
  return { ...spec, host: `bedrock-runtime.${c.region}.amazonaws.com` };
}

export function kmsKeyResource(account: string, keyArn: string): Resource[] {
  return [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }];
}

export { isoSecond };
