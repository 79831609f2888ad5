/**
 * The AWS fakes are as strict as the services they stand for, through the real SDK clients:
 * Athena and CloudTrail Lake refuse statements Trino cannot parse and answer what the
 * statement asks for; CloudTrail refuses a NextToken sent with other parameters; IAM keeps
 * each account's principals apart.
 */
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, DescribeQueryCommand, GetQueryResultsCommand as GetLakeResultsCommand, LookupEventsCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAthena } from './aws/athena.js';
import { FakeCloudTrail } from './aws/cloudtrail.js';
import { FAKE_BASE_CREDENTIALS } from './aws/http.js';
import { FakeIam } from './aws/iam.js';
import { FakeSts } from './aws/sts.js';

const OUTPUT = { ResultConfiguration: { OutputLocation: 's3://results/' } };

describe('the Athena fake', () => {
  let athena: FakeAthena;
  let client: AthenaClient;
  beforeAll(async () => {
    athena = await FakeAthena.start();
    client = new AthenaClient({ region: 'us-east-1', endpoint: athena.url, credentials: FAKE_BASE_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(() => athena.close());

  const start = (QueryString: string, ExecutionParameters?: string[]) =>
    client.send(new StartQueryExecutionCommand({ QueryString, ...(ExecutionParameters ? { ExecutionParameters } : {}), ...OUTPUT }));

  async function finish(id: string) {
    for (;;) {
      const state = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!.Status!;
      if (state.State !== 'QUEUED' && state.State !== 'RUNNING') return state;
    }
  }

  it('refuses a statement Trino cannot parse, with the place of the error', async () => {
    await expect(start("SELECT eventname FROM t WHERE eventname = ? AND", ["'x'"])).rejects.toThrow(/^line 1:\d+: /);
    await expect(start('SELECT 1; SELECT 2')).rejects.toThrow('expected exactly one statement, found 2');
  });

  it('refuses a count of ExecutionParameters other than the number of ?', async () => {
    await expect(start('SELECT eventname FROM t WHERE eventname = ? AND eventsource = ?', ["'x'"])).rejects.toThrow(
      'The query has 2 parameters but 1 ExecutionParameters were provided',
    );
  });

  it("answers the statement's own columns, at most its LIMIT rows", async () => {
    athena.willAnswer({ rows: [['a', '1'], ['b', '2'], ['c', '3']] });
    const { QueryExecutionId } = await start('SELECT "eventname" AS "eventName", count(*) AS "n" FROM "t" GROUP BY 1 LIMIT 2');
    expect((await finish(QueryExecutionId!)).State).toBe('SUCCEEDED');
    const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId }));
    expect(results.ResultSet!.ResultSetMetadata!.ColumnInfo!.map((c) => c.Name)).toEqual(['eventName', 'n']);
    expect(results.ResultSet!.Rows!.map((r) => r.Data!.map((d) => d.VarCharValue))).toEqual([['eventName', 'n'], ['a', '1'], ['b', '2']]);
  });

  it('fails the query when a test answers columns the statement does not return', async () => {
    athena.willAnswer({ columns: [{ name: 'principal', type: 'varchar' }], rows: [['x']] });
    const { QueryExecutionId } = await start('SELECT "eventname" AS "eventName" FROM "t"');
    const status = await finish(QueryExecutionId!);
    expect(status.State).toBe('FAILED');
    expect(status.StateChangeReason).toBe('COLUMN_NOT_FOUND: the test answered columns principal, the statement returns eventName');
  });
});

describe('the CloudTrail fake', () => {
  let ct: FakeCloudTrail;
  let client: CloudTrailClient;
  const events = Array.from({ length: 5 }, (_, i) => ({
    eventID: `e-${i}`,
    eventTime: `2026-11-02T03:0${i}:00Z`,
    eventName: i % 2 ? 'ConsoleLogin' : 'GetObject',
    eventSource: 'signin.amazonaws.com',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  }));
  beforeAll(async () => {
    ct = await FakeCloudTrail.start({ events, pageSize: 2 });
    client = new CloudTrailClient({ region: 'us-east-1', endpoint: ct.url, credentials: FAKE_BASE_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(() => ct.close());

  it('refuses a NextToken sent with another attribute or time range, and follows it with the same ones', async () => {
    const request = { StartTime: new Date('2026-11-02T00:00:00Z'), EndTime: new Date('2026-11-03T00:00:00Z') };
    const first = await client.send(new LookupEventsCommand(request));
    expect(first.NextToken).toBeDefined();
    await expect(
      client.send(new LookupEventsCommand({ ...request, NextToken: first.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] })),
    ).rejects.toThrow('Invalid NextToken: it was issued for a request with different parameters');
    await expect(client.send(new LookupEventsCommand({ ...request, StartTime: new Date('2026-11-01T00:00:00Z'), NextToken: first.NextToken }))).rejects.toThrow(
      /Invalid NextToken/,
    );
    const second = await client.send(new LookupEventsCommand({ ...request, NextToken: first.NextToken }));
    expect(second.Events!.map((e) => e.EventId)).toEqual(['e-2', 'e-1']);
  });

  it('refuses a Lake statement Trino cannot parse, and answers at most its LIMIT rows', async () => {
    await expect(client.send(new StartQueryCommand({ QueryStatement: 'SELECT eventID FROM EXAMPLE-eds WHERE' }))).rejects.toThrow(/^line 1:\d+: /);
    ct.lake.willAnswer({ rows: [['e-1'], ['e-2'], ['e-3']] });
    const { QueryId } = await client.send(new StartQueryCommand({ QueryStatement: 'SELECT eventID AS "eventID" FROM EXAMPLE-f852-eds LIMIT 1' }));
    while ((await client.send(new DescribeQueryCommand({ QueryId }))).QueryStatus !== 'FINISHED');
    const results = await client.send(new GetLakeResultsCommand({ QueryId }));
    expect(results.QueryResultRows).toEqual([[{ eventID: 'e-1' }]]);
  });
});

describe('the IAM fake', () => {
  const A = '444455556666';
  const B = '777788889999';
  const KEY = 'AKIAIOSFODNN7EXAMPLE';
  let iam: FakeIam;
  let sts: FakeSts;
  beforeAll(async () => {
    iam = await FakeIam.start({ accounts: [A, B], users: [{ name: 'alice', accessKeys: [{ id: KEY }] }] });
    sts = await FakeSts.start({ [`arn:aws:iam::${A}:role/r`]: {}, [`arn:aws:iam::${B}:role/r`]: {} });
    iam.identifyWith(sts);
  });
  afterAll(async () => {
    await Promise.all([iam.close(), sts.close()]);
  });

  async function clientIn(account: string): Promise<IAMClient> {
    const stsClient = new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: FAKE_BASE_CREDENTIALS });
    const out = await stsClient.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/r`, RoleSessionName: 'test' }));
    const c = out.Credentials!;
    return new IAMClient({ region: 'us-east-1', endpoint: iam.url, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
  }

  it("keeps each account's IAM apart: a change in one is not seen in the other", async () => {
    const inA = await clientIn(A);
    const inB = await clientIn(B);
    await inA.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: KEY, Status: 'Inactive' }));
    expect(iam.stateOf(A).accessKey('alice', KEY).status).toBe('Inactive');
    expect(iam.stateOf(B).accessKey('alice', KEY).status).toBe('Active');
    const seenInB = await inB.send(new ListAccessKeysCommand({ UserName: 'alice' }));
    expect(seenInB.AccessKeyMetadata!.map((k) => k.Status)).toEqual(['Active']);
    expect(iam.calls.map((c) => [c.action, c.account])).toEqual([
      ['UpdateAccessKey', A],
      ['ListAccessKeys', B],
    ]);
  });
});
