/**
 * "Was the caller allowed to?": the verify_access step asking the IAM fake's policy simulator
 * through the real IAMClient, and, without AWS access, listing the calls it would make.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueryEngine } from '../../src/query/engine.js';
import type { Row } from '../../src/model/query.js';
import { newRunContext } from '../../src/run/context.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import type { RunResult, StepResult } from '../../src/model/run.js';
import type { Reporter } from '../../src/run/reporter.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { createTerminalReporter } from '../../src/terminal/reporter.js';
import { iamActionOf, principalToSimulate, SIMULATOR_BLIND_SPOTS, type AccessSimulator } from '../../src/verify/index.js';
import { FakeIam } from '../fakes/aws/iam.js';

const ACCOUNT = '111122223333';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/DataPipelineRole/botocore-session-1793671510`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/DataPipelineRole`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

const RUNBOOK = `
id: who-deleted
title: Who deleted, and were they allowed to
summary: A query and a verify_access step over its rows.
severity: high
references: [T1485]
steps:
  - id: calls
    title: Deletions
    query:
      where: { eventSource: s3.amazonaws.com }
      select: [userIdentity.arn as principal, eventName, requestParameters.bucketName as bucket, sourceIPAddress as ip]
  - id: allowed
    title: Was the caller allowed to?
    verify_access:
      for_each: calls
      principal: row.principal
      action: '"s3:" + row.eventName'
      resource: '"arn:aws:s3:::" + row.bucket'
      context:
        "aws:SourceIp": row.ip
  - id: after
    note: Read the bucket policy too.
`;

/** An engine that answers every query with the given rows. */
function cannedEngine(rows: Row[]): QueryEngine {
  return {
    name: 'duckdb',
    async open() {
      return {
        async run() {
          return { columns: Object.keys(rows[0] ?? {}), rows, stats: { elapsedMs: 1 } };
        },
        async close() {},
      };
    },
  };
}

const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };

async function run(rows: Row[], access?: AccessSimulator, reporter: Reporter = silent): Promise<{ result: RunResult; step: StepResult }> {
  const prepared = prepareRunbook(parseRunbook(RUNBOOK, 'who-deleted.yaml'));
  const ctx = newRunContext({
    runbookId: 'who-deleted',
    params: {},
    window: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z') },
    requestedBy: 'terminal:test',
    source: 'terminal',
  });
  const result = await runRunbook(prepared, ctx, { engine: cannedEngine(rows), reporter, gates: 'plan', ...(access ? { access } : {}) });
  return { result, step: result.steps.find((s) => s.stepId === 'allowed')! };
}

let iam: FakeIam;
let simulator: AccessSimulator & { accounts: Array<string | undefined> };
beforeAll(async () => {
  iam = await FakeIam.start();
});
afterAll(async () => {
  await iam.close();
});
beforeEach(() => {
  iam.reset({ users: [{ name: 'alice' }], roles: [{ name: 'DataPipelineRole' }] });
  const accounts: Array<string | undefined> = [];
  simulator = {
    accounts,
    iamFor: (accountId) => {
      accounts.push(accountId);
      return iam.client();
    },
  };
});

const deletion = (principal: string, eventName: string, ip = '192.0.2.77'): Row => ({ principal, eventName, bucket: 'acme-prod-backups', ip });

