/**
 * The bot as Slack sees it, for end-to-end tests: `ctrb bot`'s startBot on a free port,
 * configured from an environment like production's, talking to the fake Slack Web API and a
 * real Redis. Requests go through the real Bolt HTTP receiver, signed as Slack signs them.
 */
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { ApprovalStore } from '../../src/approval/index.js';
import type { ApprovalRequest } from '../../src/approval/types.js';
import { startBot, type RunningBot } from '../../src/bot/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { queuePrefix } from '../../src/queue/connection.js';
import { REMEDIATIONS_QUEUE, RUNS_QUEUE, type RemediationJobData, type RunJobData } from '../../src/queue/jobs.js';
import { RedisRunStore } from '../../src/run/redis-store.js';
import { startWorker, type RunningWorker } from '../../src/worker/start.js';
import { approvalViewOf, renderApprovalMessage } from '../../src/slack/render/index.js';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import {
  blockActionPayload,
  eventCallbackRequest,
  interactivityRequest,
  send,
  slashCommandRequest,
  viewSubmissionPayload,
  type SignOptions,
} from '../fakes/slack-signing.js';
import type { TestRedis } from '../support/redis.js';

export const SIGNING_SECRET = 'abcdef0123456789abcdef0123456789';
export const ALARM_CHANNEL = 'C0ALARMS01';
export const ALARM_BOT = 'B0SNSRELAY';
export const RUNBOOKS_DIR = new URL('./runbooks/', import.meta.url).pathname;

export const PEOPLE = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  mallory: 'U0MALLORY',
  requester: 'U0REQUESTER',
};

export interface BotHarness {
  bot: RunningBot;
  slack: FakeSlackApi;
  config: Config;
  prefix: string;
  url: string;
  runs: Queue<RunJobData>;
  remediations: Queue<RemediationJobData>;
  approvals: ApprovalStore;
  runStore: RedisRunStore;
  /** What the bot logged (debug and up), as JSON lines: tests wait for a line, never for time. */
  logs: LogLine[];
  /** Resolves with the first `count` lines that `match`, as soon as they are logged. */
  waitForLogs(match: (line: LogLine) => boolean, count?: number, timeoutMs?: number): Promise<LogLine[]>;
  slash(text: string, fields?: { user?: string; channel?: string }, opts?: SignOptions): Promise<SlashAnswer>;
  event(event: Record<string, unknown>, opts?: SignOptions & { eventId?: string }): Promise<Response>;
  click(actionId: string, value: string, user: string, message: { channel: string; ts: string }): Promise<Response>;
  submitDeny(approvalId: string, user: string, reason: string | null): Promise<Response>;
  /** A real worker (BullMQ, DuckDB on the bundled sample) on the same Redis, prefix and fake Slack. */
  startWorker(): Promise<RunningWorker>;
  /** An approval as the worker makes it: stored, its message posted, the message attached. */
  postApproval(request: Partial<ApprovalRequest>): Promise<{ id: string; channel: string; ts: string }>;
  stop(): Promise<void>;
}

export type LogLine = Record<string, unknown> & { msg: string; level: number };

export interface SlashAnswer {
  status: number;
  ms: number;
  /** The acknowledgement's body: the ephemeral answer. */
  body: { response_type?: string; text?: string; blocks?: unknown[] } | undefined;
}

