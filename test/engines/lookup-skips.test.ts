/**
 * On a LookupEvents-only deployment, the built-in compromised-credentials runbook against the
 * CloudTrail fake: its data-event step is skipped, not failed, saying which engines could
 * answer it; the check that reads it says it was not evaluated; the run goes on to its findings
 * and containment steps and ends saying what it skipped, in the terminal, in --json and in the
 * Slack thread. A real failure of LookupEvents still fails the run.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLookupEngine, lookupLimiterKey, memoryRateLimiter } from '../../src/query/engines/lookup/index.js';
import { newRunContext } from '../../src/run/context.js';
import { engineSkipSummary } from '../../src/run/engine-skips.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import type { RunResult } from '../../src/model/run.js';
import type { Reporter } from '../../src/run/reporter.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { resolveParams } from '../../src/runbook/params.js';
import { createJsonReporter, createTerminalReporter } from '../../src/terminal/reporter.js';
import { FakeCloudTrail } from '../fakes/aws/cloudtrail.js';
import { FAKE_BASE_CREDENTIALS } from '../fakes/aws/http.js';
import { useTestRedis } from '../support/redis.js';
import { useFakeSlack, useWorkerScope } from '../support/worker.js';
import { cloudTrailEvent } from './cloudtrail-files.js';

const ACCOUNT = '123456789012';
const KEY = 'AKIALEAKEDKEY0000001';
const ATTACKER = '192.0.2.77';
const NOW = Date.now();
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const WINDOW = { start: new Date(NOW - 24 * 3600_000).toISOString(), end: new Date(NOW).toISOString() };
const DATA_ACCESS_SKIP = 'data events: LookupEvents returns management events only, and no other engine is configured here. This step can run on athena';

/** The leaked key of dave: looked around, made a backdoor user, read a report (a data event), stopped the trail. */
function story() {
  const dave = { type: 'IAMUser', principalId: 'AIDADAVE', arn: `arn:aws:iam::${ACCOUNT}:user/dave`, accountId: ACCOUNT, accessKeyId: KEY, userName: 'dave' };
  const management = (eventSource: string, eventName: string, hoursAgo: number, more: Record<string, unknown> = {}) =>
    cloudTrailEvent({ eventSource, eventName, eventTime: at(hoursAgo), userIdentity: dave, sourceIPAddress: ATTACKER, eventCategory: 'Management', managementEvent: true, readOnly: false, requestParameters: null, ...more });
  return [
    management('s3.amazonaws.com', 'ListBuckets', 5),
    management('iam.amazonaws.com', 'CreateUser', 4, { requestParameters: { userName: 'backup-svc' } }),
    cloudTrailEvent({ eventTime: at(3), userIdentity: dave, sourceIPAddress: ATTACKER, requestParameters: { bucketName: 'finance', key: 'q3.csv' } }),
    management('cloudtrail.amazonaws.com', 'StopLogging', 2, { requestParameters: { name: 'main' } }),
  ];
}

let ct: FakeCloudTrail;
beforeAll(async () => {
  ct = await FakeCloudTrail.start({ events: story() });
});
afterAll(() => ct.close());

