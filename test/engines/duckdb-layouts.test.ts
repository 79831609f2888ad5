import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../src/query/engine.js';
import {
  cloudTrailEvent,
  lookupEventsOutput,
  makeLogsDir,
  removeDir,
  window,
  writeJsonFile,
  writeS3Logs,
} from './cloudtrail-files.js';
import { openDuckDb } from './open-duckdb.js';

const MAY_1 = window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z');

let logs: string;
let session: EngineSession | undefined;

beforeEach(async () => {
  logs = await makeLogsDir();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await removeDir(logs);
});

describe('duckdb engine: where the logs come from', () => {
  it('reads gzipped CloudTrail files in the S3 layout, across accounts and regions', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'ConsoleLogin' }), cloudTrailEvent()], { region: 'us-east-1' });
    await writeS3Logs(logs, [cloudTrailEvent({ awsRegion: 'eu-west-1' })], { account: '210987654321', region: 'eu-west-1' });

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "awsRegion", count(*) AS n FROM events GROUP BY 1 ORDER BY 1')).toEqual([
      { awsRegion: 'eu-west-1', n: 1 },
      { awsRegion: 'us-east-1', n: 2 },
    ]);
    expect(opened.warnings).toEqual([]);
    expect(opened.progress.at(-1)).toEqual({ filesRead: 2, filesTotal: 2, eventsRead: 3 });
  });

  it('fills every column: typed times, the userIdentity struct, payloads as JSON', async () => {
    await writeS3Logs(logs, [
      cloudTrailEvent({
        eventName: 'AssumeRole',
        eventTime: '2024-05-01T08:30:05Z',
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/Admin/bob',
          sessionContext: {
            attributes: { mfaAuthenticated: 'true', creationDate: '2024-05-01T08:00:00Z' },
            sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/Admin', userName: 'Admin' },
          },
        },
        requestParameters: { roleArn: 'arn:aws:iam::123456789012:role/Deploy', durationSeconds: 3600 },
        readOnly: false,
      }),
    ]);
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    const [row] = await opened.rows(`
      SELECT "eventTime" + INTERVAL 1 HOUR AS later,
             "userIdentity"."sessionContext"."sessionIssuer"."arn" AS issuer,
             "userIdentity"."sessionContext"."attributes"."mfaAuthenticated" AS mfa,
             "requestParameters"->>'$.roleArn' AS role,
             ("requestParameters"->>'$.durationSeconds')::INTEGER AS seconds,
             "readOnly", "responseElements"
      FROM events`);
    expect(row).toEqual({
      later: '2024-05-01T09:30:05Z',
      issuer: 'arn:aws:iam::123456789012:role/Admin',
      mfa: 'true',
      role: 'arn:aws:iam::123456789012:role/Deploy',
      seconds: 3600,
      readOnly: false,
      responseElements: null,
    });
  });

  it('reads an organization trail: AWSLogs/<org>/<account>/CloudTrail/...', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ recipientAccountId: '111122223333' })], {
      organizationId: 'o-a1b2c3d4e5',
      account: '111122223333',
    });
    await writeS3Logs(logs, [cloudTrailEvent({ recipientAccountId: '444455556666' })], {
      organizationId: 'o-a1b2c3d4e5',
      account: '444455556666',
    });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    const rows = await opened.rows('SELECT "recipientAccountId" AS account FROM events ORDER BY 1');
    expect(rows).toEqual([{ account: '111122223333' }, { account: '444455556666' }]);
  });

  it('accepts a logs path inside the tree, such as one region', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ awsRegion: 'us-east-1' })], { region: 'us-east-1' });
    await writeS3Logs(logs, [cloudTrailEvent({ awsRegion: 'eu-west-1' })], { region: 'eu-west-1' });
    const opened = await openDuckDb(join(logs, 'AWSLogs', '123456789012', 'CloudTrail', 'eu-west-1'), MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "awsRegion" FROM events')).toEqual([{ awsRegion: 'eu-west-1' }]);
  });

  it('leaves out digest and Insights folders, which hold no API events', async () => {
    await writeS3Logs(logs, [cloudTrailEvent()]);
    const digest = join(logs, 'AWSLogs', '123456789012', 'CloudTrail-Digest', 'us-east-1', '2024', '05', '01', 'd.json.gz');
    await writeJsonFile(digest, { awsAccountId: '123456789012', digestStartTime: '2024-05-01T00:00:00Z' }, { gzip: true });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(opened.warnings).toEqual([]);
    expect(opened.progress.at(-1)?.filesTotal).toBe(1);
  });

  it('leaves out hidden files and folders, such as a generated tree\'s .manifest.json', async () => {
    await writeS3Logs(logs, [cloudTrailEvent()]);
    await writeJsonFile(join(logs, '.manifest.json'), { seed: 1, incidents: [] });
    await writeJsonFile(join(logs, '.trash', 'old.json'), { Records: [cloudTrailEvent()] });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(opened.warnings).toEqual([]);
    expect(opened.progress.at(-1)?.filesTotal).toBe(1);
  });

  it('reads pretty-printed plain .json anywhere, with strings that look like JSON structure', async () => {
    const tricky = [
      'a "quoted" },{ value',
      'back\\slash at the end\\',
      'line\nbreak and\ttab',
      'unicode: é 日本 🦆',
      '[{"Records":[]}]',
    ];
    await writeJsonFile(
      join(logs, 'exports', 'incident-42.json'),
      { Records: tricky.map((userAgent) => cloudTrailEvent({ userAgent })) },
      { pretty: true },
    );
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    const rows = await opened.rows('SELECT "userAgent" FROM events ORDER BY "eventID"');
    expect(rows.map((r) => r.userAgent)).toEqual(tricky);
  });

  it('finds the top-level event array whatever the member order, ignoring nested look-alikes', async () => {
    const decoy = { Records: [cloudTrailEvent({ eventName: 'Decoy' })] };
    await writeJsonFile(join(logs, 'export.json'), {
      exportedBy: 'incident-tool',
      meta: decoy,
      Records: [cloudTrailEvent({ eventName: 'Real' })],
    });
    await writeJsonFile(join(logs, 'lookup.json'), {
      NextToken: 'abc',
      Events: [{ EventId: 'x', CloudTrailEvent: JSON.stringify(cloudTrailEvent({ eventName: 'FromLookup', meta: decoy })) }],
    });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    const rows = await opened.rows('SELECT "eventName" FROM events ORDER BY 1');
    expect(rows).toEqual([{ eventName: 'FromLookup' }, { eventName: 'Real' }]);
  });

  it('reads `aws cloudtrail lookup-events` output, plain and gzipped, into the same columns', async () => {
    const login = cloudTrailEvent({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' },
      additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com' },
      eventTime: '2024-05-01T03:04:05Z',
    });
    await writeJsonFile(join(logs, 'lookup-page-1.json'), lookupEventsOutput([login], 'token-2'));
    await writeJsonFile(join(logs, 'lookup-page-2.json.gz'), lookupEventsOutput([cloudTrailEvent()]), { gzip: true });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    const rows = await opened.rows(`
      SELECT "eventTime", "userIdentity"."type" AS who, "additionalEventData"->>'$.MFAUsed' AS mfa
      FROM events WHERE "eventName" = 'ConsoleLogin'`);
    expect(rows).toEqual([{ eventTime: '2024-05-01T03:04:05Z', who: 'Root', mfa: 'No' }]);
    expect(await opened.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
    expect(opened.warnings).toEqual([]);
  });
});

