/**
 * `ctrb worker` as a real process: killed in the middle of a run, another worker resumes the
 * run at its first unfinished step; stopped with SIGTERM, it finishes or hands back its run and
 * exits 0.
 *
 * A worker is caught mid-run by holding back Slack's answer to one of its step replies.
 */
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/slack-api.js';
import { useTestRedis } from '../support/redis.js';
import { spawnWorker } from '../support/worker-process.js';
import { stepIdOf, useFakeSlack, useTestRunbooks, useWorkerScope, type WorkerScope } from '../support/worker.js';

const redis = useTestRedis();
const slack = useFakeSlack();
const runbooks = useTestRunbooks();
const scope = useWorkerScope(redis, slack, runbooks);

const FIVE_STEPS = ['q1', 'q2', 'q3', 'q4', 'q5', 'done'];

/** chat.postMessage calls of a five-steps run: 1 parent, 2 the engine's warning, 3.. the steps. */
const replyCall = (step: number) => 2 + step;

function stepReplies(replies: StoredMessage[]): (string | undefined)[] {
  return replies.map(stepIdOf).filter(Boolean);
}

function parentPosts(w: WorkerScope, runId: string): number {
  return w.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined && JSON.stringify(c.args.blocks).includes(runId)).length;
}

describe('ctrb worker, as a process', () => {
  it('killed mid-run: a second worker resumes at the first unfinished step, posting and running nothing twice', async () => {
    const w = scope();
    const first = spawnWorker(w.env({ LOG_LEVEL: 'info' }));
    await first.started;
    // Step 3's reply never reaches Slack: the worker dies while waiting for the answer.
    const held = w.slack.holdCall('chat.postMessage', replyCall(3));
    const runId = await w.enqueue('five-steps');
    await held.arrived;
    const storedBefore = await w.runs.loadSteps(runId);
    expect(storedBefore.map((s) => s.stepId).sort()).toEqual(['q1', 'q2', 'q3']);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    held.release();

    const second = spawnWorker(w.env({ LOG_LEVEL: 'info' }));
    await second.started;
    await w.waitForStatus(runId, 'completed', 30_000);

    const { replies } = await w.thread(runId);
    expect(stepReplies(replies)).toEqual(FIVE_STEPS);
    expect(parentPosts(w, runId)).toBe(1);
    expect(replies.filter((m) => m.text?.includes('while reading the logs'))).toHaveLength(1);
    // The finished steps were not run again: their stored results are the first worker's.
    const storedAfter = await w.runs.loadSteps(runId);
    for (const before of storedBefore) {
      expect(storedAfter.find((s) => s.stepId === before.stepId)?.startedAt).toBe(before.startedAt);
    }
    expect(storedAfter).toHaveLength(FIVE_STEPS.length);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('refuses a bad configuration with one message listing every problem, and exits 2', async () => {
    const w = scope();
    const worker = spawnWorker(w.env({ SLACK_BOT_TOKEN: 'xoxp-a-user-token', CTRB_WORKER_CONCURRENCY: 'lots' }));
    expect((await worker.exited).code).toBe(2);
    expect(worker.output()).toContain('the configuration is not valid (2 problems)');
    expect(worker.output()).toContain('SLACK_BOT_TOKEN: must start with xoxb-');
    expect(worker.output()).toContain('CTRB_WORKER_CONCURRENCY: "lots" is not a number of jobs');
    expect(worker.output()).not.toContain('xoxp-a-user-token');
  });

  it('SIGTERM when idle: exits 0 at once', async () => {
    const w = scope();
    const worker = spawnWorker(w.env({ LOG_LEVEL: 'info' }));
    await worker.started;
    const sent = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - sent).toBeLessThan(3_000);
  });

  it('SIGTERM mid-run: finishes the run within the shutdown timeout, then exits 0', async () => {
    const w = scope();
    const worker = spawnWorker(w.env({ LOG_LEVEL: 'info', CTRB_SHUTDOWN_TIMEOUT: '10s' }));
    await worker.started;
    const held = w.slack.holdCall('chat.postMessage', replyCall(2));
    const runId = await w.enqueue('five-steps');
    await held.arrived;

    worker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    held.release();
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect((await w.runs.getRecord(runId))?.status).toBe('completed');
    expect(stepReplies((await w.thread(runId)).replies)).toEqual(FIVE_STEPS);
  });

  it('SIGTERM mid-run past the timeout: hands the run back, exits 0, and the next worker finishes it', async () => {
    const w = scope();
    const worker = spawnWorker(w.env({ LOG_LEVEL: 'info', CTRB_SHUTDOWN_TIMEOUT: '1s' }));
    await worker.started;
    const held = w.slack.holdCall('chat.postMessage', replyCall(2));
    const runId = await w.enqueue('five-steps');
    await held.arrived;

    worker.child.kill('SIGTERM');
    // Slack answers only after the timeout: the run stops after this step and goes back to the queue.
    await worker.logged('shutdown timeout reached');
    held.release();
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(worker.output()).toContain('handing the run back to the queue');
    expect((await w.runs.getRecord(runId))?.status).toBe('running');

    await w.start();
    await w.waitForStatus(runId, 'completed');
    expect(stepReplies((await w.thread(runId)).replies)).toEqual(FIVE_STEPS);
  });
});
