/**
 * Fill the cache after answering: a session that parsed only what its run needed (the events
 * that can match, the fields read) leaves the whole records of those files to a process of
 * their own (fill-process.ts), started detached and at low priority, so the person waiting
 * has the answer first and the next run reads the cache. Nothing waits for it; a run that
 * comes before it is done parses what is not yet cached, as ever.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFillJob, type FillJob } from './cache/fill-jobs.js';
import type { CacheSettings } from './cache/settings.js';
import { ownScript } from './script.js';

export interface BackgroundFillOptions {
  scratchParent: string;
  spillDir: string;
}

/** Leave the job and start a filler; false (and nothing started) when the job cannot be written. */
export async function startBackgroundFill(settings: CacheSettings, job: FillJob, options: BackgroundFillOptions): Promise<boolean> {
  if (job.files.length === 0) return false;
  try {
    await writeFillJob(settings.dir, job);
  } catch {
    return false;
  }
  const script = ownScript('fill-process');
  const args = [...script.execArgv, fileURLToPath(script.url), settings.dir, String(settings.maxBytes), options.scratchParent, options.spillDir];
  try {
    const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The job waits for the next filler.
  }
  return true;
}
