/**
 * Run jobs on a real BullMQ worker, with the DuckDB engine on the bundled sample, real Redis
 * and the fake Slack Web API: what a responder sees in the channel.
 */
import { describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { CHANNEL, stepIdOf, textOf, useFakeSlack, useTestRunbooks, useWorkerScope } from '../support/worker.js';

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
    expect(parent.text).toMatch(/8 medium/);
    expect(textOf(parent)).toContain(runId);

    // 176 IAM calls do not fit in a message: the full result is attached in the thread.
    const files = replies.filter((m) => m.subtype === 'file_share').flatMap((m) => m.files ?? []);
    expect(files.map((f) => f.title)).toContain('Recent IAM calls: full result (176 rows)');
    const upload = [...w.slack.uploads.values()].find((u) => u.threadTs === parent.ts && u.title?.startsWith('Recent IAM calls'));
    expect(upload?.completed).toBe(true);
    expect(upload?.bytes?.toString('utf8').split('\n').filter(Boolean)).toHaveLength(177);

    // Engine warnings about the logs are posted once, in the thread.
    expect(replies.filter((m) => m.text?.includes('while reading the logs'))).toHaveLength(1);
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
    const attempts = w.slack.callsTo('chat.postMessage', { all: true });
    const limited = attempts.filter((c) => c.outcome === 'rate_limited');
    expect(limited).toHaveLength(2);
    // The retry came after the wait Slack asked for.
    const retried = attempts[attempts.indexOf(limited[1]!) + 1]!;
    expect(retried.at - limited[0]!.at).toBeGreaterThanOrEqual(2_000);
  });
});
