/**
 * `ctrb bot` in Socket Mode (SLACK_APP_TOKEN set), end to end: the bot opens its connection
 * with the app-level token, Slack's envelopes arrive over the WebSocket of the fake Slack, and
 * the bot answers them with acks, enqueued jobs and Web API calls exactly as it answers the
 * same requests over HTTP (investigate.test.ts, alarms.test.ts, approvals.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalViewOf, renderApprovalMessage } from '../../src/slack/render/index.js';
import { blockActionPayload, eventCallbackRequest, slashCommandRequest } from '../fakes/slack-signing.js';
import { useTestRedis } from '../support/redis.js';
import { ALARM_CHANNEL, alarmPost, eventually, keyDeactivationRequest, PEOPLE, textOf } from './harness.js';
import { payloadOf, startSocketModeBot, type SocketModeBot } from './socket-mode-harness.js';

const redis = useTestRedis();

const NO_SECRET = '';
const slashCommand = (text: string, user: string = PEOPLE.alice, channel = 'C0SECOPS') =>
  payloadOf(slashCommandRequest(NO_SECRET, { text, userId: user, channelId: channel }));

describe('Socket Mode', () => {
  let s: SocketModeBot;
  beforeAll(async () => {
    s = await startSocketModeBot(redis);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const waitingRunJobs = async () => (await s.runs.getJobs(['waiting', 'delayed', 'prioritized', 'active'])).map((j) => j.data);

  it('connects with the app-level token and answers /investigate help in the ack, only to the person who asked', async () => {
    // The fake refuses any other token for apps.connections.open; the bot connected to the URL it got.
    const opened = s.slack.callsTo('apps.connections.open', { all: true });
    expect(opened.map((c) => c.outcome)).toEqual(['ok']);
    expect(new URL(String(opened[0]!.response?.url)).searchParams.get('ticket')).toBe(s.session.ticket);

    for (const text of ['', 'help']) {
      const ack = await s.slack.socketMode.deliver('slash_commands', slashCommand(text));
      expect(ack.payload?.response_type).toBe('ephemeral');
      const shown = textOf(ack.payload);
      expect(shown).toContain('/investigate <runbook>');
      for (const id of ['root-logins', 'restricted', 'key-usage']) expect(shown).toContain(id);
    }
    // The Web API calls the bot made on its own (Bolt's auth.test) went with the bot token.
    expect(s.slack.callsTo('auth.test')).not.toHaveLength(0);
    expect(s.slack.calls.filter((c) => c.outcome === 'unauthorized')).toEqual([]);
  });

  it('enqueues exactly one run for /investigate <runbook> and acks with its run id within 3 seconds', async () => {
    const before = await waitingRunJobs();
    const ack = await s.slack.socketMode.deliver('slash_commands', slashCommand('root-logins since=2h account=123456789012'));

    expect(ack.ms).toBeLessThan(3_000);
    expect(ack.payload?.response_type).toBe('ephemeral');
    const runId = /run `([0-9a-f-]{36})`/.exec(textOf(ack.payload))?.[1];
    expect(runId, textOf(ack.payload)).toBeDefined();

    const after = await waitingRunJobs();
    expect(after).toHaveLength(before.length + 1);
    expect((await s.runs.getJob(`run-${runId}`))?.data).toMatchObject({
      runId,
      runbookId: 'root-logins',
      params: { account: '123456789012' },
      requestedBy: PEOPLE.alice,
      source: 'slash',
      slack: { channel: 'C0SECOPS' },
      window: { start: '2026-11-02T22:00:00.000Z', end: '2026-11-03T00:00:00.000Z' },
    });
  });

  it('starts one alarm run for an alarm post, however often Slack redelivers the envelope', async () => {
    const ts = '1793620752.000100';
    const post = alarmPost({ name: 'prod-RootLogin-alarm', state: 'ALARM', ts, changedAt: '2026-11-02T11:59:12.331Z', region: 'eu-west-1', account: '210987654321' });
    const event = payloadOf(eventCallbackRequest(NO_SECRET, post, { eventId: 'Ev0SOCKETMODE' }));

    await s.slack.socketMode.deliver('events_api', event);
    const job = await eventually(() => s.runs.getJob(`alarm-${ALARM_CHANNEL}-1793620752_000100-root-logins`));
    expect(job.data).toMatchObject({
      runbookId: 'root-logins',
      source: 'alarm',
      requestedBy: 'alarm:prod-RootLogin-alarm',
      slack: { channel: ALARM_CHANNEL, threadTs: ts },
      params: { account: '210987654321', region: 'eu-west-1' },
      window: { start: '2026-11-01T11:59:12.331Z', end: '2026-11-02T12:14:12.331Z' },
    });

    // Slack redelivers an envelope it thinks was not acked in time: same event, a retry attempt.
    await s.slack.socketMode.deliver('events_api', event, { retryAttempt: 1, retryReason: 'timeout' });
    await new Promise((r) => setTimeout(r, 200));
    const jobs = (await s.runs.getJobs(['waiting'])).filter((j) => j.data.slack.threadTs === ts);
    expect(jobs).toHaveLength(1);
  });

  it('refuses an Approve click from a non-approver with an ephemeral reason, and changes nothing', async () => {
    const approval = await s.approvals.createApproval(keyDeactivationRequest());
    const message = { channel: 'C0SECOPS', ts: '1793620000.000100' };
    s.slack.messages.set(`${message.channel}:${message.ts}`, { ...message, ...renderApprovalMessage(approvalViewOf(approval)), updates: 0 });
    await s.approvals.attachMessage(approval.id, message);

    const click = blockActionPayload({ userId: PEOPLE.mallory, actionId: 'approval_approve', value: approval.id, channelId: message.channel, messageTs: message.ts });
    await s.slack.socketMode.deliver('interactive', click);

    const ephemeral = await s.slack.waitForCall('chat.postEphemeral');
    expect(ephemeral.args).toMatchObject({ channel: message.channel, user: PEOPLE.mallory });
    expect(textOf(ephemeral.args as never)).toContain('You are not an approver for this remediation');
    const stored = await s.approvals.getApproval(approval.id);
    expect(stored?.state).toBe('pending');
    expect(stored?.decisions).toEqual([]);
    expect(s.slack.callsTo('chat.update')).toHaveLength(0);
    expect(await s.remediations.getJob(approval.id)).toBeUndefined();
  });

  it('listens on PORT only for GET /healthz: nothing reaches the bot over HTTP', async () => {
    const health = await fetch(`http://127.0.0.1:${s.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');

    const before = await waitingRunJobs();
    const request = slashCommandRequest('abcdef0123456789abcdef0123456789', { text: 'root-logins', userId: PEOPLE.alice, channelId: 'C0SECOPS' });
    const posted = await fetch(`http://127.0.0.1:${s.port}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
    expect(posted.status).toBe(404);
    expect(await waitingRunJobs()).toHaveLength(before.length);
  });
});

describe('stopping the bot in Socket Mode', () => {
  it('closes the WebSocket with a closing handshake, waiting for Slack to answer, and stops serving /healthz', async () => {
    const s = await startSocketModeBot(redis);
    try {
      await s.slack.socketMode.deliver('slash_commands', slashCommand('help'));
      // Slack is a network round trip away, further than Redis: `ctrb bot` exits right after stop().
      s.session.connection.closeReplyDelayMs = 300;
      await s.bot.stop();
      const stoppedAt = performance.now();

      const closed = await s.session.connection.whenClosed();
      expect(closed).toEqual({ code: 1000, reason: '', clean: true, initiatedBy: 'client' });
      // Stopped only once Slack had answered the close frame: nothing cut the handshake short.
      expect(s.session.connection.closeFrameSentAt).toBeLessThanOrEqual(stoppedAt);
      await expect(fetch(`http://127.0.0.1:${s.port}/healthz`)).rejects.toThrow();
      // It went away for good: no new connection asked for.
      expect(s.slack.callsTo('apps.connections.open', { all: true })).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });
});