export async function startBotHarness(redis: TestRedis, env: Record<string, string> = {}): Promise<BotHarness> {
  const slack = await FakeSlackApi.start({
    users: Object.values(PEOPLE).map((id) => ({ id })).concat([{ id: 'U0ROBOT', isBot: true } as never]),
    userGroups: [{ id: 'S0IRTEAM', handle: 'ir-team', users: [PEOPLE.bob, PEOPLE.carol] }],
  });
  const prefix = redis.prefix();
  const environment = {
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    CTRB_REDIS_PREFIX: prefix,
    CTRB_ALARM_CHANNELS: ALARM_CHANNEL,
    CTRB_ALARM_BOT_IDS: ALARM_BOT,
    CTRB_RUNBOOKS: RUNBOOKS_DIR,
    CTRB_APPROVAL_EXPIRY_SWEEP: '1s',
    CTRB_SHUTDOWN_TIMEOUT: '5s',
    LOG_LEVEL: 'silent',
    ...env,
  };
  const loaded = loadConfig(environment, { role: 'bot' });
  const workers: RunningWorker[] = [];
  const config: Config = { ...loaded, slack: { ...loaded.slack, port: 0 } };
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const bot = await startBot(config, { logger });
  const url = `http://127.0.0.1:${bot.port}/slack/events`;
  const queueOptions = { connection: { url: redis.url }, prefix: queuePrefix(config.redis) };
  const runs = new Queue<RunJobData>(RUNS_QUEUE, queueOptions);
  const remediations = new Queue<RemediationJobData>(REMEDIATIONS_QUEUE, queueOptions);
  const connection = redis.connect();
  const approvals = new ApprovalStore(connection, { prefix, logger: pino({ level: 'silent' }) });
  const runStore = new RedisRunStore(connection, { prefix });

  return {
    bot,
    slack,
    config,
    prefix,
    url,
    runs,
    remediations,
    approvals,
    runStore,
    logs,
    waitForLogs(match, count = 1, timeoutMs = 30_000) {
      return eventually(() => {
        const found = logs.filter(match);
        return found.length >= count ? found.slice(0, count) : undefined;
      }, timeoutMs);
    },
    async slash(text, fields = {}, opts = {}) {
      const started = performance.now();
      const response = await send(
        url,
        slashCommandRequest(SIGNING_SECRET, { text, userId: fields.user ?? PEOPLE.alice, channelId: fields.channel ?? 'C0SECOPS' }, opts),
      );
      const raw = await response.text();
      return { status: response.status, ms: performance.now() - started, body: raw ? JSON.parse(raw) : undefined };
    },
    event(event, opts = {}) {
      return send(url, eventCallbackRequest(SIGNING_SECRET, event, opts));
    },
    click(actionId, value, user, message) {
      const payload = blockActionPayload({ userId: user, actionId, value, channelId: message.channel, messageTs: message.ts });
      return send(url, interactivityRequest(SIGNING_SECRET, payload));
    },
    submitDeny(approvalId, user, reason) {
      const payload = viewSubmissionPayload({
        userId: user,
        callbackId: 'approval_deny_modal',
        privateMetadata: approvalId,
        values: { deny_reason: { reason: { type: 'plain_text_input', value: reason } } },
      });
      return send(url, interactivityRequest(SIGNING_SECRET, payload));
    },
    async startWorker() {
      const worker = await startWorker(loadConfig(environment, { role: 'worker' }), { logger: pino({ level: 'silent' }) });
      workers.push(worker);
      return worker;
    },
    async postApproval(request) {
      const approval = await approvals.createApproval(keyDeactivationRequest(request));
      const message = renderApprovalMessage(approvalViewOf(approval));
      const posted = await fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FAKE_BOT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'C0SECOPS', text: message.text, blocks: message.blocks }),
      }).then((r) => r.json() as Promise<{ ts: string }>);
      await approvals.attachMessage(approval.id, { channel: 'C0SECOPS', ts: posted.ts });
      slack.clearCalls();
      return { id: approval.id, channel: 'C0SECOPS', ts: posted.ts };
    },
    async stop() {
      await Promise.all(workers.map((w) => w.close()));
      await bot.stop();
      await Promise.all([runs.close(), remediations.close()]);
      await slack.close();
    },
  };
}

/** An SNS alarm notification as an SNS-to-Slack relay posts it in the alarm channel. */
/** The approval a worker asks for before deactivating ci-deploy's key: alice or @ir-team approve. */
export function keyDeactivationRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    runId: 'run-under-test',
    runbookId: 'key-usage',
    stepId: 'deactivate',
    plan: {
      action: 'iam.deactivate-access-key',
      summary: 'Deactivate access key AKIAIOSFODNN7EXAMPLE of user ci-deploy',
      targets: [{ user_name: 'ci-deploy', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }],
      calls: [{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'ci-deploy', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' } }],
      reversible: true,
      warnings: [],
    },
    policy: { approvers: [PEOPLE.alice, '@ir-team'], min_approvals: 1 },
    requestedBy: PEOPLE.requester,
    ...overrides,
  };
}

export function alarmPost(fields: { name: string; state: 'ALARM' | 'OK'; ts: string; changedAt: string; account?: string; region?: string }): Record<string, unknown> {
  const region = fields.region ?? 'us-east-1';
  const account = fields.account ?? '123456789012';
  return {
    type: 'message',
    subtype: 'bot_message',
    channel: ALARM_CHANNEL,
    ts: fields.ts,
    bot_id: ALARM_BOT,
    text: JSON.stringify({
      AlarmName: fields.name,
      AWSAccountId: account,
      NewStateValue: fields.state,
      OldStateValue: fields.state === 'ALARM' ? 'OK' : 'ALARM',
      NewStateReason: 'Threshold Crossed',
      StateChangeTime: fields.changedAt.replace('Z', '+0000'),
      Region: 'US East (N. Virginia)',
      AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${fields.name}`,
    }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The text a person reads in a message: every text of its blocks, with Slack's escapes undone. */
export function textOf(message: { text?: string; blocks?: unknown[] } | undefined): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else walk(value);
      }
    }
  };
  walk(message?.blocks ?? []);
  if (texts.length === 0 && message?.text) texts.push(message.text);
  return texts.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
