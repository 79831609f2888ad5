/**
 * What a cache entry is keyed on: a log file as it is now. The key is the file's absolute
 * path, size, modification time and change time (nanoseconds): a file rewritten, appended
 * to, or even restored with its old modification time gets a new change time, so its old
 * entry never matches again.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

/**
 * The files' keys, or null for a file that cannot be looked at (it is then read, and
 * reported). Synchronous: a few microseconds a file, where the promise version spends
 * several times that queueing thousands of them (a run over cached logs does little else).
 */
export function sourceKeys(paths: readonly string[]): (string | null)[] {
  return paths.map((path) => {
    let info;
    try {
      info = statSync(path, { bigint: true });
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    return createHash('sha256')
      .update([path, info.size, info.mtimeNs, info.ctimeNs, info.ino].join('\0'))
      .digest('hex')
      .slice(0, 32);
  });
}
