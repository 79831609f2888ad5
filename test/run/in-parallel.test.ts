/**
 * The sweep's runbooks, two at a time over one session (src/run/in-parallel.ts): results in the
 * library's order whatever finishes first, never more at once than asked, and after a failure
 * nothing new starts and the caller hears of it only once the work in flight is over (so the
 * session is never closed under a running query).
 */
import { describe, expect, it } from 'vitest';
import { inParallel } from '../../src/run/in-parallel.js';

/** A job per item that finishes when the test says so. */
function gatedJobs<T>() {
  const gates = new Map<T, { open: () => void; fail: (e: Error) => void }>();
  const started: T[] = [];
  let running = 0;
  let most = 0;
  const work = (item: T): Promise<T> => {
    started.push(item);
    running++;
    most = Math.max(most, running);
    return new Promise<T>((resolve, reject) => {
      gates.set(item, {
        open: () => { running--; resolve(item); },
        fail: (e) => { running--; reject(e); },
      });
    });
  };
  const gate = async (item: T) => {
    while (!gates.has(item)) await new Promise((r) => setImmediate(r));
    return gates.get(item)!;
  };
  return { work, gate, started, most: () => most };
}

describe('a few jobs at a time', () => {
  it('gives the results in the items’ order, with no more than the limit running at once', async () => {
    const jobs = gatedJobs<string>();
    const all = inParallel(['a', 'b', 'c', 'd'], 2, jobs.work);
    (await jobs.gate('b')).open();
    (await jobs.gate('c')).open();
    (await jobs.gate('a')).open();
    (await jobs.gate('d')).open();
    expect(await all).toEqual(['a', 'b', 'c', 'd']);
    expect(jobs.most()).toBe(2);
  });

  it('starts nothing after a failure, and throws it once the job still running is over', async () => {
    const jobs = gatedJobs<string>();
    let settled = false;
    const all = inParallel(['a', 'b', 'c', 'd'], 2, jobs.work).finally(() => void (settled = true));
    all.catch(() => undefined);
    (await jobs.gate('a')).fail(new Error('the session went away'));
    const b = await jobs.gate('b');
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // b still runs
    b.open();
    await expect(all).rejects.toThrow('the session went away');
    expect(jobs.started).toEqual(['a', 'b']);
  });

  it('runs nothing for no items', async () => {
    expect(await inParallel([], 2, async () => 1)).toEqual([]);
  });
});
