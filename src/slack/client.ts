/**
 * The worker's Slack Web API client. A 429 is waited out as Slack's Retry-After says and the
 * call retried (`rejectRateLimitedCalls: false`): a rate limit delays a reply, it never loses
 * one. Network errors and 5xx answers are retried a few times with backoff inside the call;
 * past that the error fails the job, and BullMQ retries the job later (src/queue/producers.ts).
 */
import { metrics } from '../log/metrics.js';
import { webApi, type Logger as SlackLogger, type LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackSettings } from './settings.js';

/** Five retries over about a minute: long enough for a blip, short enough to free the job. */
export const SLACK_RETRY_CONFIG: webApi.RetryOptions = { retries: 5, factor: 2, minTimeout: 1_000, maxTimeout: 30_000, randomize: true };
const SLACK_TIMEOUT_MS = 30_000;

/** A command at a terminal: one quick retry, then the person is told. */
export const SLACK_TERMINAL_RETRY_CONFIG: webApi.RetryOptions = { retries: 1, factor: 2, minTimeout: 1_000, maxTimeout: 5_000 };

export function createSlackClient(slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>, logger: Logger, retryConfig: webApi.RetryOptions = SLACK_RETRY_CONFIG): webApi.WebClient {
  return countingSlackProblems(new webApi.WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig,
    rejectRateLimitedCalls: false,
    timeout: SLACK_TIMEOUT_MS,
    logger: slackLoggerFor(logger.child({ component: 'slack' })),
  }));
}

/**
 * Counts the client's rate-limited calls and the calls Slack answered with an error
 * (ctrb_slack_api_problems_total), by method. The bot's Bolt client and the worker's both.
 */
export function countingSlackProblems(client: webApi.WebClient): webApi.WebClient {
  client.on(webApi.WebClientEvent.RATE_LIMITED, (_seconds: number, info: { url?: string }) => {
    metrics.slackApiProblems.inc({ method: info?.url ?? 'unknown', kind: 'throttle' });
  });
  const call = client.apiCall.bind(client);
  client.apiCall = async (method, options) => {
    try {
      return await call(method, options);
    } catch (e) {
      metrics.slackApiProblems.inc({ method, kind: 'error' });
      throw e;
    }
  };
  return client;
}

/** The WebClient's log lines through pino (it redacts tokens itself before logging). */
function slackLoggerFor(logger: Logger): SlackLogger {
  let level = 'info' as LogLevel;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    // The client's debug lines are request dumps; they stay at pino's trace level.
    debug: (...msg) => logger.trace(text(msg)),
    info: (...msg) => logger.info(text(msg)),
    warn: (...msg) => logger.warn(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
