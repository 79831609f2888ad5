/**
 * Replays and odd signed requests through the real Bolt HTTP receiver: a correctly signed
 * request is taken once, by whichever bot replica gets it first; one dated in the future or
 * with a body Slack never sends is refused at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { startBot, type RunningBot } from '../../src/bot/index.js';
import {
  blockActionPayload,
  interactivityRequest,
  send,
  signRequest,
  slashCommandRequest,
  eventCallbackRequest,
} from '../fakes/slack-signing.js';
import { useTestRedis } from '../support/redis.js';
import { ALARM_CHANNEL, alarmPost, eventually, PEOPLE, SIGNING_SECRET, startBotHarness, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;
/** A second replica of the bot: same configuration, same Redis, its own port. */
let replica: RunningBot;
let replicaUrl: string;

beforeAll(async () => {
  h = await startBotHarness(redis);
  replica = await startBot(h.config, { logger: createLogger({ level: 'silent' }) });
  replicaUrl = `http://127.0.0.1:${replica.port}/slack/events`;
});
afterAll(async () => {
  await replica?.stop();
  await h?.stop();
});

const runJobs = async () => h.runs.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
const investigate = (text: string, opts: Parameters<typeof slashCommandRequest>[2] = {}) =>
  slashCommandRequest(SIGNING_SECRET, { text, userId: PEOPLE.alice, channelId: 'C0SECOPS' }, opts);

describe('a replayed signed request', () => {
  it('starts one run when the same /investigate request is sent again, to the same bot or another replica', async () => {
    const before = (await runJobs()).length;
    const request = investigate('root-logins since=2h');
    expect((await send(h.url, request)).status).toBe(200);
    expect((await send(h.url, request)).status).toBe(401);
    expect((await send(replicaUrl, request)).status).toBe(401);
    expect((await runJobs()).length).toBe(before + 1);
  });

  it('refuses a button click sent again, and records one decision', async () => {
    const approval = await h.postApproval({ policy: { approvers: [PEOPLE.alice, PEOPLE.bob], min_approvals: 2 } });
    const click = interactivityRequest(
      SIGNING_SECRET,
      blockActionPayload({ userId: PEOPLE.alice, actionId: 'approval_approve', value: approval.id, channelId: approval.channel, messageTs: approval.ts }),
    );
    expect((await send(h.url, click)).status).toBe(200);
    expect((await send(replicaUrl, click)).status).toBe(401);
    const decisions = await eventually(async () => {
      const found = (await h.approvals.getApproval(approval.id))?.decisions ?? [];
      return found.length > 0 ? found : undefined;
    });
    expect(decisions.map((d) => d.user)).toEqual([PEOPLE.alice]);
  });

  it('refuses an event callback sent again, while Slack\'s own retry (a new signature, the same event id) still dedupes to one run', async () => {
    const post = alarmPost({ name: 'RootAccountUsage', state: 'ALARM', ts: '1793620900.000300', changedAt: '2026-11-02T12:00:00Z' });
    const delivery = eventCallbackRequest(SIGNING_SECRET, post, { eventId: 'Ev0REPLAYED' });
    expect((await send(h.url, delivery)).status).toBe(200);
    expect((await send(h.url, delivery)).status).toBe(401);
    const retry = eventCallbackRequest(SIGNING_SECRET, post, { eventId: 'Ev0REPLAYED', retryNum: 1, retryReason: 'http_timeout' });
    expect((await send(replicaUrl, retry)).status).toBe(200);

    await eventually(() => h.runs.getJob(`alarm-${ALARM_CHANNEL}-1793620900_000300-root-logins`));
    const jobs = (await runJobs()).filter((j) => j.data.slack.threadTs === '1793620900.000300');
    expect(jobs).toHaveLength(1);
  });
});

describe('a signed request Slack would not send', () => {
  it('is refused when dated more than 5 minutes in the future, and starts nothing', async () => {
    const before = (await runJobs()).length;
    const now = Math.floor(Date.now() / 1000);
    expect((await send(h.url, investigate('root-logins', { timestamp: now + 6 * 60 }))).status).toBe(401);
    expect((await runJobs()).length).toBe(before);
    // Within the window either way is Slack's clock and ours disagreeing a little: accepted.
    expect((await send(h.url, investigate('help', { timestamp: now + 60 }))).status).toBe(200);
  });

  it.each([
    ['an empty form', '', 'application/x-www-form-urlencoded'],
    ['a form with neither command nor payload', 'team_id=T0FAKETEAM&user_id=U0ALICE', 'application/x-www-form-urlencoded'],
    ['a payload that is not JSON', 'payload=%7Bnot-json', 'application/x-www-form-urlencoded'],
    ['an empty JSON body', '', 'application/json'],
    ['JSON that does not parse', '{"type": "event_callback"', 'application/json'],
    ['a JSON object without a type', '{}', 'application/json'],
  ])('gets a 400 for %s', async (_, body, contentType) => {
    const response = await send(h.url, signRequest(SIGNING_SECRET, body, contentType));
    expect(response.status).toBe(400);
  });

  it('still gets Bolt\'s 401 when its signature is forged or stale', async () => {
    expect((await send(h.url, investigate('help', { forgeSignature: true }))).status).toBe(401);
    expect((await send(h.url, investigate('help', { staleBySeconds: 6 * 60 }))).status).toBe(401);
  });
});
