// What dist/ was built from, so that bin/ctrb.js never runs a build older than src/.
//
// The stamp (dist/build-stamp.json) records a digest of every file under src/: its path, size
// and modification time. Any edit, new file or deleted file changes the digest; comparing it
// costs one directory walk and a stat per file (a few milliseconds), not a read of the
// sources. scripts/build.js writes the stamp last, so a build that failed half-way leaves
// none and counts as stale.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = 'build-stamp.json';

/** The digest of the tree under `srcDir`, or undefined when there is no such folder. */
export function sourceDigest(srcDir) {
  let names;
  try {
    names = readdirSync(srcDir, { recursive: true, withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
  const lines = [];
  for (const entry of names) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const { size, mtimeMs } = statSync(path);
    // The path below src/: the same tree moved elsewhere is the same build.
    lines.push(`${path.slice(srcDir.length)}\0${size}\0${mtimeMs}`);
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** The stamp in `distDir`, or undefined when there is none (never built, or a build that failed). */
export function readStamp(distDir) {
  try {
    return JSON.parse(readFileSync(join(distDir, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}
