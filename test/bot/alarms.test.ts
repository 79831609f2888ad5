/**
 * Alarm posts through the real Bolt HTTP receiver (Events API callbacks, signed), no worker:
 * what the bot enqueues, and what it posts itself.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { ALARM_CHANNEL, alarmPost, eventually, startBotHarness, textOf, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness(redis);
});
afterAll(async () => {
  await h?.stop();
});
// Each test counts the calls it caused; every test waits for what it caused to be done.
beforeEach(() => h.slack.clearCalls());

describe('alarm posts', () => {
  it('starts each matching runbook in a thread under the alarm post, its window around the state change', async () => {
    const post = alarmPost({ name: 'prod-RootLogin-alarm', state: 'ALARM', ts: '1793620752.000100', changedAt: '2026-11-02T11:59:12.331Z', region: 'eu-west-1', account: '210987654321' });
    expect((await h.event(post)).status).toBe(200);

    const job = await eventually(() => h.runs.getJob(`alarm-${ALARM_CHANNEL}-1793620752_000100-root-logins`));
    expect(job.data).toMatchObject({
      runbookId: 'root-logins',
      source: 'alarm',
      requestedBy: 'alarm:prod-RootLogin-alarm',
      slack: { channel: ALARM_CHANNEL, threadTs: '1793620752.000100' },
      // The alarm's own account and region; a list parameter keeps its default.
      params: { account: '210987654321', region: 'eu-west-1', trusted_accounts: ['123456789012'] },
      alarm: { name: 'prod-RootLogin-alarm', region: 'eu-west-1', accountId: '210987654321' },
      // 24 h before the state change, to 15 minutes after it.
      window: { start: '2026-11-01T11:59:12.331Z', end: '2026-11-02T12:14:12.331Z' },
    });
  });

  it('starts one run and posts its notes once, however often Slack delivers the same post', async () => {
    // root-logins starts; key-usage cannot start from an alarm, and says so in the thread.
    const ts = '1793620800.000200';
    h.slack.messages.set(`${ALARM_CHANNEL}:${ts}`, { channel: ALARM_CHANNEL, ts, text: 'alarm', updates: 0 });
    const post = alarmPost({ name: 'prod-RootLogin-AccessKeyLeak', state: 'ALARM', ts, changedAt: '2026-11-02T12:00:00Z' });
    await h.event(post, { eventId: 'Ev0SAME' });
    await h.event(post, { eventId: 'Ev0SAME', retryNum: 1, retryReason: 'http_timeout' });
    await h.event(post, { eventId: 'Ev0SAME', retryNum: 2, retryReason: 'http_timeout' });

    // Each delivery logs once everything it did is done: wait for the three, then count.
    const handled = await h.waitForLogs((l) => l.msg === 'alarm post handled' && l.ts === ts, 3);
    // Deliveries run concurrently: the one that claims the thread first need not be the one whose
    // enqueue wins, so count across the three rather than pairing them.
    expect(handled.flatMap((l) => l.enqueued as string[])).toEqual(['root-logins']);
    expect(handled.flatMap((l) => l.seenBefore as string[])).toEqual(['root-logins', 'root-logins']);
    expect(handled.map((l) => l.notStarted)).toEqual([['key-usage'], ['key-usage'], ['key-usage']]);
    expect(handled.filter((l) => l.firstDelivery === true)).toHaveLength(1);
    const jobs = (await h.runs.getJobs(['waiting'])).filter((j) => j.data.slack.threadTs === ts);
    expect(jobs.map((j) => j.data.runbookId)).toEqual(['root-logins']);
    const notes = h.slack.callsTo('chat.postMessage').filter((c) => (c.args as { thread_ts?: string }).thread_ts === ts);
    expect(notes.map((c) => textOf(c.args as never))).toEqual([expect.stringContaining('`key-usage` matches this alarm but could not start')]);
  });

  it("starts the runbooks a composite alarm's triggering children match, each looking where its child is", async () => {
    const ts = '1793620850.000250';
    const child = 'arn:aws:cloudwatch:eu-west-1:210987654321:alarm:prod-RootLogin';
    const composite = {
      ...alarmPost({ name: 'prod-SecurityComposite', state: 'ALARM', ts, changedAt: '2026-11-02T11:59:12.331Z' }),
      text: JSON.stringify({
        ...(JSON.parse(alarmPost({ name: 'prod-SecurityComposite', state: 'ALARM', ts, changedAt: '2026-11-02T11:59:12.331Z' }).text as string) as object),
        NewStateReason: `${child} transitioned to ALARM at Monday 02 November, 2026 11:59:12 UTC`,
        AlarmRule: 'ALARM(prod-RootLogin) OR ALARM(HighCPU)',
        TriggeringChildren: [{ Arn: child, State: { Value: 'ALARM', Timestamp: '2026-11-02T11:59:12.100+0000' } }],
      }),
    };
    await h.event(composite);
    const [handled] = await h.waitForLogs((l) => l.msg === 'alarm post handled' && l.ts === ts);
    expect(handled).toMatchObject({ enqueued: ['root-logins'], seenBefore: [], notStarted: [] });
    const job = await h.runs.getJob(`alarm-${ALARM_CHANNEL}-1793620850_000250-root-logins`);
    expect(job?.data).toMatchObject({
      requestedBy: 'alarm:prod-SecurityComposite',
      params: { account: '210987654321', region: 'eu-west-1' },
      alarm: { name: 'prod-SecurityComposite', region: 'eu-west-1', accountId: '210987654321' },
    });
  });

  it('says in the thread, once, when no child of a composite alarm matches a runbook', async () => {
    const ts = '1793620870.000270';
    h.slack.messages.set(`${ALARM_CHANNEL}:${ts}`, { channel: ALARM_CHANNEL, ts, text: 'alarm', updates: 0 });
    const base = alarmPost({ name: 'prod-ServiceHealth', state: 'ALARM', ts, changedAt: '2026-11-02T12:00:00Z' });
    const composite = { ...base, text: JSON.stringify({ ...(JSON.parse(base.text as string) as object), AlarmRule: 'ALARM("HighCPU") OR ALARM("DiskFull")' }) };
    await h.event(composite);
    await h.event(composite, { retryNum: 1 });
    await h.waitForLogs((l) => l.msg.startsWith('composite alarm: neither it nor its child alarms match') && l.ts === ts, 2);
    // The note is posted after its log line: wait for the post itself.
    const notesInThread = () => h.slack.callsTo('chat.postMessage').filter((c) => (c.args as { thread_ts?: string }).thread_ts === ts);
    const notes = await eventually(() => (notesInThread().length > 0 ? notesInThread() : undefined));
    expect(notes.map((c) => textOf(c.args as never))).toEqual([
      "ℹ️ Composite alarm `prod-ServiceHealth`: no runbook's `triggers.alarms` matches it or its child alarms (`HighCPU`, `DiskFull`); no runbook was started.",
    ]);
    expect((await h.runs.getJobs(['waiting'])).filter((j) => j.data.slack.threadTs === ts)).toEqual([]);
  });

  it('logs why an alarm post cut off by its relay cannot be read, and starts nothing', async () => {
    const ts = '1793620890.000290';
    const whole = alarmPost({ name: 'RootAccountUsage', state: 'ALARM', ts, changedAt: '2026-11-02T12:00:00Z' });
    const text = whole.text as string;
    const cut = { ...whole, text: text.slice(0, text.indexOf('"AlarmArn"') + 60) };
    await h.event(cut);
    const [line] = await h.waitForLogs((l) => l.msg.startsWith('alarm post not read') && l.ts === ts);
    expect(line).toMatchObject({ level: 40, channel: ALARM_CHANNEL, problem: expect.stringMatching(/^the alarm JSON is cut off after \d+ characters/) });
    expect(line!.msg).toBe(`alarm post not read, no runbook started: ${String(line!.problem)}`);
    expect(h.logs.filter((l) => l.ts === ts && l.msg !== line!.msg)).toEqual([]);
    expect((await h.runs.getJobs(['waiting'])).filter((j) => j.data.slack.threadTs === ts)).toEqual([]);
  });

  it('ignores posts from people, unmatched alarms and posts outside the alarm channels', async () => {
    const before = (await h.runs.getJobs(['waiting'])).length;
    const fromPerson = { ...alarmPost({ name: 'RootAccountUsage', state: 'ALARM', ts: '1793620900.000300', changedAt: '2026-11-02T12:00:00Z' }), subtype: undefined, bot_id: undefined, user: 'U0MALLORY' };
    await h.event(fromPerson);
    await h.event(alarmPost({ name: 'HighCPU', state: 'ALARM', ts: '1793620901.000300', changedAt: '2026-11-02T12:00:00Z' }));
    await h.event({ ...alarmPost({ name: 'RootAccountUsage', state: 'ALARM', ts: '1793620902.000300', changedAt: '2026-11-02T12:00:00Z' }), channel: 'C0RANDOM' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.runs.getJobs(['waiting'])).length).toBe(before);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('notes in the thread when a matching runbook cannot start from an alarm, once, honouring a 429', async () => {
    const ts = '1793621000.000400';
    h.slack.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    const post = alarmPost({ name: 'ci-AccessKeyLeak', state: 'ALARM', ts, changedAt: '2026-11-02T12:00:00Z' });
    // The alarm's thread must exist in the fake for a reply to be accepted.
    h.slack.messages.set(`${ALARM_CHANNEL}:${ts}`, { channel: ALARM_CHANNEL, ts, text: 'alarm', updates: 0 });
    await h.event(post);
    await h.event(post, { retryNum: 1 });

    const note = await h.slack.waitForCall('chat.postMessage', 1, { timeoutMs: 5_000 });
    const limited = h.slack.callsTo('chat.postMessage', { all: true }).find((c) => c.outcome === 'rate_limited');
    expect(limited).toBeDefined();
    expect(note.at - limited!.at).toBeGreaterThanOrEqual(1_000);
    expect(note.args).toMatchObject({ channel: ALARM_CHANNEL, thread_ts: ts });
    expect(textOf(note.args as never)).toContain('`key-usage` matches this alarm but could not start');
    expect(textOf(note.args as never)).toContain('access_key_id: required');
    // Both deliveries done (each logs last): the second posted nothing.
    await h.waitForLogs((l) => l.msg === 'alarm post handled' && l.ts === ts, 2);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it("puts a recovered note into the alarm's thread when the alarm returns to OK", async () => {
    const alarmTs = '1793621100.000500';
    h.slack.messages.set(`${ALARM_CHANNEL}:${alarmTs}`, { channel: ALARM_CHANNEL, ts: alarmTs, text: 'alarm', updates: 0 });
    await h.event(alarmPost({ name: 'eu-RootLogin', state: 'ALARM', ts: alarmTs, changedAt: '2026-11-02T12:00:00Z' }));
    await eventually(() => h.runs.getJob(`alarm-${ALARM_CHANNEL}-1793621100_000500-root-logins`));
    h.slack.clearCalls();

    await h.event(alarmPost({ name: 'eu-RootLogin', state: 'OK', ts: '1793621400.000600', changedAt: '2026-11-02T12:05:00Z' }));
    const note = await h.slack.waitForCall('chat.postMessage');
    expect(note.args).toMatchObject({ channel: ALARM_CHANNEL, thread_ts: alarmTs });
    expect(textOf(note.args as never)).toContain('eu-RootLogin');
    expect(textOf(note.args as never)).toContain('is back to *OK*');
    // Nothing new runs on recovery.
    expect((await h.runs.getJobs(['waiting'])).filter((j) => j.data.alarm?.name === 'eu-RootLogin')).toHaveLength(1);
  });

  it('keeps the threads of same-named alarms in other accounts and regions apart', async () => {
    // One alarm name, deployed in two accounts (and a second region) posting to one channel.
    const places = [
      { account: '111111111111', region: 'us-east-1', ts: '1793621700.000700' },
      { account: '222222222222', region: 'us-east-1', ts: '1793621760.000800' },
      { account: '111111111111', region: 'eu-west-1', ts: '1793621820.000900' },
    ];
    for (const p of places) {
      h.slack.messages.set(`${ALARM_CHANNEL}:${p.ts}`, { channel: ALARM_CHANNEL, ts: p.ts, text: 'alarm', updates: 0 });
      await h.event(alarmPost({ name: 'org-RootLogin', state: 'ALARM', ts: p.ts, changedAt: '2026-11-02T12:00:00Z', account: p.account, region: p.region }));
      await eventually(() => h.runs.getJob(`alarm-${ALARM_CHANNEL}-${p.ts.replace('.', '_')}-root-logins`));
    }
    h.slack.clearCalls();

    // The first account's us-east-1 alarm recovers: its note goes into its own thread only.
    await h.event(alarmPost({ name: 'org-RootLogin', state: 'OK', ts: '1793622000.001000', changedAt: '2026-11-02T12:10:00Z', account: '111111111111', region: 'us-east-1' }));
    const note = await h.slack.waitForCall('chat.postMessage');
    expect(note.args).toMatchObject({ channel: ALARM_CHANNEL, thread_ts: places[0]!.ts });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
