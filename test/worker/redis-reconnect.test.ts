/**
 * Redis dropping the worker's connections mid-run (a failover, a network blip, an idle
 * timeout on a proxy): the worker reconnects by itself and the run finishes, every step
 * reported once. The connections are cut from the server's side (CLIENT KILL), only the
 * worker's, so the test's own clients and other test files' are untouched.
 */
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { stepIdOf, useFakeSlack, useTestRunbooks, useWorkerScope } from '../support/worker.js';

const redis = useTestRedis();
const slack = useFakeSlack();
const runbooks = useTestRunbooks();
const scope = useWorkerScope(redis, slack, runbooks);

/** chat.postMessage calls of a five-steps run: 1 parent, 2 the engine's warning, 3.. the steps. */
const replyCall = (step: number) => 2 + step;

async function clientIds(admin: Redis): Promise<Set<string>> {
  const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
  return new Set([...list.matchAll(/^id=(\d+) /gm)].map((m) => m[1]!));
}

describe('a worker whose Redis connections are cut mid-run', () => {
  it('reconnects and finishes the run, reporting every step once', async () => {
    const w = scope();
    const admin = redis.connect();
    const before = await clientIds(admin);
    await w.start();
    // The worker's own connections: whatever appeared with it (the test's were opened before).
    const theirs = [...(await clientIds(admin))].filter((id) => !before.has(id));
    expect(theirs.length).toBeGreaterThan(0);

    const held = w.slack.holdCall('chat.postMessage', replyCall(2));
    const runId = await w.enqueue('five-steps');
    await held.arrived;

    // One at a time: CLIENT KILL's filters are ANDed.
    let killed = 0;
    for (const id of theirs) killed += (await admin.call('CLIENT', 'KILL', 'ID', id)) as number;
    expect(killed).toBe(theirs.length);
    held.release();

    await w.waitForStatus(runId, 'completed', 30_000);
    const { replies } = await w.thread(runId);
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'done']);
    // It reconnected: connections of its own are open again.
    expect([...(await clientIds(admin))].filter((id) => !before.has(id)).length).toBeGreaterThan(0);
  });
});
