/**
 * Writes small CloudTrail log trees for the engine tests: events as CloudTrail records,
 * laid out the way a trail delivers them to S3 (gzipped, under date folders), as plain
 * JSON, or as `aws cloudtrail lookup-events` output.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CompiledQuery } from '../../src/query/engine.js';
import type { BoundParam } from '../../src/model/query.js';

export type CloudTrailEvent = Record<string, unknown> & { eventTime: string; eventID: string };

let sequence = 0;

/** A realistic management event; override any field. */
export function cloudTrailEvent(overrides: Partial<CloudTrailEvent> = {}): CloudTrailEvent {
  sequence++;
  const account = '123456789012';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSER00001',
      arn: `arn:aws:iam::${account}:user/alice`,
      accountId: account,
      accessKeyId: 'AKIAEXAMPLEKEY000001',
      userName: 'alice',
    },
    eventTime: '2024-05-01T12:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0',
    requestParameters: { bucketName: 'audit-logs', key: `reports/${sequence}.csv` },
    responseElements: null,
    additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredOut: 1024 },
    requestID: `REQ${String(sequence).padStart(12, '0')}`,
    eventID: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    readOnly: true,
    resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audit-logs' }],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: account,
    eventCategory: 'Data',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
    ...overrides,
  };
}

export async function makeLogsDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ctrb-logs-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface S3LayoutOptions {
  account?: string;
  region?: string;
  /** An organization trail: AWSLogs/<org>/<account>/CloudTrail/... */
  organizationId?: string;
  /** Delivery date folder; default: each event's own date. */
  deliveredOn?: string;
}

/**
 * Write events the way a trail delivers them: one gzipped `{"Records": [...]}` file per
 * delivery day. Returns the files written.
 */
export async function writeS3Logs(root: string, events: CloudTrailEvent[], options: S3LayoutOptions = {}): Promise<string[]> {
  const account = options.account ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const byDay = new Map<string, CloudTrailEvent[]>();
  for (const event of events) {
    const day = options.deliveredOn ?? event.eventTime.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), event]);
  }
  const written: string[] = [];
  for (const [day, records] of byDay) {
    const [y, m, d] = day.split('-') as [string, string, string];
    const trailRoot = options.organizationId ? join('AWSLogs', options.organizationId, account) : join('AWSLogs', account);
    const name = `${account}_CloudTrail_${region}_${y}${m}${d}T1205Z_${records[0]!.eventID.slice(-6)}.json.gz`;
    const path = join(root, trailRoot, 'CloudTrail', region, y, m, d, name);
    await writeBytes(path, gzipSync(JSON.stringify({ Records: records })));
    written.push(path);
  }
  return written;
}

/** A plain (or gzipped) JSON file anywhere in the tree. */
export async function writeJsonFile(path: string, value: unknown, options: { gzip?: boolean; pretty?: boolean } = {}): Promise<string> {
  const text = JSON.stringify(value, null, options.pretty ? 2 : undefined);
  await writeBytes(path, options.gzip ? gzipSync(text) : Buffer.from(text));
  return path;
}

/** What `aws cloudtrail lookup-events` prints for these events. */
export function lookupEventsOutput(events: CloudTrailEvent[], nextToken?: string): unknown {
  return {
    Events: events.map((event) => ({
      EventId: event.eventID,
      EventName: event.eventName,
      ReadOnly: String(event.readOnly),
      EventTime: event.eventTime.replace('Z', '+00:00'),
      EventSource: event.eventSource,
      Username: (event.userIdentity as { userName?: string } | undefined)?.userName,
      Resources: [],
      CloudTrailEvent: JSON.stringify(event),
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export async function writeBytes(path: string, bytes: Buffer | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

/** A hand-written DuckDB query in the compiler's shape: `$n` placeholders, values in order. */
export function duckdbQuery(text: string, values: unknown[] = [], columns: string[] = []): CompiledQuery {
  const params: BoundParam[] = values.map((value, i) => ({ placeholder: `$${i + 1}`, value, source: 'literal' }));
  return { engine: 'duckdb', text, params, columns };
}

export function window(start: string, end: string): { start: Date; end: Date } {
  return { start: new Date(start), end: new Date(end) };
}
