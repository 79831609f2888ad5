/**
 * Filling the cache after answering (fill-process.ts): a session that parsed only what its run
 * needed leaves a job naming the files it parsed, and one filling process at a time, started
 * in the background, writes their whole records to the cache, job after job.
 *
 * - `fill-<id>.json`: a job: the logs path and files, written under a temporary name and
 *   renamed into place; removed once done;
 * - `fill.lock`: held (created exclusively) by the one filling process; one older than
 *   LOCK_STALE_MS belongs to a process that died, and is taken over.
 *
 * A job is written before the lock is looked at, and a filler looks for jobs again after
 * letting go of the lock: a job is never left without a filler to take it.
 */
import { randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FillJob {
  /** The logs path the user gave (for messages). */
  logsPath: string;
  /** The log files to fill the cache with, whole. */
  files: string[];
}

const JOB_NAME = /^fill-[0-9a-f-]{36}\.json$/;
const LOCK_NAME = 'fill.lock';
/** A filler touches the lock before each job; one untouched this long is dead. */
const LOCK_STALE_MS = 30 * 60 * 1000;

export async function writeFillJob(dir: string, job: FillJob): Promise<string> {
  const path = join(dir, `fill-${randomUUID()}.json`);
  await writeFile(`${path}.tmp`, JSON.stringify(job));
  await rename(`${path}.tmp`, path);
  return path;
}

/** The jobs waiting, oldest first. */
export async function fillJobs(dir: string): Promise<{ path: string; job: FillJob }[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => JOB_NAME.test(n));
  const jobs = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      try {
        const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
        const job = JSON.parse(text) as Partial<FillJob>;
        if (typeof job.logsPath !== 'string' || !Array.isArray(job.files)) return null;
        return { path, job: { logsPath: job.logsPath, files: job.files.filter((f): f is string => typeof f === 'string') }, at: info.mtimeMs };
      } catch {
        return null;
      }
    }),
  );
  return jobs.filter((j) => j !== null).sort((a, b) => a.at - b.at).map(({ path, job }) => ({ path, job }));
}

/** Take the lock; false when a live filler holds it. */
export async function takeFillLock(dir: string): Promise<boolean> {
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs < LOCK_STALE_MS) return false;
      await rm(path, { force: true });
    }
  }
  return false;
}

/** The filler is alive and at work (before each job). */
export async function touchFillLock(dir: string): Promise<void> {
  const now = new Date();
  await utimes(join(dir, LOCK_NAME), now, now).catch(() => undefined);
}

export async function releaseFillLock(dir: string): Promise<void> {
  await rm(join(dir, LOCK_NAME), { force: true });
}

/** Whether a fill is waiting or under way: for tests and benchmarks that wait for it to end. */
export async function fillPending(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((n) => n === LOCK_NAME || JOB_NAME.test(n));
}
