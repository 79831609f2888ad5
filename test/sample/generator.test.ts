/**
 * The sample generator: the same options give the same bytes, files sit where CloudTrail
 * puts them and hold records shaped like CloudTrail's, the requested volume is met, and
 * every planted incident can be found in the output and run with the parameters given.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { resolveParams } from '../../src/runbook/params.js';
import { generateCloudTrail, generateTree, type GenerateOptions } from '../../src/sample/generate.js';
import { CLOUDTRAIL_KEY_PATTERN } from '../../src/sample/layout.js';
import { readManifest, type SampleManifest } from '../../src/sample/manifest.js';
import type { CloudTrailRecord } from '../../src/sample/record.js';
import { listFiles, readAllRecords } from './tree.js';

const scratch = mkdtempSync(join(tmpdir(), 'ctrb-sample-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SMALL: Omit<GenerateOptions, 'outDir'> = {
  start: '2026-03-02T00:00:00Z',
  days: 1.5,
  events: 2500,
  seed: 'test-seed',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('generateCloudTrail', () => {
  let dir: string;
  let manifest: SampleManifest;
  let files: Map<string, CloudTrailRecord[]>;
  let records: CloudTrailRecord[];

  beforeAll(async () => {
    dir = join(scratch, 'a');
    await generateCloudTrail({ ...SMALL, outDir: dir });
    manifest = await readManifest(dir);
    files = readAllRecords(dir);
    records = [...files.values()].flat();
  });

  it('writes the same bytes for the same options', async () => {
    const again = join(scratch, 'b');
    await generateCloudTrail({ ...SMALL, outDir: again });
    const names = listFiles(dir);
    expect(listFiles(again)).toEqual(names);
    for (const name of names) {
      expect(readFileSync(join(again, name)).equals(readFileSync(join(dir, name))), name).toBe(true);
    }
  });

  it('writes different traffic for a different seed', async () => {
    const keys: string[] = [];
    await generateTree({ ...SMALL, seed: 'another-seed' }, { write: async (key) => void keys.push(key), flush: async () => {} });
    const mine = listFiles(dir).filter((f) => f.endsWith('.json.gz'));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => mine.includes(k))).toEqual([]);
  });

  it('refuses to write over an earlier tree unless asked to', async () => {
    await expect(generateCloudTrail({ ...SMALL, outDir: dir })).rejects.toThrow(/already exists/);
  });

  it('lays files out as CloudTrail delivers them to S3', () => {
    const problems: string[] = [];
    for (const [name, recs] of files) {
      const m = CLOUDTRAIL_KEY_PATTERN.exec(name);
      if (!m) {
        problems.push(`${name}: not a CloudTrail object key`);
        continue;
      }
      const [, account, region, y, mo, d, stamp] = m as unknown as string[];
      if (stamp!.slice(0, 8) !== `${y}${mo}${d}`) problems.push(`${name}: folder date differs from the file's`);
      if (recs.length === 0) problems.push(`${name}: empty`);
      // A file covers the 5-15 minutes before its delivery stamp, for one account and region.
      const delivered = Date.parse(`${stamp!.slice(0, 4)}-${stamp!.slice(4, 6)}-${stamp!.slice(6, 8)}T${stamp!.slice(9, 11)}:${stamp!.slice(11, 13)}:00Z`);
      for (const r of recs) {
        const t = Date.parse(r.eventTime);
        if (r.recipientAccountId !== account || r.awsRegion !== region) problems.push(`${name}: ${r.eventID} is ${r.recipientAccountId}/${r.awsRegion}`);
        if (t >= delivered + 60_000 || t < delivered - 15 * 60_000) problems.push(`${name}: ${r.eventTime} is outside the file's period`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes records with the fields CloudTrail has and runbooks read', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    const check = (r: CloudTrailRecord, ok: boolean, what: string) => {
      if (!ok) problems.push(`${r.eventID} (${r.eventName}): ${what}`);
    };
    for (const r of records) {
      check(r, /^1\.(09|10)$/.test(r.eventVersion), 'eventVersion');
      check(r, ISO_SECOND.test(r.eventTime), 'eventTime');
      check(r, r.eventSource.endsWith('.amazonaws.com'), 'eventSource');
      check(r, /^[A-Z][A-Za-z0-9]+$/.test(r.eventName), 'eventName');
      check(r, !!r.sourceIPAddress && !!r.userAgent && !!r.requestID, 'sourceIPAddress, userAgent, requestID');
      check(r, UUID.test(r.eventID), 'eventID');
      check(r, /^\d{12}$/.test(r.recipientAccountId), 'recipientAccountId');
      check(r, ['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleSignIn'].includes(r.eventType), 'eventType');
      check(r, typeof r.readOnly === 'boolean', 'readOnly');
      check(r, r.managementEvent === (r.eventCategory === 'Management'), 'managementEvent and eventCategory');
      check(r, !!(r.userIdentity.type ?? r.userIdentity.invokedBy), 'userIdentity.type');
      if (r.userIdentity.type === 'AssumedRole') {
        check(r, /^arn:aws:sts::\d{12}:assumed-role\/[^/]+\/.+/.test(r.userIdentity.arn ?? ''), 'assumed-role arn');
        check(r, /^arn:aws:iam::\d{12}:role\//.test(r.userIdentity.sessionContext?.sessionIssuer?.arn ?? ''), 'sessionIssuer');
        check(r, /^ASIA[A-Z0-9]{16}$/.test(r.userIdentity.accessKeyId ?? ''), 'session access key');
      }
      if (r.userIdentity.type === 'IAMUser' && r.eventName !== 'ConsoleLogin') {
        check(r, /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(r.userIdentity.accessKeyId ?? ''), 'user access key');
      }
      if (r.eventCategory === 'Data') {
        check(r, r.eventSource === 's3.amazonaws.com' && !!r.resources?.some((res) => res.type === 'AWS::S3::Object'), 'S3 data event');
      }
      check(r, !ids.has(r.eventID), 'duplicate eventID');
      ids.add(r.eventID);
    }
    expect(problems).toEqual([]);
  });

  it('mixes people, workloads, services and data events, mostly reads', () => {
    const types = new Set(records.map((r) => r.userIdentity.type ?? 'service'));
    expect([...types]).toEqual(expect.arrayContaining(['IAMUser', 'AssumedRole', 'AWSService', 'AWSAccount', 'Root', 'service']));
    expect(records.some((r) => r.userIdentity.invokedBy)).toBe(true);
    expect(records.some((r) => r.eventType === 'AwsServiceEvent')).toBe(true);
    expect(records.some((r) => r.eventName === 'ConsoleLogin')).toBe(true);
    const data = records.filter((r) => r.eventCategory === 'Data').length;
    expect(data / records.length).toBeGreaterThan(0.2);
    const reads = records.filter((r) => r.readOnly).length;
    expect(reads / records.length).toBeGreaterThan(0.6);
  });

  it('writes the requested number of events, give or take a few', () => {
    expect(records.length).toBe(manifest.eventCount);
    expect(Math.abs(manifest.eventCount - SMALL.events) / SMALL.events).toBeLessThan(0.02);
    expect(manifest.fileCount).toBe(files.size);
  });

  it('describes the tree in its manifest', () => {
    expect(manifest).toMatchObject({
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-03T12:00:00.000Z',
      seed: 'test-seed',
      accounts: ['123456789012', '210987654321'],
      regions: ['us-east-1', 'eu-west-1'],
    });
    for (const r of records) {
      expect(r.eventTime >= '2026-03-02T00:00:00Z' && r.eventTime < '2026-03-03T12:00:00Z').toBe(true);
    }
  });

  it('plants incidents whose events are in the tree, in the last 24 hours', () => {
    const byId = new Map(records.map((r) => [r.eventID, r]));
    const lastDay = Date.parse(manifest.end) - 86_400_000;
    expect(manifest.incidents.length).toBeGreaterThanOrEqual(18);
    for (const incident of manifest.incidents) {
      expect(incident.eventIDs.length, incident.id).toBeGreaterThan(0);
      expect(incident.description.length).toBeGreaterThan(20);
      for (const id of incident.eventIDs) {
        const r = byId.get(id);
        expect(r, `${incident.id}: event ${id}`).toBeDefined();
        expect(Date.parse(r!.eventTime)).toBeGreaterThanOrEqual(lastDay);
      }
    }
  });

  it('plants at least one incident for every runbook, with parameters the runbook accepts', () => {
    const runbooks = listFiles(BUILTIN_RUNBOOK_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, f), 'utf8'), f));
    for (const rb of runbooks) {
      const planted = manifest.incidents.filter((i) => i.runbook === rb.id);
      expect(planted.length, `no incident for ${rb.id}`).toBeGreaterThan(0);
      for (const i of planted) expect(() => resolveParams(rb, i.params, { now: new Date(manifest.end) })).not.toThrow();
    }
  });

  it("delivers a story's events in a region the tree does not cover under that region's own folder, with nothing else there", () => {
    const elsewhere = [...files].filter(([name]) => !manifest.regions.some((region) => name.includes(`/CloudTrail/${region}/`)));
    expect(elsewhere.length).toBeGreaterThan(0);
    const planted = new Set(manifest.incidents.flatMap((i) => i.eventIDs));
    const unplanted = elsewhere.flatMap(([, recs]) => recs).filter((r) => !planted.has(r.eventID));
    expect(unplanted.map((r) => `${r.awsRegion} ${r.eventName}`)).toEqual([]);
  });

  it('stops recording an account while its trail is stopped, as CloudTrail does', () => {
    const stop = records.find((r) => r.eventName === 'StopLogging')!;
    const start = records.find((r) => r.eventName === 'StartLogging')!;
    expect(Date.parse(start.eventTime) - Date.parse(stop.eventTime)).toBeGreaterThan(30 * 60_000);
    const during = records.filter(
      (r) => r.recipientAccountId === stop.recipientAccountId && r.eventTime > stop.eventTime && r.eventTime < start.eventTime,
    );
    expect(during).toEqual([]);
  });
});

describe('background traffic', () => {
  let records: CloudTrailRecord[];

  beforeAll(async () => {
    const dir = join(scratch, 'quiet');
    await generateCloudTrail({ start: '2026-03-02T00:00:00Z', days: 2, events: 4000, seed: 'quiet', incidents: false, outDir: dir });
    records = [...readAllRecords(dir).values()].flat();
  });

  it('never looks like an incident on its own', () => {
    const people = (r: CloudTrailRecord) => !r.userIdentity.invokedBy && r.eventType !== 'AwsServiceEvent';
    expect(records.filter((r) => r.userIdentity.type === 'Root' && people(r))).toEqual([]);
    expect(records.filter((r) => r.eventName === 'ConsoleLogin' && r.userIdentity.type === 'IAMUser' && (r.additionalEventData as { MFAUsed?: string }).MFAUsed !== 'Yes')).toEqual([]);
    expect(records.filter((r) => r.eventName === 'ConsoleLogin' && !/^(203\.0\.113|198\.51\.100)\./.test(r.sourceIPAddress))).toEqual([]);
    const quiet = /^(Create(User|AccessKey|LoginProfile|PolicyVersion|Policy)|Attach|Put(User|Role|Group)Policy|UpdateAssumeRolePolicy|StopLogging|DeleteTrail|UpdateTrail|DeleteDetector|AuthorizeSecurityGroup|CreateNetworkAcl|PutBucketPolicy|PutBucketAcl|DeleteBucket|DisableKey|ScheduleKeyDeletion|PutKeyPolicy|ModifySnapshotAttribute|AddPermission)/;
    expect(records.filter((r) => quiet.test(r.eventName)).map((r) => r.eventName)).toEqual([]);
  });

  it('keeps refusals and deletions per principal and day below every runbook threshold', () => {
    const perDay = (pred: (r: CloudTrailRecord) => boolean) => {
      const counts = new Map<string, number>();
      for (const r of records.filter(pred)) {
        const key = `${r.userIdentity.arn}@${r.eventTime.slice(0, 10)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return Math.max(0, ...counts.values());
    };
    expect(perDay((r) => r.errorCode !== undefined)).toBeLessThanOrEqual(1);
    expect(perDay((r) => r.eventName.includes('Delete'))).toBeLessThanOrEqual(4);
  });

  it('reads sensitive buckets only in office hours on weekdays', () => {
    const sensitive = records.filter((r) => r.eventName === 'GetObject' && /finance|pii/.test(JSON.stringify(r.requestParameters)));
    expect(sensitive.length).toBeGreaterThan(0);
    for (const r of sensitive) {
      const t = new Date(r.eventTime);
      expect(t.getUTCDay() >= 1 && t.getUTCDay() <= 5 && t.getUTCHours() >= 8 && t.getUTCHours() < 18, r.eventTime).toBe(true);
    }
  });
});
