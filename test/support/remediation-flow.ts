/**
 * A remediation as production runs it, for the tests that follow one from approval to undo:
 * the real bot (signed clicks through Bolt), a real worker (BullMQ, Redis, DuckDB on a small
 * log folder), the fake Slack Web API, and AWS through the SDK's own configuration: the
 * worker's identity from the environment assumes roles at the STS fake, and the IAM fake sees
 * the calls signed with the assumed credentials.
 *
 * ```ts
 * const redis = useTestRedis();
 * const flow = useRemediationFlow(redis, { runbooks: { 'leaked-key.yaml': RUNBOOK }, records, ... });
 * it('...', async () => { const f = flow(); await enqueueRun(f.queues, …); … });
 * ```
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { ApprovalStore } from '../../src/approval/store.js';
import { startBot, type RunningBot } from '../../src/bot/index.js';
import { loadConfig } from '../../src/config.js';
import { createQueues, type RunQueues } from '../../src/queue/producers.js';
import { RedisRunStore } from '../../src/run/redis-store.js';
import { startWorker, type RunningWorker } from '../../src/worker/start.js';
import { FakeIam } from '../fakes/aws/iam.js';
import type { IamSeed } from '../fakes/aws/iam-state.js';
import { FakeSts, type FakeRole } from '../fakes/aws/sts.js';
import { FAKE_BOT_TOKEN, FakeSlackApi, type FakeUserGroup, type StoredMessage } from '../fakes/slack-api.js';
import { blockActionPayload, interactivityRequest, send } from '../fakes/slack-signing.js';
import type { TestRedis } from './redis.js';

export const SIGNING_SECRET = 'abcdef0123456789abcdef0123456789';
export const EXTERNAL_ID = 'ctrb-test-external-id';
/** The worker's own identity, which only ever assumes roles. */
export const WORKER_KEY = 'AKIAWORKERIDENTITY01';

export interface RemediationFlowOptions {
  /** File name → runbook YAML. */
  runbooks: Record<string, string>;
  /** The CloudTrail records the worker's DuckDB engine reads. */
  records: Record<string, unknown>[];
  /** Slack user ids. */
  users: string[];
  userGroups?: FakeUserGroup[];
  iam: IamSeed;
  /** Role ARN → what its trust policy requires, at the STS fake. */
  roles: Record<string, FakeRole>;
  /** More of the bot's and worker's environment (role maps or templates). */
  env: Record<string, string>;
}

export interface RemediationFlow {
  slack: FakeSlackApi;
  iam: FakeIam;
  sts: FakeSts;
  queues: RunQueues;
  runs: RedisRunStore;
  approvals: ApprovalStore;
  /** A signed button click, as Slack sends it to the bot. */
  click(actionId: string, value: string, user: string, message: { channel: string; ts: string }): Promise<Response>;
}

export function useRemediationFlow(redis: TestRedis, opts: RemediationFlowOptions): () => RemediationFlow {
  let dir: string;
  let bot: RunningBot | undefined;
  let worker: RunningWorker | undefined;
  let flow: RemediationFlow | undefined;
  const savedEnv: Record<string, string | undefined> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctrb-remediation-flow-'));
    const runbooks = join(dir, 'runbooks');
    const logs = join(dir, 'logs');
    for (const d of [runbooks, logs]) mkdirSync(d);
    for (const [file, yaml] of Object.entries(opts.runbooks)) writeFileSync(join(runbooks, file), yaml);
    writeFileSync(join(logs, 'events.json'), JSON.stringify({ Records: opts.records }));

    const slack = await FakeSlackApi.start({ users: opts.users.map((id) => ({ id })), ...(opts.userGroups ? { userGroups: opts.userGroups } : {}) });
    const iam = await FakeIam.start(opts.iam);
    const sts = await FakeSts.start(opts.roles);
    iam.identifyWith(sts);

    // What the SDK reads in a deployment: the worker's own identity and, here, the endpoints.
    const aws = { AWS_ACCESS_KEY_ID: WORKER_KEY, AWS_SECRET_ACCESS_KEY: 'worker-secret', AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_IAM: iam.url };
    for (const [k, v] of Object.entries(aws)) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }

    const prefix = redis.prefix();
    const env = {
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      CTRB_REDIS_PREFIX: prefix,
      CTRB_RUNBOOKS: runbooks,
      CTRB_LOGS_DIR: logs,
      CTRB_ROLE_EXTERNAL_ID: EXTERNAL_ID,
      AWS_MAX_ATTEMPTS: '2',
      CTRB_APPROVAL_EXPIRY_SWEEP: '1s',
      CTRB_SHUTDOWN_TIMEOUT: '5s',
      LOG_LEVEL: 'silent',
      ...opts.env,
    };
    const botConfig = loadConfig(env, { role: 'bot' });
    bot = await startBot({ ...botConfig, slack: { ...botConfig.slack, port: 0 } }, { logger: pino({ level: 'silent' }) });
    const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
    worker = await startWorker(loadConfig(env, { role: 'worker' }), { logger: pino({ level: 'silent' }) });
    const connection = redis.connect();
    flow = {
      slack,
      iam,
      sts,
      queues: createQueues(botConfig.redis),
      runs: new RedisRunStore(connection, { prefix }),
      approvals: new ApprovalStore(connection, { prefix, logger: pino({ level: 'silent' }) }),
      click: (actionId, value, user, message) =>
        send(botUrl, interactivityRequest(SIGNING_SECRET, blockActionPayload({ userId: user, actionId, value, channelId: message.channel, messageTs: message.ts }))),
    };
  });

  afterAll(async () => {
    await worker?.close();
    await bot?.stop();
    await flow?.queues.close();
    await Promise.all([flow?.slack.close(), flow?.iam.close(), flow?.sts.close()]);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  return () => {
    if (!flow) throw new Error('the remediation flow is not started (call it inside a test)');
    return flow;
  };
}

export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A message's fallback text and blocks, for matching. */
export function text(message: StoredMessage | undefined): string {
  return [message?.text ?? '', JSON.stringify(message?.blocks ?? [])].join('\n');
}

export function buttons(message: StoredMessage | undefined): Array<{ action_id: string; value: string }> {
  return ((message?.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}