describe('verify_access with AWS access', () => {
  it('answers allowed, with the statement that allowed it', async () => {
    iam.simulate.answer({
      policySourceArn: ALICE,
      decision: 'allowed',
      matchedStatements: [{ sourcePolicyId: 'backups-admin', sourcePolicyType: 'user', start: { line: 4, column: 5 }, end: { line: 11, column: 6 } }],
    });
    const { step } = await run([deletion(ALICE, 'DeleteBucket')], simulator);
    expect(step.status).toBe('ok');
    expect(step.access!.answers).toEqual([
      {
        principal: ALICE,
        callers: 1,
        simulated: ALICE,
        action: 's3:DeleteBucket',
        resource: 'arn:aws:s3:::acme-prod-backups',
        context: [{ key: 'aws:SourceIp', type: 'ip', value: '192.0.2.77' }],
        decision: 'allowed',
        statements: [{ policyId: 'backups-admin', policyType: 'user', start: { line: 4, column: 5 }, end: { line: 11, column: 6 } }],
        missingContext: [],
        rows: 1,
      },
    ]);
    // An IAM user is the simulated caller as well as the policy source.
    expect(iam.calls[0]!.params).toMatchObject({
      PolicySourceArn: ALICE,
      CallerArn: ALICE,
      ActionNames: ['s3:DeleteBucket'],
      ResourceArns: ['arn:aws:s3:::acme-prod-backups'],
      ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['192.0.2.77'], ContextKeyType: 'ip' }],
    });
    expect(simulator.accounts).toEqual([ACCOUNT]);
  });

  it('answers explicitly denied by the denying statement, and implicitly denied with no statement', async () => {
    iam.simulate.answer({ policySourceArn: ROLE, action: 's3:DeleteBucket', decision: 'explicitDeny', matchedStatements: [{ sourcePolicyId: 'protect-backups', sourcePolicyType: 'role', start: { line: 12, column: 9 } }] });
    const { step } = await run([deletion(SESSION, 'DeleteBucket'), deletion(SESSION, 'DeleteBucketPolicy')], simulator);
    const [deleteBucket, deletePolicy] = step.access!.answers;
    expect(deleteBucket).toMatchObject({ decision: 'explicitDeny', statements: [{ policyId: 'protect-backups', policyType: 'role', start: { line: 12, column: 9 } }] });
    expect(deletePolicy).toMatchObject({ action: 's3:DeleteBucketPolicy', decision: 'implicitDeny', statements: [] });
  });

  it('simulates an assumed-role session as its role, which keeps its path when the issuer is known', async () => {
    iam.simulate.answer({ policySourceArn: ROLE, decision: 'allowed' });
    const { step } = await run([deletion(SESSION, 'DeleteObjects'), deletion(`${SESSION.slice(0, -4)}9999`, 'DeleteObjects')], simulator);
    const [answer] = step.access!.answers;
    // Two sessions of the role ask one question; DeleteObjects needs s3:DeleteObject.
    expect(step.access!.answers).toHaveLength(1);
    expect(answer).toMatchObject({ principal: SESSION, simulated: ROLE, action: 's3:DeleteObject', decision: 'allowed', callers: 2, rows: 2 });
    expect(iam.calls[0]!.params.PolicySourceArn).toBe(ROLE);
    expect(iam.calls[0]!.params.CallerArn).toBeUndefined();

    expect(principalToSimulate(SESSION, `arn:aws:iam::${ACCOUNT}:role/pipelines/DataPipelineRole`).policySourceArn).toBe(`arn:aws:iam::${ACCOUNT}:role/pipelines/DataPipelineRole`);
    // An issuer that is another role is not trusted over the session's own name.
    expect(principalToSimulate(SESSION, `arn:aws:iam::${ACCOUNT}:role/Other`).policySourceArn).toBe(ROLE);
  });

  it('lists the context keys the policies needed but the request did not have', async () => {
    iam.simulate.answer({ policySourceArn: ALICE, decision: 'implicitDeny', conditionKeys: ['aws:SourceIp', 'aws:MultiFactorAuthPresent'] });
    const { step } = await run([deletion(ALICE, 'DeleteBucket'), deletion(ALICE, 'DeleteBucketPolicy', 's3.amazonaws.com')], simulator);
    const [withIp, withoutIp] = step.access!.answers;
    expect(withIp!.missingContext).toEqual(['aws:MultiFactorAuthPresent']);
    // A service name in sourceIPAddress is not passed as aws:SourceIp, and the step says so.
    expect(withoutIp!.context).toEqual([]);
    expect(withoutIp!.missingContext).toEqual(['aws:SourceIp', 'aws:MultiFactorAuthPresent']);
    expect(step.warnings).toContain('aws:SourceIp "s3.amazonaws.com" is not an IP address, so it was not passed');
  });

  it('states the simulator\'s blind spots with every result', async () => {
    const { step } = await run([deletion(ALICE, 'DeleteBucket')], simulator);
    expect(step.access!.blindSpots).toEqual(SIMULATOR_BLIND_SPOTS);
    const text = step.access!.blindSpots.join('\n');
    for (const spot of ['global condition keys', 'Resource-based policies', 'permission boundary', 'missing', 'as they are now']) expect(text).toContain(spot);
  });

  it('does not ask about callers the simulator cannot simulate, and says why', async () => {
    const { step } = await run([deletion(`arn:aws:iam::${ACCOUNT}:root`, 'DeleteBucket'), deletion('s3.amazonaws.com', 'DeleteObject')], simulator);
    expect(iam.calls).toEqual([]);
    expect(step.access!.answers.map((a) => [a.decision, a.note])).toEqual([
      ['not-simulated', expect.stringMatching(/^the root user is not simulated/)],
      ['not-simulated', 's3.amazonaws.com is an AWS service acting on its own behalf, which the simulator cannot simulate'],
    ]);
  });

  it('retries throttling; an error IAM keeps answering is reported in the answer and does not fail the run', async () => {
    iam.simulate.answer({ policySourceArn: ALICE, decision: 'allowed' });
    iam.throttle('SimulatePrincipalPolicy', 1);
    const throttled = await run([deletion(ALICE, 'DeleteBucket')], simulator);
    expect(throttled.step.access!.answers[0]!.decision).toBe('allowed');

    iam.fail('SimulatePrincipalPolicy', 'AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy', 403, 5);
    const { result, step } = await run([deletion(ALICE, 'DeleteBucket')], simulator);
    expect(step.status).toBe('skipped');
    expect(step.reason).toBe('IAM could not answer: iam:SimulatePrincipalPolicy failed: AccessDenied: not authorized to perform: iam:SimulatePrincipalPolicy');
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => s.stepId)).toContain('after');
  });
});

