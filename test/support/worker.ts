/**
 * What the worker tests share: small runbooks written to a temp dir, a worker configuration
 * pointing at the test Redis (under a fresh key prefix per test) and the fake Slack API, an
 * in-process worker, the queue producers, and readers for what ended up in Slack.
 *
 * ```ts
 * const redis = useTestRedis();
 * const slack = useFakeSlack();
 * const scope = useWorkerScope(redis, slack);     // a fresh prefix per test; closes what it opened
 *
 * it('...', async () => {
 *   const w = scope();
 *   await w.start();
 *   const runId = await w.enqueue('quick-look');
 *   await w.waitForStatus(runId, 'completed');
 * });
 * ```
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ApprovalStore } from '../../src/approval/store.js';
import { loadConfig, type Config } from '../../src/config.js';
import { enqueueRun, createQueues, type RunQueues } from '../../src/queue/producers.js';
import { sampleLogsWithDamagedFile } from './damaged-sample.js';
import type { RunJobData } from '../../src/queue/jobs.js';
import type { RunRecord } from '../../src/model/run.js';
import { RedisRunStore } from '../../src/run/redis-store.js';
import { startWorker, type RunningWorker, type WorkerDeps } from '../../src/worker/start.js';
import { FAKE_BOT_TOKEN, FakeSlackApi, type StoredMessage } from '../fakes/slack-api.js';
import type { TestRedis } from './redis.js';

/** The bundled sample's two days: every test run looks at all of it. */
export const SAMPLE_WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' };
export const APPROVER = 'U0APPROVER';
export const REQUESTER = 'U0RESPONDER';
export const CHANNEL = 'C0INCIDENTS';

const QUICK_LOOK = `
id: quick-look
title: Quick look at console sign-ins
summary: Console sign-ins and recent IAM calls, for the worker tests.
severity: medium
window: { default: 48h }
steps:
  - id: logins
    title: Console sign-ins
    query:
      where: { eventName: ConsoleLogin }
      select: [eventTime, userIdentity.arn as principal, sourceIPAddress, responseElements.ConsoleLogin as result]
      order: eventTime desc
      limit: 50
  - id: many
    title: Recent IAM calls
    query:
      where: { eventSource: iam.amazonaws.com }
      select: [eventTime, eventName, userIdentity.arn as principal, sourceIPAddress, userAgent]
      order: eventTime desc
      limit: 400
  - id: flag
    title: Failed sign-ins
    check:
      - for_each: logins
        when: row.result == 'Failure'
        severity: medium
        message: "{{row.principal}} failed to sign in from {{row.sourceIPAddress}}"
  - id: next
    title: What to do next
    note: Ask the people behind the failed sign-ins whether it was them.
`;

/**
 * A query, a gated remediation and a note after the gate. `approvers` is the YAML list of the
 * gate (by default the test approver alone); the tests of unknown approvers name others.
 */
export const gated = (id: string, expiresIn: string, approvers = `[${APPROVER}]`) => `
id: ${id}
title: Remove the console password of password-only users
summary: A query, a gated remediation and a note after the gate, for the worker tests.
severity: high
window: { default: 48h }
steps:
  - id: users
    title: Users who signed in with a password only
    query:
      where:
        eventName: ConsoleLogin
        userIdentity.type: IAMUser
        responseElements.ConsoleLogin: Success
        additionalEventData.MFAUsed: { ne: "Yes" }
      group: { by: [userIdentity.userName as user], count: sign_ins }
  - id: remove
    title: Remove their console password
    remediate:
      action: iam.delete-login-profile
      for_each: users
      inputs: { user_name: row.user }
      approval: { approvers: ${approvers}, expires_in: ${expiresIn} }
  - id: after
    title: After the gate
    note: Tell the users their console password is gone.
`;

/** Five query steps and a note: long enough to stop a worker in the middle. */
const FIVE_STEPS = `
id: five-steps
title: Five questions about IAM
summary: Several small queries in a row, for the crash and shutdown tests.
severity: low
window: { default: 48h }
steps:
${['CreateUser', 'CreateAccessKey', 'AttachUserPolicy', 'PutUserPolicy', 'DeleteLoginProfile']
  .map(
    (name, i) => `  - id: q${i + 1}
    title: ${name} calls
    query:
      where: { eventName: ${name} }
      select: [eventTime, userIdentity.arn as principal, sourceIPAddress]
      limit: 20`,
  )
  .join('\n')}
  - id: done
    title: Done
    note: Five questions asked.
`;

export const TEST_RUNBOOKS: Record<string, string> = {
  'quick-look': QUICK_LOOK,
  'gated-cleanup': gated('gated-cleanup', '1h'),
  'gated-expiring': gated('gated-expiring', '1s'),
  'five-steps': FIVE_STEPS,
};

/** The test runbooks in a temp dir for the whole file. */
export function useTestRunbooks(): { readonly dir: string } {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctrb-worker-runbooks-'));
    for (const [id, yaml] of Object.entries(TEST_RUNBOOKS)) writeFileSync(join(dir, `${id}.yaml`), yaml);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      if (!dir) throw new Error('useTestRunbooks(): only inside tests');
      return dir;
    },
  };
}

