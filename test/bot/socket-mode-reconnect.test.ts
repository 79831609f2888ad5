/**
 * `ctrb bot` in Socket Mode when Slack ends its connection, as Slack does every few hours and
 * networks do whenever they like: the bot asks `apps.connections.open` for a new URL, connects
 * to it, and answers there. What its Socket Mode client (@slack/socket-mode 3.1) does, read from
 * its source:
 *
 * - `{"type":"disconnect"}`, whatever the reason: it starts the closing handshake at once, then
 *   waits `clientPingTimeout` (5 s) before asking for a new URL. Messages behind the
 *   `disconnect` are dropped (a closing WebSocket delivers none): Slack redelivers an event that
 *   was not acked, on the next connection.
 * - The TCP connection dropping without a close frame: `error` then `close`, and the same wait.
 * - A connection that stops answering: it pings every 5/3 s and, 5 s after the last pong, starts
 *   the closing handshake; on its next tick, still closing, it drops the TCP connection. The
 *   same watchdog ends a closing handshake Slack answered without ending the TCP connection.
 *   Then the same wait.
 *
 * So a reconnection takes 5 to 15 s here: the tests wait for events with generous timeouts and
 * time nothing.
 */
import { describe, expect, it } from 'vitest';
import { eventCallbackRequest, slashCommandRequest } from '../fakes/slack-signing.js';
import type { SocketModeSession } from '../fakes/websocket-socket-mode.js';
import { useTestRedis } from '../support/redis.js';
import { ALARM_CHANNEL, alarmPost, eventually, PEOPLE, textOf } from './harness.js';
import { payloadOf, startSocketModeBot, type SocketModeBot } from './socket-mode-harness.js';

const redis = useTestRedis();

/** How long a test waits for the bot's next connection: the client's waits, on a busy machine. */
const RECONNECT_TIMEOUT_MS = 40_000;
/** For tests that wait on the client's pong watchdog as well as its reconnect delay. */
const SLOW_TEST_TIMEOUT_MS = 90_000;

const slashCommand = (text: string) => payloadOf(slashCommandRequest('', { text, userId: PEOPLE.alice, channelId: 'C0SECOPS' }));

/** All the runs queued so far. */
const runJobs = async (s: SocketModeBot) => (await s.runs.getJobs(['waiting', 'delayed', 'prioritized', 'active'])).map((j) => j.data);

/**
 * Types `/investigate root-logins` and checks what the person sees: the ack, on `session`,
 * with the id of a run that is now queued.
 */
async function investigateOn(s: SocketModeBot, session: SocketModeSession): Promise<string> {
  const ack = await s.slack.socketMode.deliver('slash_commands', slashCommand('root-logins since=2h'));
  expect(session.acks.map((a) => a.envelopeId)).toContain(ack.envelopeId);
  const runId = /run `([0-9a-f-]{36})`/.exec(textOf(ack.payload))?.[1];
  expect(runId, textOf(ack.payload)).toBeDefined();
  expect((await s.runs.getJob(`run-${runId}`))?.data).toMatchObject({ runId, runbookId: 'root-logins', requestedBy: PEOPLE.alice, source: 'slash' });
  return runId!;
}

/** Each connection the bot opened was to a URL of its own from apps.connections.open, and it answered nothing twice. */
function expectOneUrlPerConnectionAndNoStrayAcks(s: SocketModeBot, connections: number): void {
  const opened = s.slack.callsTo('apps.connections.open', { all: true });
  expect(opened.map((c) => c.outcome)).toEqual(Array(connections).fill('ok'));
  expect(s.slack.socketMode.sessions.map((session) => session.ticket)).toEqual(opened.map((c) => new URL(String(c.response?.url)).searchParams.get('ticket')));
  for (const session of s.slack.socketMode.sessions) expect(session.strayMessages).toEqual([]);
}

/**
 * Answers on the first connection, ends it with `cut`, then answers on the second: and the
 * old connection is let go (Slack counts an app's open connections against a limit).
 */
async function answersAgainAfter(s: SocketModeBot, cut: (first: SocketModeSession) => void | Promise<void>): Promise<void> {
  const first = await s.slack.socketMode.waitForSession(1);
  await investigateOn(s, first);
  await cut(first);
  const second = await s.slack.socketMode.waitForSession(2, RECONNECT_TIMEOUT_MS);
  await investigateOn(s, second);
  await first.connection.whenClosed(RECONNECT_TIMEOUT_MS);
  expect(await runJobs(s)).toHaveLength(2);
  expectOneUrlPerConnectionAndNoStrayAcks(s, 2);
}

/** Runs `test` against a bot of its own, stopped afterwards whatever happens. */
function withBot(test: (s: SocketModeBot) => Promise<void>): () => Promise<void> {
  return async () => {
    const s = await startSocketModeBot(redis);
    try {
      await test(s);
    } finally {
      await s.stop();
    }
  };
}