describe('duckdb engine: files of any size and compression', () => {
  it('tells gzip by content, not by name: a gzipped .json and a plain .json.gz', async () => {
    await writeJsonFile(join(logs, 'zipped.json'), { Records: [cloudTrailEvent({ eventName: 'Zipped' })] }, { gzip: true });
    await writeJsonFile(join(logs, 'plain.json.gz'), { Records: [cloudTrailEvent({ eventName: 'Plain' })] });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "eventName" FROM events ORDER BY 1')).toEqual([{ eventName: 'Plain' }, { eventName: 'Zipped' }]);
    expect(opened.warnings).toEqual([]);
  });

  it('reads a log file bigger than DuckDB reads in one piece by default (16 MB of JSON)', async () => {
    const padding = 'x'.repeat(2000);
    const events = Array.from({ length: 9000 }, (_, i) => cloudTrailEvent({ eventName: `Call${i % 3}`, userAgent: padding }));
    const [big] = await writeS3Logs(logs, events);
    const opened = await openDuckDb(logs, MAY_1, { columns: new Set(['eventName']) });
    session = opened.session;

    expect(gunzipSync(readFileSync(big!)).length).toBeGreaterThan(16 * 1024 * 1024);
    expect(await opened.rows('SELECT "eventName", count(*) AS n FROM events GROUP BY 1 ORDER BY 1')).toEqual([
      { eventName: 'Call0', n: 3000 },
      { eventName: 'Call1', n: 3000 },
      { eventName: 'Call2', n: 3000 },
    ]);
    expect(opened.warnings).toEqual([]);
  });
});

describe('duckdb engine: the time window', () => {
  it('keeps only events with start <= eventTime < end', async () => {
    const times = ['2024-05-01T09:59:59Z', '2024-05-01T10:00:00Z', '2024-05-01T10:59:59Z', '2024-05-01T11:00:00Z'];
    await writeS3Logs(logs, times.map((eventTime) => cloudTrailEvent({ eventTime })));
    const opened = await openDuckDb(logs, window('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z'));
    session = opened.session;

    expect(await opened.rows('SELECT "eventTime" FROM events ORDER BY 1')).toEqual([
      { eventTime: '2024-05-01T10:00:00Z' },
      { eventTime: '2024-05-01T10:59:59Z' },
    ]);
    expect((await opened.session.run({ engine: 'duckdb', text: 'SELECT 1 AS x', params: [], columns: ['x'] })).stats.eventsScanned).toBe(2);
  });

  it('does not open files in date folders far from the window', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventTime: '2024-05-01T12:00:00Z' })]);
    await writeS3Logs(logs, [cloudTrailEvent({ eventTime: '2024-04-20T12:00:00Z' })]);
    // A damaged file three days later: were it opened, it would be reported.
    const far = join(logs, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2024', '05', '04', 'x.json.gz');
    await writeJsonFile(far, 'not even JSON');

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(opened.progress.at(-1)).toEqual({ filesRead: 1, filesTotal: 1, eventsRead: 1 });
    expect(opened.warnings).toEqual([]);
  });

  it('still reads the next day’s folder, where late deliveries of the window’s events land', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventTime: '2024-05-01T23:58:00Z' })], { deliveredOn: '2024-05-02' });
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "eventTime" FROM events')).toEqual([{ eventTime: '2024-05-01T23:58:00Z' }]);
  });

  it('says so when files exist but none is dated near the window', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventTime: '2024-01-01T12:00:00Z' })]);
    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    expect(opened.warnings).toEqual([expect.stringContaining('none of the 1 CloudTrail files')]);
  });
});