/** One fake Slack Web API for the whole file, with the approver known to it. */
export function useFakeSlack(): () => FakeSlackApi {
  let fake: FakeSlackApi | undefined;
  beforeAll(async () => {
    fake = await FakeSlackApi.start({ users: [{ id: APPROVER }, { id: REQUESTER }] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => {
    if (!fake) throw new Error('useFakeSlack(): only inside tests');
    return fake;
  };
}

export interface WorkerScope {
  prefix: string;
  slack: FakeSlackApi;
  /** The environment a worker process reads, for this scope. */
  env(overrides?: Record<string, string>): Record<string, string>;
  config(overrides?: Record<string, string>): Config;
  /** Starts an in-process worker; it is closed after the test. */
  start(overrides?: Record<string, string>, deps?: WorkerDeps): Promise<RunningWorker>;
  queues: RunQueues;
  runs: RedisRunStore;
  approvals: ApprovalStore;
  redis: Redis;
  /** Enqueues a slash run of `runbookId` over the sample window; returns its run id. */
  enqueue(runbookId: string, fields?: Partial<RunJobData>): Promise<string>;
  waitForStatus(runId: string, status: RunRecord['status'], timeoutMs?: number): Promise<RunRecord>;
  /** The run's parent message and the replies in its thread. */
  thread(runId: string): Promise<{ parent: StoredMessage; replies: StoredMessage[] }>;
}

export function useWorkerScope(redis: TestRedis, slack: () => FakeSlackApi, runbooks: { readonly dir: string }): () => WorkerScope {
  const opened: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close();
  });

  return () => {
    const prefix = redis.prefix();
    const client = redis.connect();
    const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_API_URL: slack().apiUrl,
      REDIS_URL: redis.url,
      CTRB_REDIS_PREFIX: prefix,
      CTRB_RUNBOOKS: runbooks.dir,
      // Real data with one damaged file, so every run also shows how a log warning is posted.
      CTRB_LOGS_DIR: sampleLogsWithDamagedFile(),
      CTRB_APPROVAL_EXPIRY_SWEEP: '1s',
      CTRB_JOB_LOCK_DURATION: '2s',
      CTRB_STALLED_INTERVAL: '1s',
      CTRB_SHUTDOWN_TIMEOUT: '5s',
      CTRB_WORKER_CONCURRENCY: '2',
      LOG_LEVEL: 'silent',
      ...overrides,
    });
    const config = (overrides?: Record<string, string>) => loadConfig(env(overrides), { role: 'worker' });
    const queues = createQueues(config().redis);
    opened.push(() => queues.close());
    const runs = new RedisRunStore(client, { prefix });
    const approvals = new ApprovalStore(client, { prefix, logger: pino({ level: 'silent' }) });

    const scope: WorkerScope = {
      prefix,
      slack: slack(),
      env,
      config,
      queues,
      runs,
      approvals,
      redis: client,
      async start(overrides, deps = {}) {
        const worker = await startWorker(config(overrides), { logger: pino({ level: 'silent' }), ...deps });
        opened.push(() => worker.close());
        return worker;
      },
      async enqueue(runbookId, fields = {}) {
        const runId = fields.runId ?? randomUUID();
        await enqueueRun(
          queues,
          {
            runId,
            runbookId,
            params: {},
            window: SAMPLE_WINDOW,
            requestedBy: REQUESTER,
            source: 'slash',
            slack: { channel: CHANNEL },
            ...fields,
          },
          { records: runs },
        );
        return runId;
      },
      async waitForStatus(runId, status, timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        let last: RunRecord | undefined;
        while (Date.now() < deadline) {
          last = await runs.getRecord(runId);
          if (last?.status === status) return last;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`run ${runId} did not reach ${status} within ${timeoutMs} ms (last: ${last?.status ?? 'no record'})`);
      },
      async thread(runId) {
        const record = await runs.getRecord(runId);
        const { channel, parentTs, threadTs } = record?.slack ?? {};
        const parent = channel && parentTs ? slack().message(channel, parentTs) : undefined;
        if (!parent || !threadTs || !channel) throw new Error(`run ${runId} has no parent message`);
        return { parent, replies: slack().threadReplies(channel, threadTs).filter((m) => m.ts !== parentTs) };
      },
    };
    return scope;
  };
}

/** The step a threaded reply reports (its first block names the step id in code), if any. */
export function stepIdOf(message: StoredMessage): string | undefined {
  const first = message.blocks?.[0] as { text?: { text?: string } } | undefined;
  return /`([a-z0-9_-]+)`\s*$/.exec(first?.text?.text ?? '')?.[1];
}

/** All the text of a message: its fallback text and every block's text, for `toContain`. */
export function textOf(message: StoredMessage | undefined): string {
  if (!message) return '';
  return [message.text ?? '', JSON.stringify(message.blocks ?? [])].join('\n');
}
