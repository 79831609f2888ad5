/**
 * Exactly-once Slack posts across crashes: `ctrb worker` processes killed (SIGKILL) at chosen
 * calls of a run, before Slack acts on a post and after Slack accepted it but before the
 * worker heard back, and the run taken over by a fresh worker each time. Over all the kill
 * points: every run completes, and every post (parent, warning, step reply, CSV) is in Slack
 * exactly once, with the parent reused and showing the final status, and an approval request
 * once, its approval pointing at it.
 *
 * A run may be taken over three times before it is given up (MAX_STALLED_COUNT in
 * src/worker/start.ts), so the kill points are spread over several runs.
 */
import { describe, expect, it } from 'vitest';
import type { FakeSlackApi, HeldCall } from '../fakes/slack-api.js';
import { useTestRedis } from '../support/redis.js';
import { spawnWorker } from '../support/worker-process.js';
import { FAKE_BOT_TOKEN } from '../fakes/slack-api.js';
import { stepIdOf, textOf, useFakeSlack, useTestRunbooks, useWorkerScope, type WorkerScope } from '../support/worker.js';
import { countSampleEvents } from '../sample/tree.js';

const redis = useTestRedis();
const slack = useFakeSlack();
const runbooks = useTestRunbooks();
const scope = useWorkerScope(redis, slack, runbooks);

/** A run's takeovers on a loaded machine: worker start, stalled-job check, a run from the cache. */
const PER_TEST_MS = 240_000;

