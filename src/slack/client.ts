/**
 * The worker's (and the terminal's) Slack Web API client. A 429 is waited out as Slack's Retry-After says and the
 * call retried (`rejectRateLimitedCalls: false`): a rate limit delays a reply, it never loses
 * one. Network errors and 5xx answers are retried a few times with backoff inside the call;
 * past that the error fails the job, and BullMQ retries the job later (src/queue/producers.ts).
 */
import { metrics } from '../log/metrics.js';
import { webApi, type Logger as SlackLogger, type LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackSettings } from './settings.js';
import { slackErrorCode, slackErrorLogFields } from './api-errors.js';

/** Five retries over about a minute: long enough for a blip, short enough to free the job. */
export const SLACK_RETRY_CONFIG: webApi.RetryOptions = { retries: 5, factor: 2, minTimeout: 1_000, maxTimeout: 30_000, randomize: true };
const SLACK_TIMEOUT_MS = 30_000;

/** A command at a terminal: one quick retry, then the person is told. */
export const SLACK_TERMINAL_RETRY_CONFIG: webApi.RetryOptions = { retries: 1, factor: 2, minTimeout: 1_000, maxTimeout: 5_000 };

export function createSlackClient(slack: Pick<SlackSettings, 'botToken' | 'apiUrl'>, logger: Logger, retryConfig: webApi.RetryOptions = SLACK_RETRY_CONFIG): webApi.WebClient {
  const log = logger.child({ component: 'slack' });
  const client = new ObservedWebClient(log, slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig,
    rejectRateLimitedCalls: false,
    timeout: SLACK_TIMEOUT_MS,
    logger: slackLoggerFor(log),
  });
  return countingThrottles(client, log);
}

/**
 * A WebClient that counts the calls Slack answered with an error (ctrb_slack_api_problems_total)
 * and logs each with Slack's code, the permission it lacked and what to do. A subclass, because
 * the client binds every named method (`chat.postMessage` …) to `apiCall` as it is built.
 */
class ObservedWebClient extends webApi.WebClient {
  constructor(
    private readonly observer: Logger,
    token: string,
    options: webApi.WebClientOptions,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    try {
      return await super.apiCall(method, options);
    } catch (e) {
      noteFailure(method, e, this.observer);
      throw e;
    }
  }
}

function noteFailure(method: string, e: unknown, logger: Logger | undefined): void {
  metrics.slackApiProblems.inc({ method, kind: 'error' });
  logger?.warn({ method, ...slackErrorLogFields(e), ...(slackErrorCode(e) ? {} : { err: (e as Error).message }) }, `Slack call ${method} failed`);
}

/** Counts (and logs at debug) the calls Slack rate limited: the client waits as told and calls again. */
function countingThrottles(client: webApi.WebClient, logger?: Logger): webApi.WebClient {
  client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number, info: { url?: string }) => {
    metrics.slackApiProblems.inc({ method: info?.url ?? 'unknown', kind: 'throttle' });
    logger?.debug({ method: info?.url, retryAfterSeconds: seconds }, 'Slack rate limited a call; waiting as told, then calling again');
  });
  return client;
}

/**
 * The same for a client built elsewhere (the bot's, built by Bolt): its rate limits, and the
 * errors of the calls made through `apiCall` itself (its named methods were bound when Bolt
 * built it; the listeners log their own failures with Slack's code).
 */
export function countingSlackProblems(client: webApi.WebClient, logger?: Logger): webApi.WebClient {
  countingThrottles(client, logger);
  const call = client.apiCall.bind(client);
  client.apiCall = async (method, options) => {
    try {
      return await call(method, options);
    } catch (e) {
      noteFailure(method, e, logger);
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
