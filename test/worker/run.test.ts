/**
 * Run jobs on a real BullMQ worker, with the DuckDB engine on the bundled sample, real Redis
 * and the fake Slack Web API: what a responder sees in the channel.
 */
import { DAMAGED_FILE } from '../support/damaged-sample.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN } from '../fakes/slack-api.js';
import { useTestRedis } from '../support/redis.js';
import { CHANNEL, REQUESTER, SAMPLE_WINDOW, stepIdOf, textOf, useFakeSlack, useTestRunbooks, useWorkerScope } from '../support/worker.js';
import { countSampleEvents } from '../sample/tree.js';

// The quick-look runbook reads the whole sample: its figures are the sample's.
const IAM_CALLS = countSampleEvents((r) => r.eventSource === 'iam.amazonaws.com');
const FAILED_SIGN_INS = countSampleEvents((r) => r.eventName === 'ConsoleLogin' && (r.responseElements as { ConsoleLogin?: string } | null)?.ConsoleLogin === 'Failure');

const redis = useTestRedis();
const slack = useFakeSlack();
const runbooks = useTestRunbooks();
const scope = useWorkerScope(redis, slack, runbooks);

describe('a run job', () => {
  it('posts a parent message, one reply per step in order, a CSV for a long result, and the final status on the parent', async () => {
    const w = scope();
    await w.start();
    const runId = await w.enqueue('quick-look');
    const record = await w.waitForStatus(runId, 'completed');

    const { parent, replies } = await w.thread(runId);
    expect(parent.channel).toBe(CHANNEL);
    expect(parent.threadTs).toBeUndefined();
    expect(record.slack.threadTs).toBe(parent.ts);
    const stepReplies = replies.map(stepIdOf).filter((id) => id !== undefined);
    expect(stepReplies).toEqual(['logins', 'many', 'flag', 'next']);

    // The parent, updated in place: final status and the one-line findings summary.
    expect(parent.updates).toBeGreaterThanOrEqual(1);
    expect(parent.text).toContain('completed');
    expect(parent.text).toMatch(new RegExp(`${FAILED_SIGN_INS} medium`));
    expect(textOf(parent)).toContain(runId);

    // The sample's IAM calls (over a hundred) do not fit in a message: the full result is attached in the thread.
    expect(IAM_CALLS).toBeGreaterThan(100);
    const files = replies.filter((m) => m.subtype === 'file_share').flatMap((m) => m.files ?? []);
    expect(files.map((f) => f.title)).toContain(`Recent IAM calls: full result (${IAM_CALLS} rows)`);
    const upload = [...w.slack.uploads.values()].find((u) => u.threadTs === parent.ts && u.title?.startsWith('Recent IAM calls'));
    expect(upload?.completed).toBe(true);
    expect(upload?.bytes?.toString('utf8').split('\n').filter(Boolean)).toHaveLength(IAM_CALLS + 1); // and the header

    // Engine warnings about the logs (here, a truncated file) are posted once, in the thread.
    const warnings = replies.filter((m) => m.text?.includes('while reading the logs'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain(DAMAGED_FILE);
  });

  it('the parent shows live progress as steps finish: the step the run is at and the findings so far', async () => {
    const w = scope();
    await w.start();
    const runId = await w.enqueue('quick-look');
    await w.waitForStatus(runId, 'completed');
    const { parent } = await w.thread(runId);
    const shown = w.slack
      .callsTo('chat.update')
      .filter((c) => c.args.ts === parent.ts)
      .map((c) => String(c.args.text));
    // One update per finished step, then the final status.
    expect(shown).toHaveLength(5);
    expect(shown[0]).toMatch(/running · step 2 of 4, findings so far: no findings/);
    expect(shown[1]).toMatch(/running · step 3 of 4, findings so far: no findings/);
    expect(shown[2]).toMatch(new RegExp(`running · step 4 of 4, findings so far: .*${FAILED_SIGN_INS} medium`));
    expect(shown[4]).toMatch(new RegExp(`completed: .*${FAILED_SIGN_INS} medium`));
    const progressBlocks = JSON.stringify(w.slack.callsTo('chat.update').find((c) => c.args.ts === parent.ts)?.args.blocks);
    expect(progressBlocks).toContain('Findings so far:');
    expect(progressBlocks).toContain('1 of 4 steps done');
  });

  it('from an alarm: the parent is the first reply under the alarm post, and the steps follow in that thread', async () => {
    const w = scope();
    await w.start();
    const alarm = await fetch(`${w.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0ALARMS', text: 'ALARM: "ConsoleSignInFailures" in US East (N. Virginia)' }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    const runId = await w.enqueue('quick-look', {
      source: 'alarm',
      requestedBy: 'alarm:ConsoleSignInFailures',
      slack: { channel: 'C0ALARMS', threadTs: alarm.ts },
      alarm: { name: 'ConsoleSignInFailures', region: 'us-east-1', stateChangeTime: '2026-11-02T21:40:00.000Z' },
    });
    const record = await w.waitForStatus(runId, 'completed');

    expect(record.slack.threadTs).toBe(alarm.ts);
    const inThread = w.slack.threadReplies('C0ALARMS', alarm.ts);
    expect(inThread[0]?.ts).toBe(record.slack.parentTs);
    expect(inThread[0]?.text).toContain('completed');
    expect(inThread.map(stepIdOf).filter(Boolean)).toEqual(['logins', 'many', 'flag', 'next']);
    expect(textOf(inThread[0])).toContain('ConsoleSignInFailures');
  });

  it('refuses an unknown runbook without retrying, and says why in the channel', async () => {
    const w = scope();
    const worker = await w.start();
    const runId = await w.enqueue('no-such-runbook');
    await w.waitForStatus(runId, 'failed');

    const job = await w.queues.runs.getJob(`run-${runId}`);
    await expect.poll(() => job?.getState(), { timeout: 5_000 }).toBe('failed');
    const failed = await w.queues.runs.getJob(`run-${runId}`);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain('unknown runbook "no-such-runbook"');

    const notice = [...w.slack.messages.values()].find((m) => m.text?.includes(runId));
    expect(notice?.text).toContain('cannot start');
    expect(notice?.text).toContain('unknown runbook');
    expect(worker.runs.isRunning()).toBe(true);
  });

  it('waits out a 429 on a reply as Retry-After says: every reply arrives once', async () => {
    const w = scope();
    await w.start();
    w.slack.clearCalls();
    const runId = await w.enqueue('five-steps');
    // The parent goes through; the next post in the thread is rate limited twice.
    await w.slack.waitForCall('chat.postMessage', 1);
    w.slack.rateLimit('chat.postMessage', { times: 2, retryAfterSeconds: 1 });
    await w.waitForStatus(runId, 'completed');

    const { replies } = await w.thread(runId);
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'done']);
    // Waited out, not shown: nothing in the thread speaks of it.
    expect(JSON.stringify(replies)).not.toContain('ratelimited');
    const attempts = w.slack.callsTo('chat.postMessage', { all: true });
    const limited = attempts.filter((c) => c.outcome === 'rate_limited');
    expect(limited).toHaveLength(2);
    // The retry came after the wait Slack asked for.
    const retried = attempts[attempts.indexOf(limited[1]!) + 1]!;
    expect(retried.at - limited[0]!.at).toBeGreaterThanOrEqual(2_000);
  });

  it('refuses a run in an account no query role covers, without retrying, and says which account', async () => {
    const w = scope();
    await w.start({ CTRB_ENGINE: 'lookup', AWS_REGION: 'us-east-1', CTRB_QUERY_ROLES: '444455556666=arn:aws:iam::444455556666:role/ctrb-query' });
    const runId = await w.enqueue('quick-look', {
      source: 'alarm',
      requestedBy: 'alarm:ConsoleSignInFailures',
      alarm: { name: 'ConsoleSignInFailures', region: 'us-east-1', accountId: '111122223333', stateChangeTime: '2026-11-02T21:40:00.000Z' },
    });
    await w.waitForStatus(runId, 'failed');

    const refusal = 'no query role is configured for account 111122223333';
    await expect.poll(async () => (await w.queues.runs.getJob(`run-${runId}`))?.failedReason, { timeout: 5_000 }).toContain(refusal);
    expect((await w.queues.runs.getJob(`run-${runId}`))?.attemptsMade).toBe(1);
    const notice = [...w.slack.messages.values()].find((m) => m.text?.includes(runId));
    expect(notice?.text).toContain(refusal);
  });

  it('fails at once, without retrying, when Slack refuses the channel, and tells the requester directly', async () => {
    const w = scope();
    await w.start();
    // A private channel the bot is not in: every post there is refused.
    w.slack.failWith('chat.postMessage', 'channel_not_found', 100, { match: (args) => args.channel === 'C0GONE' });
    const runId = randomUUID();
    await w.enqueue('five-steps', { runId, slack: { channel: 'C0GONE' } });

    const explained =
      'Slack answered channel_not_found: the channel is private and the bot is not in it (invite it with /invite and its name), or the channel is gone; then run the runbook again';
    await expect.poll(async () => (await w.queues.runs.getJob(`run-${runId}`))?.failedReason, { timeout: 10_000 }).toBe(explained);
    expect((await w.queues.runs.getJob(`run-${runId}`))?.attemptsMade).toBe(1);
    expect(w.slack.callsTo('chat.postMessage', { all: true }).filter((c) => c.args.channel === 'C0GONE')).toHaveLength(1);

    // No thread to say it in: the person who started the run gets it in their direct messages.
    const directly = () => w.slack.callsTo('chat.postMessage').find((c) => c.args.channel === REQUESTER && textOf(c.args as never).includes(runId));
    await expect.poll(directly, { timeout: 10_000 }).toBeDefined();
    expect(textOf(directly()!.args as never)).toContain(`Run ${runId} (five-steps), started in <#C0GONE>, stopped after 1 attempt: ${explained}`);
    await w.waitForStatus(runId, 'failed');
  });

  it('marks a run failed, and says so in the thread, once its job has used up its attempts', async () => {
    const w = scope();
    await w.start();
    const runId = randomUUID();
    // A Slack error worth retrying, on a job allowed one attempt only.
    // Every update fails: the progress lines are let go, the final status is not.
    w.slack.failWith('chat.update', 'internal_error', 1_000);
    await w.queues.runs.add(
      'run',
      { runId, runbookId: 'five-steps', params: {}, window: SAMPLE_WINDOW, requestedBy: 'U0RESPONDER', source: 'slash', slack: { channel: CHANNEL } },
      { jobId: `run-${runId}`, attempts: 1 },
    );

    await w.waitForStatus(runId, 'failed');
    const { replies } = await w.thread(runId);
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'done']);
    const threadTs = replies[0]!.threadTs!;
    await expect.poll(() => w.slack.threadReplies(CHANNEL, threadTs).map((m) => m.text ?? '')).toContainEqual(expect.stringContaining('stopped after 1 attempt'));
  });
});
