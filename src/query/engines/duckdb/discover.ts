/**
 * Find the CloudTrail files under a logs path, and leave out those whose S3 date folders
 * (…/YYYY/MM/DD/) cannot hold events of the time window, so a 24 h question over a year
 * of logs opens a few days of files, not the whole tree.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { TimeWindow } from '../../../model/query.js';
import { LogsPathNotFoundError, NoCloudTrailFilesError } from './errors.js';

export interface LogFile {
  path: string;
  /** UTC midnight of the file's date folders, or null when its path has none. */
  day: Date | null;
}

export interface Discovery {
  /** Files to read, in path order. */
  files: LogFile[];
  /** CloudTrail files found before date pruning. */
  found: number;
  /** One sentence per folder that could not be listed (and so was skipped). */
  problems: string[];
  /** The first and last date folders of every file found (UTC midnights), when any is dated. */
  days?: { first: Date; last: Date };
}

/**
 * Folders that sit next to `CloudTrail/` in an S3 trail bucket but hold no API events:
 * digest files (hash chains) and Insights events. Athena's CloudTrail table leaves them
 * out too, so both engines answer over the same events.
 */
const NOT_EVENT_FOLDERS = new Set(['cloudtrail-digest', 'cloudtrail-insight']);

const DAY_MS = 86_400_000;

export function isCloudTrailFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.json') || lower.endsWith('.json.gz');
}

/**
 * The date of the innermost `YYYY/MM/DD` folder triple of a path. Looking at the whole
 * absolute path means a logs dir pointing inside the tree (one day, one month) still dates
 * its files.
 */
export function datePathOf(path: string): Date | null {
  const parts = resolve(path).split(sep);
  for (let i = parts.length - 2; i >= 2; i--) {
    const [y, m, d] = [parts[i - 2]!, parts[i - 1]!, parts[i]!];
    if (!/^\d{4}$/.test(y) || !/^\d{2}$/.test(m) || !/^\d{2}$/.test(d)) continue;
    const month = Number(m);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    return new Date(Date.UTC(Number(y), month - 1, day));
  }
  return null;
}

/**
 * Whether a file in a given date folder may hold events of the window. A folder's date is
 * the delivery date and CloudTrail delivers minutes late, so one day of margin is kept on
 * each side. Undated files are always read.
 */
export function mayHoldWindow(day: Date | null, window: TimeWindow): boolean {
  if (day === null) return true;
  const firstDay = Math.floor(window.start.getTime() / DAY_MS) * DAY_MS - DAY_MS;
  const lastDay = Math.floor((window.end.getTime() - 1) / DAY_MS) * DAY_MS + DAY_MS;
  return day.getTime() >= firstDay && day.getTime() <= lastDay;
}

export async function discoverLogFiles(logsPath: string, window: TimeWindow): Promise<Discovery> {
  const root = resolve(logsPath);
  const rootStat = await stat(root).catch(() => null);
  if (!rootStat) throw new LogsPathNotFoundError(logsPath);

  // A single file named explicitly is read whatever its name. Hidden files and folders are
  // not logs (editor files, a generated tree's .manifest.json).
  const problems: string[] = [];
  const paths = rootStat.isFile() ? [root] : await walk(root, (dir, error) => problems.push(`skipped folder ${displayPath(dir, root)}: ${folderProblem(error)}`));
  if (paths.length === 0 && problems.length === 0) throw new NoCloudTrailFilesError(logsPath);

  paths.sort();
  const all = paths.map((path) => ({ path, day: datePathOf(path) }));
  const files = all.filter((file) => mayHoldWindow(file.day, window));
  const times = all.flatMap((f) => (f.day ? [f.day.getTime()] : []));
  const days = times.length > 0 ? { first: new Date(Math.min(...times)), last: new Date(Math.max(...times)) } : undefined;
  return { files, found: paths.length, problems, ...(days ? { days } : {}) };
}

/**
 * Every CloudTrail file under `root`. A folder below it that cannot be listed (no permission,
 * a link loop) is reported and skipped: one locked day folder must not hide the others. The
 * root itself failing is the whole answer, so it throws.
 */
async function walk(root: string, unreadable: (dir: string, error: unknown) => void): Promise<string[]> {
  const found: string[] = [];
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      // Symlinked folders are followed, once: a link back up the tree must not loop.
      const real = await realpath(dir);
      if (visited.has(real)) continue;
      visited.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (dir === root) throw error;
      unreadable(dir, error);
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => null);
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir && !NOT_EVENT_FOLDERS.has(entry.name.toLowerCase())) pending.push(path);
      else if (isFile && isCloudTrailFileName(entry.name)) found.push(path);
    }
  }
  return found;
}

function folderProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied; its files were not read';
  return `cannot list it (${code ?? (error as Error).message}); its files were not read`;
}

/** For messages: a path short enough to read, still unambiguous within one logs dir. */
export function displayPath(path: string, logsPath: string): string {
  const root = resolve(logsPath);
  return path.startsWith(root + sep) ? path.slice(root.length + 1) : path;
}
