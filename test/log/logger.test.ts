/**
 * What reaches the logs: secrets and request bodies redacted wherever a log call puts them,
 * errors as their message and code, including the Bolt errors the Slack app reports.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../src/log/logger.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import type { ListenerDeps } from '../../src/slack/listeners/index.js';
import { send, slashCommandRequest } from '../fakes/slack-signing.js';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import { SIGNING_SECRET } from '../bot/harness.js';

/** A logger writing into an array of parsed lines. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger({ level: 'debug' }, sink), lines, text: () => raw.join('\n') };
}

const SECRETS = ['xoxb-111-222-secret', 'xapp-1-A1-secret', 'abcdef0123456789abcdef0123456789', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'FwoGZXIvYXdzEXAMPLESESSION', 's3cr3t-redis-pw'];

describe('redaction', () => {
  it('hides tokens, secrets, AWS keys and request bodies, at the top of a line and deeper', () => {
    const { logger, lines, text } = capturedLogger();
    logger.info({ token: SECRETS[0], slack: { appToken: SECRETS[1], signingSecret: SECRETS[2] } }, 'slack settings');
    logger.info({ aws: { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRETS[3] } }, assumed: { Credentials: { SessionToken: SECRETS[4] } } }, 'aws');
    logger.info({ redis: { password: SECRETS[5] }, request: { headers: { authorization: `Bearer ${SECRETS[0]}` }, body: 'token=abc&text=root-activity' } }, 'request');
    for (const secret of SECRETS) expect(text()).not.toContain(secret);
    expect(text()).not.toContain('root-activity');
    expect(lines[0]).toMatchObject({ token: REDACTED, slack: { appToken: REDACTED, signingSecret: REDACTED } });
    expect(lines[1]).toMatchObject({ aws: { credentials: REDACTED }, assumed: { Credentials: REDACTED } });
    expect(lines[2]).toMatchObject({ redis: { password: REDACTED }, request: { headers: { authorization: REDACTED }, body: REDACTED } });
  });

  it('logs an error by its message and code, never its stack, request or response', () => {
    const { logger, lines, text } = capturedLogger();
    const error = Object.assign(new Error('An API error occurred: invalid_auth'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'invalid_auth' },
      request: { headers: { authorization: `Bearer ${SECRETS[0]}` } },
    });
    logger.error({ err: error }, 'a call failed');
    logger.warn({ error: Object.assign(new Error('throttled'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }) }, 'aws');
    expect(lines[0]?.err).toEqual({ message: 'An API error occurred: invalid_auth', code: 'slack_webapi_platform_error' });
    expect(lines[1]?.error).toEqual({ message: 'throttled', name: 'ThrottlingException', status: 400 });
    expect(text()).not.toContain(SECRETS[0]);
    expect(text()).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});

describe('the Slack app', () => {
  let slack: FakeSlackApi;
  let app: SlackApp;
  const captured = capturedLogger();

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    app = createSlackApp({
      config: { slack: { botToken: FAKE_BOT_TOKEN, signingSecret: SIGNING_SECRET, socketMode: false, apiUrl: slack.apiUrl, port: 0 } },
      logger: captured.logger,
      // No listener of the bot is reached by the command below.
      listenerDeps: () => ({ logger: captured.logger }) as unknown as ListenerDeps,
      healthy: async () => true,
      seenRequests: { firstSighting: async () => true },
    });
    // A listener failing as a Web API call does: the error carries the request it made.
    app.app.command('/boom', async ({ ack }) => {
      await ack();
      throw Object.assign(new Error('An API error occurred: token_revoked'), {
        code: 'slack_webapi_platform_error',
        request: { headers: { authorization: `Bearer ${SECRETS[0]}` }, body: 'channel=C1&text=secret+words' },
      });
    });
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it('logs a failed listener by the error\'s message and code, not the whole Bolt error', async () => {
    const { port } = await app.start();
    const request = slashCommandRequest(SIGNING_SECRET, { text: 'x', userId: 'U0ALICE', channelId: 'C0SECOPS', command: '/boom' });
    expect((await send(`http://127.0.0.1:${port}/slack/events`, request)).status).toBe(200);
    const line = await waitForLine(captured.lines, 'a Slack listener failed');
    expect(line.err).toEqual({ message: 'An API error occurred: token_revoked', code: 'slack_webapi_platform_error' });
    expect(captured.text()).not.toContain(SECRETS[0]);
    expect(captured.text()).not.toContain('secret+words');
  });
});

/** The first line with `msg`, once it is written (the listener fails after the response). */
async function waitForLine(lines: Record<string, unknown>[], msg: string): Promise<Record<string, unknown>> {
  for (;;) {
    const line = lines.find((l) => l.msg === msg);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
}