type Args = Record<string, unknown>;
const keyOf = (args: Args): string | undefined => (args.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
const runOf = (args: Args): string | undefined => (args.metadata as { event_payload?: { run_id?: string } } | undefined)?.event_payload?.run_id;

interface KillPoint {
  /** What the worker was doing, for failure messages. */
  name: string;
  hold(slack: FakeSlackApi, runId: string): HeldCall;
}

/** The post of `runId` whose metadata key passes `key`, held before Slack acts on it or after. */
const post = (name: string, key: (k: string) => boolean, afterActing: boolean): KillPoint => ({
  name,
  hold: (s, runId) => s.holdWhere('chat.postMessage', (a) => runOf(a) === runId && key(keyOf(a) ?? ''), { afterActing }),
});
const update = (name: string, when: (text: string) => boolean): KillPoint => ({
  name,
  hold: (s) => s.holdWhere('chat.update', (a) => when(String(a.text ?? '')), { afterActing: true }),
});
const is = (k: string) => (key: string) => key === k;

/** Kills a worker at each point in turn, each time with a fresh worker taking the run over; then one finishes it. */
async function killAt(w: WorkerScope, runId: string, points: KillPoint[], until: 'completed' | 'waiting_approval' = 'completed'): Promise<void> {
  for (const point of points) {
    const held = point.hold(w.slack, runId);
    const worker = spawnWorker(w.env({ LOG_LEVEL: 'info' }));
    // Bounded for a loaded machine, so a call that never comes fails naming the point.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 90_000)));
    const outcome = await Promise.race([held.arrived.then(() => 'held' as const), worker.exited.then(() => 'exited' as const), gaveUp]);
    clearTimeout(timer);
    if (outcome !== 'held') throw new Error(`the worker ${outcome === 'exited' ? 'exited' : 'did not get'} to ${point.name}:\n${worker.output()}`);
    worker.child.kill('SIGKILL');
    await worker.exited;
    held.release();
  }
  const last = spawnWorker(w.env({ LOG_LEVEL: 'info' }));
  try {
    await w.waitForStatus(runId, until, 90_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${last.output()}`, { cause: e });
  }
  last.child.kill('SIGTERM');
  await last.exited;
}

/** Every post of the run, by its metadata key, must be in Slack once. */
function expectEachPostOnce(w: WorkerScope, runId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of w.slack.messagesWithMetadata(runId)) {
    const key = (m.metadata as { event_payload: { key: string } }).event_payload.key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  return counts;
}

const FIVE_STEPS = ['q1', 'q2', 'q3', 'q4', 'q5', 'done'];

async function expectFiveStepsOnce(w: WorkerScope, runId: string): Promise<void> {
  const counts = expectEachPostOnce(w, runId);
  expect(counts.get('parent')).toBe(1);
  const { parent, replies } = await w.thread(runId);
  expect(replies.map(stepIdOf).filter(Boolean)).toEqual(FIVE_STEPS);
  expect(replies.filter((m) => m.text?.includes('while reading the logs'))).toHaveLength(1);
  expect(parent.text).toContain('completed');
}

describe('exactly-once Slack posts, with the worker killed at 14 points', () => {
  it(
    'the parent: killed before Slack took it, after Slack took it, and after the warning was taken: one parent, reused',
    async () => {
      const w = scope();
      const runId = await w.enqueue('five-steps');
      await killAt(w, runId, [
        post('posting the parent (not reached Slack)', is('parent'), false),
        post('posting the parent (accepted, answer lost)', is('parent'), true),
        post('posting the engine warning (accepted, answer lost)', (k) => k.startsWith('warning:'), true),
      ]);
      await expectFiveStepsOnce(w, runId);
      // One parent in the channel, the one a resumed run found again.
      const parents = [...w.slack.messages.values()].filter((m) => m.threadTs === undefined && textOf(m).includes(runId));
      expect(parents).toHaveLength(1);
    },
    PER_TEST_MS,
  );

  it(
    'step replies and the progress line: killed before and after Slack took a reply, and after a progress update',
    async () => {
      const w = scope();
      const runId = await w.enqueue('five-steps');
      await killAt(w, runId, [
        post('replying with q1 (not reached Slack)', is('reply:q1:ok'), false),
        post('replying with q1 (accepted, answer lost)', is('reply:q1:ok'), true),
        update('showing progress (accepted, answer lost)', (text) => text.includes('step ')),
      ]);
      await expectFiveStepsOnce(w, runId);
    },
    PER_TEST_MS,
  );

  it(
    'later replies and the final status: killed after Slack took q3, the last note, and the final update',
    async () => {
      const w = scope();
      const runId = await w.enqueue('five-steps');
      await killAt(w, runId, [
        post('replying with q3 (accepted, answer lost)', is('reply:q3:ok'), true),
        post('replying with the last note (accepted, answer lost)', is('reply:done:ok'), true),
        update('showing the final status (accepted, answer lost)', (text) => text.includes('completed')),
      ]);
      await expectFiveStepsOnce(w, runId);
    },
    PER_TEST_MS,
  );

  it(
    'a CSV upload and a check: killed after Slack shared the file and after it took the next reply; one file',
    async () => {
      const w = scope();
      const runId = await w.enqueue('quick-look');
      await killAt(w, runId, [
        {
          name: 'sharing the CSV (accepted, answer lost)',
          hold: (s) => s.holdWhere('files.completeUploadExternal', () => true, { afterActing: true }),
        },
        post('replying with the check (accepted, answer lost)', is('reply:flag:ok'), true),
      ]);
      expectEachPostOnce(w, runId);
      const { parent, replies } = await w.thread(runId);
      expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['logins', 'many', 'flag', 'next']);
      const files = replies.filter((m) => m.subtype === 'file_share').flatMap((m) => m.files ?? []);
      // Both long results are attached, each once (the first upload is the one the worker died in).
      expect(files.map((f) => f.title).sort()).toEqual([
        `Console sign-ins: full result (${countSampleEvents((r) => r.eventName === 'ConsoleLogin')} rows)`,
        `Recent IAM calls: full result (${countSampleEvents((r) => r.eventSource === 'iam.amazonaws.com')} rows)`,
      ]);
      expect(parent.text).toContain('completed');
    },
    PER_TEST_MS,
  );

  it(
    'an alarm run: killed after Slack took its parent (the first reply under the alarm) and after its first reply',
    async () => {
      const w = scope();
      const alarm = await fetch(`${w.slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FAKE_BOT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'C0ALARMS', text: 'ALARM: "IamChanges" in US East (N. Virginia)' }),
      }).then((r) => r.json() as Promise<{ ts: string }>);
      const runId = await w.enqueue('five-steps', {
        source: 'alarm',
        requestedBy: 'alarm:IamChanges',
        slack: { channel: 'C0ALARMS', threadTs: alarm.ts },
        alarm: { name: 'IamChanges', stateChangeTime: '2026-11-02T12:00:00.000Z' },
      });
      await killAt(w, runId, [
        post('posting the parent under the alarm (accepted, answer lost)', is('parent'), true),
        post('replying with q1 under the alarm (accepted, answer lost)', is('reply:q1:ok'), true),
      ]);
      await expectFiveStepsOnce(w, runId);
      const underAlarm = w.slack.threadReplies('C0ALARMS', alarm.ts);
      expect(underAlarm.filter((m) => keyOf({ metadata: m.metadata }) === 'parent')).toHaveLength(1);
    },
    PER_TEST_MS,
  );

  it(
    'an approval request: killed after Slack took it, before the approval recorded its message; one set of buttons',
    async () => {
      const w = scope();
      const runId = await w.enqueue('gated-cleanup');
      await killAt(w, runId, [post('posting the approval request (accepted, answer lost)', (k) => k.startsWith('approval:'), true)], 'waiting_approval');
      const counts = expectEachPostOnce(w, runId);
      expect([...counts.keys()].filter((k) => k.startsWith('approval:'))).toHaveLength(1);
      const record = await w.runs.getRecord(runId);
      const approval = await w.approvals.getApproval(record!.approvalId!);
      // The approval points at the one message Slack has.
      const posted = w.slack.messagesWithMetadata(runId).find((m) => (m.metadata as { event_payload: { key: string } }).event_payload.key.startsWith('approval:'));
      expect(approval?.message?.ts).toBe(posted?.ts);
    },
    PER_TEST_MS,
  );
});
