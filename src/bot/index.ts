/**
 * `ctrb bot`: the front door process. It loads the runbooks, connects to Redis, and serves the
 * Bolt app; it validates, enqueues and acknowledges, and never runs a query.
 *
 * Stopping (SIGTERM, SIGINT): the receiver stops taking requests, requests already in hand
 * finish, then the queues and Redis are closed and the process exits 0; if that takes longer
 * than CTRB_SHUTDOWN_TIMEOUT it exits 1.
 */
import type { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger, errorSummary } from '../log/logger.js';
import { ApprovalStore, ApproverEligibility } from '../approval/index.js';
import { describeConfig, type Config } from '../config.js';
import { reconnectDelayMs, whenRedisReady } from '../queue/connection.js';
import { createQueues, recordQueueCounts } from '../queue/producers.js';
import { collectQueuesWith } from '../log/metrics.js';
import { RedisRunStore } from '../run/redis-store.js';
import { RunbookLibrary } from '../runbook/library.js';
import { createSlackApp } from '../slack/app.js';
import { explainSlackError } from '../slack/api-errors.js';
import type { ListenerDeps } from '../slack/listeners/index.js';
import { RedisAlarmThreads } from './alarm-threads.js';
import { RedisSeenRequests } from './seen-requests.js';
import { runClock } from './clock.js';
import { BotRunQueue } from './run-queue.js';
import { requestUndo } from '../approval/undo-request.js';

export interface RunningBot {
  /** The port listened on: Slack's requests in HTTP mode, only /healthz in Socket Mode. */
  port: number;
  /** Stops receiving, lets requests in hand finish, closes the queues and Redis. */
  stop(): Promise<void>;
}

export interface StartBotOptions {
  logger?: Logger;
}

const HEALTH_TIMEOUT_MS = 1_000;
/** Socket Mode retries a refused connection for ever; a bot that cannot connect must say so. */
const STARTUP_TIMEOUT_MS = 30_000;

async function startWithin<T>(starting: Promise<T>, ms: number, slack: Config['slack']): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reach = `that ${slack.apiUrl} (SLACK_API_URL) can be reached from here`;
      const hint = slack.socketMode
        ? `check ${reach}, SLACK_APP_TOKEN (an app-level xapp- token with connections:write) and that Socket Mode is on in the app settings`
        : `check ${reach}`;
      reject(new Error(`the bot could not start within ${ms / 1000} s: ${hint}`));
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([starting, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startBot(config: Config, options: StartBotOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger({ name: 'ctrb-bot', level: config.logLevel });
  const library = await RunbookLibrary.load(config.runbooksDir);

  // Fail fast while Redis is away: a command is answered "try again" instead of hanging
  // past Slack's 3 seconds.
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: reconnectDelayMs });
  redis.on('error', (e: Error) => logger.warn({ err: e.message }, 'redis connection error'));
  await whenRedisReady(redis, config.redis).catch((e: unknown) => {
    redis.disconnect();
    throw e;
  });
  const queues = createQueues(config.redis, { failFast: true });
  const runStore = new RedisRunStore(redis, { prefix: config.redis.prefix });
  // Queue depths for /metrics, read from Redis at each scrape.
  collectQueuesWith(() => recordQueueCounts(queues));
  const approvals = new ApprovalStore(redis, { prefix: config.redis.prefix, logger });

  const listenerDeps = (client: webApi.WebClient): ListenerDeps => ({
    library,
    runs: new BotRunQueue(queues, runStore, logger, { trail: approvals.audit, engine: config.engine.name }),
    runLookup: { getRunRecord: (id) => runStore.getRecord(id), loadSteps: (id) => runStore.loadSteps(id) },
    approvals,
    eligibility: new ApproverEligibility(client, { logger, explainSlackError: (e) => explainSlackError(e, 'try again').sentence }),
    alarmThreads: new RedisAlarmThreads(redis, config.redis.prefix),
    undo: { request: (approvalId, user) => requestUndo({ approvals, runs: runStore }, approvalId, user) },
    alarmSources: config.alarms,
    now: runClock(config.engine),
    logger,
  });
  const slack = createSlackApp({
    config,
    logger,
    listenerDeps,
    healthy: async () => (await Promise.race([redis.ping(), sleep(HEALTH_TIMEOUT_MS)])) === 'PONG',
    seenRequests: new RedisSeenRequests(redis, config.redis.prefix),
  });

  let port: number;
  try {
    ({ port } = await startWithin(slack.start(), STARTUP_TIMEOUT_MS, config.slack));
  } catch (e) {
    // Close what was opened, so a refused token or a taken port ends the process instead of
    // leaving Redis and the health server holding it open.
    await slack.stop().catch(() => undefined);
    await queues.close().catch(() => undefined);
    redis.disconnect();
    throw e;
  }
  logger.info({ config: describeConfig(config), port, runbooks: library.all().length }, 'ctrb bot started');

  let stopping: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopping ??= (async () => {
        await slack.stop().catch((e: unknown) => logger.warn({ err: errorSummary(e) }, 'stopping the Slack receiver failed'));
        await queues.close();
        await redis.quit().catch(() => redis.disconnect());
        logger.info('ctrb bot stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Runs the bot until SIGTERM or SIGINT, then stops it within the configured time: what
 * `ctrb bot` calls.
 */
export async function runBot(config: Config): Promise<void> {
  const logger = createLogger({ name: 'ctrb-bot', level: config.logLevel });
  // Listen for the stop signal before starting, so a SIGTERM during start-up still stops cleanly.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // Bolt's Socket Mode client reconnects on a timer and leaves a reconnection Slack refuses for
  // good (a revoked app token, say) as an unhandled rejection. Say what it was, once, and exit
  // non-zero so that the supervisor restarts the bot and the start says what is wrong.
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: errorSummary(reason) }, 'the bot stopped on an error it cannot recover from');
    process.stderr.write(`error the bot stopped: ${reason instanceof Error ? reason.message : String(reason)}\n`);
    process.exit(1);
  });
  const starting = startBot(config, { logger });
  const first = await Promise.race([starting.then((bot) => ({ bot }), (error: unknown) => ({ error })), signalled.then((signal) => ({ signal }))]);
  if ('error' in first) {
    // Said once, plainly, then exit: the Web API client may still be retrying a call to Slack,
    // which would otherwise keep a bot that failed to start alive.
    logger.error({ err: errorSummary(first.error) }, 'the bot could not start');
    process.stderr.write(`error ${first.error instanceof Error ? first.error.message : String(first.error)}\n`);
    process.exit(1);
  }
  if ('signal' in first) {
    // Stopped while still starting: nothing was taken in yet, so there is nothing to finish.
    logger.info({ signal: first.signal }, 'stopped while starting');
    process.exit(0);
  }
  const { bot } = first;
  await signalled.then((signal) => logger.info({ signal }, 'stopping'));
  const timedOut = await Promise.race([bot.stop().then(() => false), sleep(config.shutdownTimeoutMs).then(() => true)]);
  if (timedOut) {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'the bot did not stop in time; exiting anyway');
    process.exit(1);
  }
  process.exit(0);
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => {
    setTimeout(() => resolve(undefined), ms).unref();
  });
}