describe('verify_access without AWS access (the terminal)', () => {
  it('lists the exact calls it would make, says it needs AWS access, and the run completes', async () => {
    let printed = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      },
    });
    const { result, step } = await run([deletion(SESSION, 'DeleteBucket')], undefined, createTerminalReporter({ out, err: out, color: false }));
    expect(result.status).toBe('completed');
    expect(step.status).toBe('skipped');
    expect(step.access!.mode).toBe('planned');
    expect(step.access!.calls).toEqual([
      {
        service: 'iam',
        operation: 'SimulatePrincipalPolicy',
        params: {
          PolicySourceArn: ROLE,
          ActionNames: ['s3:DeleteBucket'],
          ResourceArns: ['arn:aws:s3:::acme-prod-backups'],
          ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['192.0.2.77'], ContextKeyType: 'ip' }],
        },
      },
    ]);
    expect(printed).toContain('skipped: needs AWS access (iam:SimulatePrincipalPolicy with the query role)');
    expect(printed).toContain(`iam:SimulatePrincipalPolicy {"PolicySourceArn":"${ROLE}","ActionNames":["s3:DeleteBucket"]`);
    expect(printed).toContain('what the simulator does not see:');
    expect(printed).toContain('Read the bucket policy too.');
  });
});

describe('the runbook step', () => {
  it('is checked when the runbook is prepared: CEL that does not compile and a for_each that is not an earlier query', () => {
    const bad = RUNBOOK.replace('principal: row.principal', 'principal: row.principal +').replace('for_each: calls', 'for_each: after');
    expect(() => prepareRunbook(parseRunbook(bad, 'bad.yaml'))).toThrow(/steps\[1\]\.verify_access\.principal[\s\S]*"after" is not an earlier query step/);
  });

  it.each([
    ['s3:DeleteBucket', 's3:DeleteBucket'],
    ['s3:DeleteObjects', 's3:DeleteObject'],
    ['s3:DeleteBucketLifecycle', 's3:PutLifecycleConfiguration'],
    ['s3.amazonaws.com:DeleteBucketCors', 's3:PutBucketCORS'],
    ['iam.amazonaws.com:CreateAccessKey', 'iam:CreateAccessKey'],
    ['monitoring.amazonaws.com:DeleteAlarms', 'cloudwatch:DeleteAlarms'],
  ])('turns %s into the permission %s', (event, action) => {
    expect(iamActionOf(event)).toBe(action);
  });
});
