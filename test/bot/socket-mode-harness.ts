/**
 * `ctrb bot` as it starts with SLACK_APP_TOKEN set (and no signing secret: Socket Mode needs
 * none), against a fake Slack of its own, with the queues and approvals a test looks into.
 */
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { ApprovalStore } from '../../src/approval/index.js';
import { startBot, type RunningBot } from '../../src/bot/index.js';
import { loadConfig } from '../../src/config.js';
import { queuePrefix } from '../../src/queue/connection.js';
import { REMEDIATIONS_QUEUE, RUNS_QUEUE, type RemediationJobData, type RunJobData } from '../../src/queue/jobs.js';
import { FAKE_APP_TOKEN, FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import type { SignedRequest } from '../fakes/slack-signing.js';
import type { SocketModeSession } from '../fakes/websocket-socket-mode.js';
import { freePort } from '../support/ports.js';
import type { TestRedis } from '../support/redis.js';
import { ALARM_BOT, ALARM_CHANNEL, PEOPLE, RUNBOOKS_DIR } from './harness.js';

export interface SocketModeBot {
  bot: RunningBot;
  slack: FakeSlackApi;
  /** The bot's first connection, open once startSocketModeBot has resolved. */
  session: SocketModeSession;
  /** Where the bot serves GET /healthz. */
  port: number;
  runs: Queue<RunJobData>;
  remediations: Queue<RemediationJobData>;
  approvals: ApprovalStore;
  /** Stops the bot (again, if a test already did), the queues and the fake Slack. */
  stop(): Promise<void>;
}

export async function startSocketModeBot(testRedis: TestRedis): Promise<SocketModeBot> {
  const slack = await FakeSlackApi.start({
    users: Object.values(PEOPLE).map((id) => ({ id })),
    userGroups: [{ id: 'S0IRTEAM', handle: 'ir-team', users: [PEOPLE.bob, PEOPLE.carol] }],
  });
  const prefix = testRedis.prefix();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_APP_TOKEN: FAKE_APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(await freePort()),
      REDIS_URL: testRedis.url,
      CTRB_REDIS_PREFIX: prefix,
      CTRB_ALARM_CHANNELS: ALARM_CHANNEL,
      CTRB_ALARM_BOT_IDS: ALARM_BOT,
      CTRB_RUNBOOKS: RUNBOOKS_DIR,
      CTRB_SHUTDOWN_TIMEOUT: '5s',
      LOG_LEVEL: 'silent',
    },
    { role: 'bot' },
  );
  const bot = await startBot(config, { logger: pino({ level: 'silent' }) });
  const queueOptions = { connection: { url: testRedis.url }, prefix: queuePrefix(config.redis) };
  const runs = new Queue<RunJobData>(RUNS_QUEUE, queueOptions);
  const remediations = new Queue<RemediationJobData>(REMEDIATIONS_QUEUE, queueOptions);
  return {
    bot,
    slack,
    session: await slack.socketMode.waitForSession(),
    port: bot.port,
    runs,
    remediations,
    approvals: new ApprovalStore(testRedis.connect(), { prefix, logger: pino({ level: 'silent' }) }),
    async stop() {
      await bot.stop();
      await Promise.all([runs.close(), remediations.close()]);
      await slack.close();
    },
  };
}

/** Socket Mode carries the payloads of the HTTP requests, unsigned, as JSON. */
export function payloadOf(request: SignedRequest): Record<string, unknown> {
  if (request.headers['content-type'] === 'application/json') return JSON.parse(request.body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(request.body));
}