const builtin = (id: string) => parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`);

async function runOnLookup(reporter: Reporter, maxAttempts = 3, runbook = builtin('compromised-credentials'), input: Record<string, string> = { credential: KEY }): Promise<RunResult> {
  const engine = createLookupEngine({
    client: () => new CloudTrailClient({ region: 'us-east-1', endpoint: ct.url, credentials: FAKE_BASE_CREDENTIALS, maxAttempts }),
    limiter: memoryRateLimiter(50),
    limiterKey: lookupLimiterKey(ACCOUNT, 'us-east-1'),
    maxEvents: 1000,
  });
  const { params, window } = resolveParams(runbook, { since: WINDOW.start, until: WINDOW.end, ...input }, { now: new Date(NOW) });
  const ctx = newRunContext({ runbookId: runbook.id, params, window, requestedBy: 'terminal:test', source: 'terminal' });
  return runRunbook(prepareRunbook(runbook), ctx, { engine, reporter, gates: 'plan' });
}

function both(...reporters: Reporter[]): Reporter {
  return {
    runStarted: async (ctx) => void (await Promise.all(reporters.map((r) => r.runStarted(ctx)))),
    stepFinished: async (ctx, step) => void (await Promise.all(reporters.map((r) => r.stepFinished(ctx, step)))),
    runFinished: async (result) => void (await Promise.all(reporters.map((r) => r.runFinished(result)))),
  };
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('a runbook with a data-event step, on the LookupEvents engine', () => {
  it('skips that step with the engines that could answer it, and goes on to the findings and containment', async () => {
    const terminal = collect();
    const json = collect();
    const result = await runOnLookup(both(createTerminalReporter({ out: terminal.stream, err: new PassThrough(), color: false }), createJsonReporter(json.stream)));

    expect(result.status).toBe('completed');
    const step = (id: string) => result.steps.find((s) => s.stepId === id)!;
    expect(step('data_access')).toMatchObject({ status: 'skipped', needsEngine: ['athena', 'lake', 'duckdb'] });
    expect(step('data_access').reason).toContain('LookupEvents returns management events only');
    expect(result.steps.filter((s) => s.status === 'failed')).toEqual([]);
    // The steps after it ran: findings from management events, and the containment gates.
    expect(result.findings.map((f) => f.check)).toEqual(expect.arrayContaining(['used-from-untrusted-network', 'persistence-created', 'logging-tampered']));
    expect(step('findings').warnings).toContain('data-read was not evaluated: its rows come from data_access, which was skipped (it needs Athena or CloudTrail Lake)');
    expect(step('deactivate-key')).toMatchObject({ status: 'gated', plan: { targets: [{ user_name: 'dave', access_key_id: KEY }] } });

    const out = terminal.text();
    expect(out).toContain('– Data access: objects and secrets read, directly or through those sessions [data_access]\n  skipped: LookupEvents returns management events only');
    expect(out).toContain('  warning: data-read was not evaluated');
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      'completed: 3 findings (2 critical, 1 high) · 2 remediations awaiting approval (planned only) · 1 step skipped: needs Athena or CloudTrail Lake',
    );

    const parsed = JSON.parse(json.text()) as RunResult;
    expect(parsed.status).toBe('completed');
    expect(parsed.steps.find((s) => s.stepId === 'data_access')).toMatchObject({ status: 'skipped', needsEngine: ['athena', 'lake', 'duckdb'] });
  });

  it('skips the steps that read a skipped step\'s rows with it, saying so, and counts them in the summary', async () => {
    const result = await runOnLookup({ runStarted() {}, stepFinished() {}, runFinished() {} }, 3, builtin('s3-deletions'), {});
    expect(result.status).toBe('completed');
    const skipped = Object.fromEntries(result.steps.filter((s) => s.needsEngine).map((s) => [s.stepId, s.reason]));
    expect(Object.keys(skipped)).toEqual(['deletions', 'callers', 'customer_key_writes', 'deletion_calls', 'verify-access', 'top_role_deleter', 'revoke-sessions']);
    expect(skipped['verify-access']).toBe('it reads the rows of deletion_calls, which was skipped: that step needs Athena or CloudTrail Lake');
    expect(skipped['revoke-sessions']).toBe('it reads the rows of top_role_deleter, which was skipped: that step needs Athena or CloudTrail Lake');
    // bucket_level asks for management events: LookupEvents answered it.
    expect(result.steps.find((s) => s.stepId === 'bucket_level')!.status).toBe('ok');
    expect(engineSkipSummary(result.steps)).toBe('7 steps skipped: need Athena or CloudTrail Lake');
  });

  it('fails the run, not a step, on a window older than LookupEvents keeps: every step would be skipped', async () => {
    const old = new Date(NOW - 120 * 24 * 3600_000).toISOString();
    const result = await runOnLookup({ runStarted() {}, stepFinished() {}, runFinished() {} }, 3, builtin('compromised-credentials'), { credential: KEY, since: old });
    expect(result.status).toBe('failed');
    expect(result.steps.at(-1)).toMatchObject({ stepId: 'identity', status: 'failed' });
    expect(result.steps.at(-1)!.reason).toMatch(/^LookupEvents only sees the last 90 days/);
  });

  it('still fails the run on a real LookupEvents failure', async () => {
    ct.throttle('LookupEvents', 10, 'AccessDeniedException');
    try {
      const result = await runOnLookup({ runStarted() {}, stepFinished() {}, runFinished() {} }, 1);
      expect(result.status).toBe('failed');
      expect(result.steps.at(-1)).toMatchObject({ stepId: 'identity', status: 'failed' });
      expect(result.steps.some((s) => s.status === 'skipped')).toBe(false);
    } finally {
      ct.throttle('LookupEvents', 0);
    }
  });
});

const redis = useTestRedis();
const slack = useFakeSlack();
const scope = useWorkerScope(redis, slack, { dir: BUILTIN_RUNBOOK_DIR });

describe('a worker on CTRB_ENGINE=lookup', () => {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    // The SDK's own configuration, as in a deployment: the worker's identity and, here, the endpoint.
    const env = { AWS_ENDPOINT_URL_CLOUDTRAIL: ct.url, AWS_ACCESS_KEY_ID: FAKE_BASE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_BASE_CREDENTIALS.secretAccessKey };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('posts the data-event step as skipped with the engines that could answer it, and the run reaches its containment gate', async () => {
    const w = scope();
    await w.start({ CTRB_ENGINE: 'lookup', AWS_REGION: 'us-east-1' });
    const runId = await w.enqueue('compromised-credentials', { params: { credential: KEY }, window: WINDOW });
    await w.waitForStatus(runId, 'waiting_approval', 30_000);

    const { parent, replies } = await w.thread(runId);
    const reply = (title: string) => replies.find((m) => m.text?.includes(title));
    const skipped = reply('Data access');
    expect(skipped!.text).toContain('skipped (needs Athena or CloudTrail Lake)');
    expect(JSON.stringify(skipped!.blocks)).toContain(`Skipped (needs Athena or CloudTrail Lake): ${DATA_ACCESS_SKIP}`);
    expect(JSON.stringify(reply('Scope of the compromise')!.blocks)).toContain('⚠️ data-read was not evaluated');
    expect(reply('Deactivate the compromised access key')!.text).toContain('remediation proposed');
    expect(JSON.stringify(parent.blocks)).toContain('⏭️ 1 step skipped: needs Athena or CloudTrail Lake');
  });
});
