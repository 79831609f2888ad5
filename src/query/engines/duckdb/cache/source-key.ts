/**
 * What a cache entry is keyed on: a log file as it is now. The key is the file's absolute
 * path, size, modification time and change time (nanoseconds): a file rewritten, appended
 * to, or even restored with its old modification time gets a new change time, so its old
 * entry never matches again.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';

/** The file's key, or null when it cannot be looked at (it is then read, and reported). */
export async function sourceKey(path: string): Promise<string | null> {
  const info = await stat(path, { bigint: true }).catch(() => null);
  if (!info?.isFile()) return null;
  return createHash('sha256')
    .update([path, info.size, info.mtimeNs, info.ctimeNs, info.ino].join('\0'))
    .digest('hex')
    .slice(0, 32);
}
