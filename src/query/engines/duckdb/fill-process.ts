/**
 * The filling process: started in the background by a session that answered without filling
 * the cache (background-fill.ts), it takes the cache's fill lock and works through the jobs
 * waiting there (cache/fill-jobs.ts), at low priority, then exits. Another one already at work
 * makes it exit at once: that one takes the new jobs too.
 *
 *   node fill-process.js <cache dir> <max bytes> <scratch parent> <spill dir>
 */
import { availableParallelism, setPriority } from 'node:os';
import { rm } from 'node:fs/promises';
import { fillJobs, releaseFillLock, takeFillLock, touchFillLock } from './cache/fill-jobs.js';
import { fillCache } from './fill.js';
import { memoryLimit } from './memory-limit.js';

const [dir, maxBytes, scratchParent, spillDir] = process.argv.slice(2);
if (!dir || !maxBytes || !scratchParent || !spillDir) {
  process.stderr.write('usage: fill-process <cache dir> <max bytes> <scratch parent> <spill dir>\n');
  process.exit(2);
}
// Whatever runs in front (the next run, a shell) comes first.
try {
  setPriority(19);
} catch {
  // Not allowed here: normal priority, then.
}

// Stopped (a shutdown, a kill): the job in hand stops, its staged files and the lock go, and
// the jobs stay for the next filler. Staged files live in /dev/shm, which only a reboot empties.
const stop = new AbortController();
for (const [name, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  process.once(name, () => {
    process.exitCode = code;
    stop.abort();
  });
}

const settings = { dir, maxBytes: Number(maxBytes) };
const options = { threads: availableParallelism(), memoryLimit: memoryLimit().setting, scratchParent, spillDir, signal: stop.signal };
while (!stop.signal.aborted && (await takeFillLock(dir))) {
  try {
    for (const { path, job } of await fillJobs(dir)) {
      if (stop.signal.aborted) break;
      await touchFillLock(dir);
      // A job that fails (its files gone, the disk full) is dropped: runs parse what is missing.
      const filled = await fillCache(settings, job, options).then(
        () => true,
        () => false,
      );
      // An interrupted job is kept for the next filler; a failed one is not.
      if (filled || !stop.signal.aborted) await rm(path, { force: true });
    }
  } finally {
    await releaseFillLock(dir);
  }
  // A job written while the lock was held, after the list was read: take the lock again.
  if ((await fillJobs(dir)).length === 0) break;
}
