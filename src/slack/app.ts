/**
 * The Bolt app of `ctrb bot`: the receiver, the Web API client and the listeners.
 *
 * - HTTP mode (default): Bolt's HTTPReceiver on `PORT`, one path (`/slack/events`) for slash
 *   commands, interactivity and events, every request's signature checked against
 *   `SLACK_SIGNING_SECRET` (forged → 401, older than 5 minutes → refused), and, in front of
 *   Bolt, replays, requests dated in the future and unreadable bodies refused
 *   (request-guard.ts).
 * - Socket Mode when `SLACK_APP_TOKEN` is set: the bot connects out; no public URL.
 *
 * Either way the listeners are the same functions, registered in one place
 * (listeners/index.ts). The Web API client talks to `SLACK_API_URL` (GovSlack, a proxy, a
 * test fake) and honours Slack's 429 `Retry-After` with its built-in retries.
 *
 * `GET /healthz` (health.ts) is served on `PORT` in both modes. A port that cannot be listened
 * on fails the start with a message naming it.
 */
import { countingSlackProblems } from './client.js';
import { slackErrorLogFields } from './api-errors.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type Receiver, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackSettings } from './settings.js';
import { answerHealth, HEALTH_PATH, listenError, opsRoutes, startHealthServer, type HealthServer } from './health.js';
import { registerListeners, type ListenerDeps } from './listeners/index.js';
import { guardSlackRequests, type SeenRequests } from './request-guard.js';
import { errorSummary } from '../log/logger.js';

export { HEALTH_PATH } from './health.js';
export type { SeenRequests } from './request-guard.js';

export interface SlackAppOptions {
  config: { slack: SlackSettings };
  logger: Logger;
  /** The listeners' dependencies; some need the app's Web API client (Slack look-ups). */
  listenerDeps: (client: webApi.WebClient) => ListenerDeps;
  /** Whether the bot can do its work (Redis answers); drives `GET /healthz`. */
  healthy: () => Promise<boolean>;
  /** The replay memory shared by every bot replica (HTTP mode; request-guard.ts). */
  seenRequests: SeenRequests;
}

export interface SlackApp {
  app: App;
  /** Starts receiving; resolves with the port actually listened on (Slack's requests or /healthz). */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { slack } = options.config;
  const logger = boltLogger(options.logger.child({ component: 'bolt' }));
  let receiver: Receiver;
  if (slack.socketMode) {
    receiver = new SocketModeReceiver({
      appToken: slack.appToken ?? '',
      logger,
      // Bolt hands these client options to the Socket Mode client (apps.connections.open).
      installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } },
    });
  } else {
    const http = new HTTPReceiver({
      signingSecret: slack.signingSecret ?? '',
      port: slack.port,
      logger,
      signatureVerification: true,
      // Respond as soon as a listener acks; the rest of its work happens after the response.
      processBeforeResponse: false,
      customRoutes: [{ path: HEALTH_PATH, method: ['GET'], handler: (_req, res) => answerHealth(options.healthy, res) }, ...opsRoutes(options.healthy)],
    });
    guardSlackRequests(http, { signingSecret: slack.signingSecret ?? '', seen: options.seenRequests, logger: options.logger });
    receiver = http;
  }

  const app = new App({
    token: slack.botToken,
    receiver,
    logger,
    clientOptions: { slackApiUrl: slack.apiUrl },
    // No listener keeps conversation state; Bolt's in-memory store would build (and throw) an
    // Error for every request that has none, and would not be shared between bot processes.
    convoStore: false,
  });
  app.error(async (error) => {
    // Bolt hands listener errors over as they were thrown, or wrapped with the original.
    const cause = (error as { original?: unknown }).original ?? error;
    options.logger.error({ err: errorSummary(error), ...slackErrorLogFields(cause) }, 'a Slack listener failed');
  });
  registerListeners(app, options.listenerDeps(countingSlackProblems(app.client, options.logger.child({ component: 'slack' }))));

  let health: HealthServer | undefined;
  let connected = false;
  return {
    app,
    async start() {
      if (receiver instanceof SocketModeReceiver) {
        // The port first: a taken one fails the start before Slack is connected to.
        health = await startHealthServer(slack.port, options.healthy);
        await app.start();
        connected = true;
        return { port: health.port };
      }
      const started = (await app.start(slack.port).catch((e: unknown) => Promise.reject(listenError(e, slack.port)))) as Server;
      return { port: (started.address() as AddressInfo).port };
    },
    async stop() {
      // Bolt's Socket Mode receiver only starts the WebSocket's closing handshake; wait for
      // Slack's answer, or a process exiting right after stop() cuts the handshake short.
      // (A client that never connected has no handshake to wait for.)
      const disconnected = receiver instanceof SocketModeReceiver && connected ? new Promise((resolve) => receiver.client.once('disconnected', resolve)) : undefined;
      await app.stop();
      await disconnected;
      await health?.close();
    },
  };
}

/** Bolt's logger interface on top of pino, so Bolt's lines are structured like ours. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  let named = log;
  // Bolt logs at debug on every request: build the line only when it will be written.
  const at = (method: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    if (named.isLevelEnabled(method)) named[method](msg.map(String).join(' '));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: (name) => {
      named = log.child({ name });
    },
  };
}