// Concurrent: each test waits seconds on the client's timers, with a bot and a fake Slack of its own.
describe.concurrent('Socket Mode: Slack ending the connection', () => {
  it(
    'on refresh_requested, connects to a new URL and answers /investigate there; an alarm caught in the switch starts one run',
    withBot(async (s) => {
      const first = await s.slack.socketMode.waitForSession(1);
      const before = await investigateOn(s, first);

      // Slack recycles the server holding the connection; an alarm post was on its way right behind.
      s.slack.socketMode.requestDisconnect('refresh_requested', first);
      const ts = '1793620752.000100';
      const post = alarmPost({ name: 'prod-RootLogin-alarm', state: 'ALARM', ts, changedAt: '2026-11-02T11:59:12.331Z', account: '210987654321' });
      const alarm = JSON.parse(eventCallbackRequest('', post, { eventId: 'Ev0RECONNECT' }).body) as Record<string, unknown>;
      const alarmOnFirst = s.slack.socketMode.deliver('events_api', alarm).then(
        () => 'acked' as const,
        () => 'not acked' as const,
      );

      const second = await s.slack.socketMode.waitForSession(2, RECONNECT_TIMEOUT_MS);
      // The bot hung up the old connection itself, with a closing handshake.
      expect(await first.connection.whenClosed()).toMatchObject({ code: 1000, initiatedBy: 'client' });

      // Slack redelivers an event that was not acked, on the connection there is now.
      if ((await alarmOnFirst) === 'not acked') {
        const redelivered = await s.slack.socketMode.deliver('events_api', alarm, { retryAttempt: 1, retryReason: 'timeout' });
        expect(second.acks.map((a) => a.envelopeId)).toContain(redelivered.envelopeId);
      }
      const alarmRun = await eventually(() => s.runs.getJob(`alarm-${ALARM_CHANNEL}-1793620752_000100-root-logins`));
      expect(alarmRun.data).toMatchObject({ runbookId: 'root-logins', source: 'alarm', slack: { channel: ALARM_CHANNEL, threadTs: ts } });

      const after = await investigateOn(s, second);

      // Nothing lost, nothing twice: the two commands' runs and the alarm's, one each.
      const jobs = await runJobs(s);
      expect(jobs.filter((j) => j.source === 'slash').map((j) => j.runId).sort()).toEqual([before, after].sort());
      expect(jobs.filter((j) => j.source === 'alarm')).toHaveLength(1);
      expectOneUrlPerConnectionAndNoStrayAcks(s, 2);
    }),
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    "moves to one new connection on Slack's warning followed by its refresh, and answers there",
    withBot(async (s) => {
      const first = await s.slack.socketMode.waitForSession(1);
      s.slack.socketMode.requestDisconnect('warning', first);
      s.slack.socketMode.requestDisconnect('refresh_requested', first);

      const second = await s.slack.socketMode.waitForSession(2, RECONNECT_TIMEOUT_MS);
      await first.connection.whenClosed();
      await investigateOn(s, second);
      await investigateOn(s, second);

      // Two disconnect messages, one new connection: the second did not start another.
      expect(s.slack.socketMode.sessions).toHaveLength(2);
      expect(await runJobs(s)).toHaveLength(2);
      expectOneUrlPerConnectionAndNoStrayAcks(s, 2);
    }),
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'reconnects after the TCP connection drops without a close frame, and answers on the new connection',
    withBot((s) =>
      answersAgainAfter(s, async (first) => {
        first.connection.terminate();
        expect(await first.connection.whenClosed()).toMatchObject({ clean: false, initiatedBy: 'none' });
      }),
    ),
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'reconnects on refresh_requested when Slack answers the close frame but leaves the TCP connection open, and drops the old one',
    withBot((s) =>
      answersAgainAfter(s, (first) => {
        first.connection.keepTcpOpenAfterClosing = true;
        s.slack.socketMode.requestDisconnect('refresh_requested', first);
      }),
    ),
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'reconnects when the connection goes silent (no pong, no close, no FIN), and answers on the new connection',
    withBot((s) => answersAgainAfter(s, (first) => first.connection.goSilent())),
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'stops when told to in the wait before reconnecting, and does not connect again',
    withBot(async (s) => {
      const first = await s.slack.socketMode.waitForSession(1);
      s.slack.socketMode.requestDisconnect('refresh_requested', first);
      await first.connection.whenClosed();

      // A deploy's SIGTERM landing in the client's wait before it asks for a new URL.
      await s.bot.stop();
      // Longer than that wait (5 s): a reconnection the stop failed to cancel would have asked by now.
      await expect(s.slack.waitForCall('apps.connections.open', 2, { okOnly: false, timeoutMs: 8_000 })).rejects.toThrow(/timed out/);
      expect(s.slack.socketMode.sessions).toHaveLength(1);
    }),
    SLOW_TEST_TIMEOUT_MS,
  );
});
