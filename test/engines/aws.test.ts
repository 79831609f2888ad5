/**
 * Shared AWS plumbing against the STS and Athena fakes with the real SDK clients: which role
 * a run's calls assume, with what external id and session name, and that the assumed
 * credentials (not the worker's own) sign the calls that follow.
 */
import { AthenaClient, ListWorkGroupsCommand } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialCache,
  NoRoleForAccountError,
  awsClientConfig,
  credentialsFor,
  parseRoleMap,
  roleSessionName,
  type AwsSettings,
} from '../../src/aws/index.js';
import { FakeAthena } from '../fakes/aws/athena.js';
import { FAKE_BASE_CREDENTIALS } from '../fakes/aws/http.js';
import { FakeSts } from '../fakes/aws/sts.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ctrb-query`;
const OTHER_ROLE = `arn:aws:iam::${OTHER}:role/ctrb-query`;
const EXTERNAL_ID = 'ctrb-external-7f3a';
const RUN = '0c9b6f2e-5d7a-4d7e-9a51-3b1f0e6c2d11';

let sts: FakeSts;
let athena: FakeAthena;

beforeAll(async () => {
  sts = await FakeSts.start({ [ROLE]: { externalId: EXTERNAL_ID }, [OTHER_ROLE]: { externalId: EXTERNAL_ID } });
  athena = await FakeAthena.start({ workgroupOutput: 's3://results/' });
});
afterAll(async () => {
  await Promise.all([sts.close(), athena.close()]);
});

function settings(over: Partial<AwsSettings> = {}): AwsSettings {
  return {
    region: 'eu-west-1',
    roles: { query: { template: 'arn:aws:iam::{account}:role/ctrb-query' } },
    externalId: EXTERNAL_ID,
    endpoints: { sts: sts.url, athena: athena.url },
    baseCredentials: FAKE_BASE_CREDENTIALS,
    maxAttempts: 2,
    ...over,
  };
}

describe('assuming the query role of an account', () => {
  it('asks STS for the account’s role with the external id and a session name carrying the run id', async () => {
    const before = sts.calls.length;
    const provider = credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings(), new CredentialCache());
    const credentials = await provider!();

    const call = sts.calls[before]!;
    expect(call.outcome).toBe('ok');
    expect(call.params).toMatchObject({ RoleArn: ROLE, ExternalId: EXTERNAL_ID, RoleSessionName: `ctrb-${RUN}` });
    expect(call.accessKeyId).toBe(FAKE_BASE_CREDENTIALS.accessKeyId);
    expect(credentials.accessKeyId).toBe(call.issued!.accessKeyId);
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
  });

  it('signs the next client call with the assumed credentials, and calls STS once for many calls', async () => {
    const cache = new CredentialCache();
    const before = sts.calls.length;
    const client = new AthenaClient(awsClientConfig('athena', { accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings(), { cache }));
    const second = new AthenaClient(awsClientConfig('athena', { accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings(), { cache }));
    await client.send(new ListWorkGroupsCommand({})).catch(() => undefined);
    await client.send(new ListWorkGroupsCommand({})).catch(() => undefined);
    await second.send(new ListWorkGroupsCommand({})).catch(() => undefined);

    const assumed = sts.calls.slice(before);
    expect(assumed).toHaveLength(1);
    const seen = athena.calls.slice(-3);
    expect(seen.map((c) => c.accessKeyId)).toEqual(Array(3).fill(assumed[0]!.issued!.accessKeyId));
    expect(seen.every((c) => c.region === 'eu-west-1')).toBe(true);
    client.destroy();
    second.destroy();
  });

  it('assumes again once the credentials are close to expiry', async () => {
    const cache = new CredentialCache();
    sts.lifetimeMs = 60_000; // inside the 5-minute renewal margin
    try {
      const provider = credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings(), cache)!;
      const first = await provider();
      const second = await provider();
      expect(second.accessKeyId).not.toBe(first.accessKeyId);
    } finally {
      sts.lifetimeMs = undefined;
    }
  });

  it('keeps accounts and runs apart', async () => {
    const cache = new CredentialCache();
    const a = await credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings(), cache)!();
    const b = await credentialsFor({ accountId: OTHER, runId: RUN, purpose: 'query' }, settings(), cache)!();
    const c = await credentialsFor({ accountId: ACCOUNT, runId: 'another-run', purpose: 'query' }, settings(), cache)!();
    expect(new Set([a.accessKeyId, b.accessKeyId, c.accessKeyId]).size).toBe(3);
    expect(sts.calls.at(-2)!.params.RoleArn).toBe(OTHER_ROLE);
    expect(sts.calls.at(-1)!.params.RoleSessionName).toBe('ctrb-another-run');
  });

  it('says which role refused, and asks again next time', async () => {
    const cache = new CredentialCache();
    const provider = credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings({ externalId: 'wrong-id' }), cache)!;
    await expect(provider()).rejects.toThrow(`could not assume ${ROLE}`);
    const before = sts.calls.length;
    await expect(provider()).rejects.toThrow(/not authorized/);
    expect(sts.calls.length).toBe(before + 1);
  });

  it('uses the process’s own credentials when no role is configured', async () => {
    const provider = credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, settings({ roles: {} }));
    expect((await provider!()).accessKeyId).toBe(FAKE_BASE_CREDENTIALS.accessKeyId);
  });

  it('reads the home account with the process’s own credentials when a query names no account, but never remediates that way', async () => {
    const provider = credentialsFor({ runId: RUN, purpose: 'query' }, settings());
    expect((await provider!()).accessKeyId).toBe(FAKE_BASE_CREDENTIALS.accessKeyId);
    const remediation = settings({ roles: { remediation: { template: 'arn:aws:iam::{account}:role/ctrb-remediation' } } });
    expect(() => credentialsFor({ runId: RUN, purpose: 'remediation' }, remediation)).toThrow(NoRoleForAccountError);
  });

  it('refuses an account no configured role covers', () => {
    const only = settings({ roles: { query: { byAccount: { [OTHER]: OTHER_ROLE } } } });
    expect(() => credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, only)).toThrow(NoRoleForAccountError);
    expect(() => credentialsFor({ accountId: ACCOUNT, runId: RUN, purpose: 'query' }, only)).toThrow(`no query role is configured for account ${ACCOUNT}`);
  });
});

describe('role settings as operators write them', () => {
  it('reads account=arn lists and JSON maps, and names each bad entry', () => {
    expect(parseRoleMap(`${ACCOUNT}=${ROLE}, ${OTHER}=${OTHER_ROLE}`)).toEqual({ roles: { [ACCOUNT]: ROLE, [OTHER]: OTHER_ROLE }, problems: [] });
    expect(parseRoleMap(JSON.stringify({ [ACCOUNT]: ROLE })).roles).toEqual({ [ACCOUNT]: ROLE });
    expect(parseRoleMap('12345=arn:aws:iam::12345:role/x,111122223333=not-an-arn').problems).toEqual([
      '"12345" is not an account id (12 digits)',
      'the role for 111122223333 is not a role ARN (arn:aws:iam::<account>:role/<name>)',
    ]);
  });

  it('keeps session names within what STS accepts', () => {
    expect(roleSessionName('run 1/2')).toBe('ctrb-run-1-2');
    expect(roleSessionName('x'.repeat(100))).toHaveLength(64);
  });
});
