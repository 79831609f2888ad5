/**
 * Runbooks this build of ctrb has read before, found again by their text. Parsing the YAML
 * and checking it against the schema costs more than everything else `ctrb list`, `show`
 * or `explain` does (and CEL compiling, most of `ctrb validate`); reading back a small JSON
 * file costs a fraction of a millisecond.
 *
 * An entry's key is a SHA-256 of the build (dist/build-stamp.json's id: the sources and
 * dependencies it was built from), the file's name (a runbook's id must match it) and the
 * file's whole text. Nothing else decides what reading a file gives, so a runbook edited,
 * renamed or read by another build misses and is parsed again. Only what passed is kept: a
 * runbook with problems is read afresh every time and its errors come from its text.
 *
 * Entries are files in `<cache folder>/runbooks/` (CTRB_CACHE_DIR; none with CTRB_CACHE=off),
 * each written under a temporary name and renamed, so processes sharing the folder never
 * read half of one. The folder keeps at most MAX_ENTRIES: a write beyond removes the oldest.
 * A cache that cannot be read or written is passed by, never an error.
 *
 * The build itself reads the built-in runbooks once (scripts/build.js, through
 * terminal/commands/seed-memo.ts) into `dist/runbook-memo/`, which every process of that build
 * reads after its own folder but never writes: a fresh install, or a new cache folder, starts
 * as fast as the hundredth run. A copy of a built-in runbook (CTRB_RUNBOOKS) hits it too, as
 * long as its name and text are the same.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Runbook } from './schema.js';

const MAX_ENTRIES = 1000;

/** The folder beside dist/build-stamp.json where the build leaves what it read of the built-in runbooks. */
export const SEEDED_MEMO_DIR = 'runbook-memo';

type Kind = 'runbook' | 'valid';

/** Where a memo's entries lie in a folder holding one: a cache folder, or the build's. */
function entriesIn(folder: string): string {
  return join(folder, 'runbooks');
}

export class RunbookMemo {
  /** Where entries are read first and written; none when the cache is off. */
  readonly dir: string | undefined;

  constructor(
    cacheDir: string | undefined,
    /** Which build reads: entries of another never answer. */
    readonly build: string,
    private readonly maxEntries = MAX_ENTRIES,
    /** Entries the build wrote (read after `dir`, never written). */
    private readonly seeded?: string,
  ) {
    this.dir = cacheDir === undefined ? undefined : entriesIn(cacheDir);
  }

  /** The runbook this file's text parsed to before, if it did. */
  async runbook(file: string, text: string): Promise<Runbook | undefined> {
    return ((await this.read('runbook', file, text)) as { runbook?: Runbook } | undefined)?.runbook;
  }

  async rememberRunbook(file: string, text: string, runbook: Runbook): Promise<void> {
    const json = JSON.stringify({ runbook });
    // Kept only when JSON gives back exactly what the parser gave (it always does for what
    // YAML and the schema produce today: plain strings, numbers, lists and maps).
    if (!isDeepStrictEqual((JSON.parse(json) as { runbook: Runbook }).runbook, runbook)) return;
    await this.write('runbook', file, text, json);
  }

  /** Whether `ctrb validate` found this file's text valid before. */
  async isValid(file: string, text: string): Promise<boolean> {
    return (await this.read('valid', file, text)) !== undefined;
  }

  async rememberValid(file: string, text: string): Promise<void> {
    await this.write('valid', file, text, '{}');
  }

  private entryName(kind: Kind, file: string, text: string): string {
    return `${createHash('sha256').update(`${this.build}\0${kind}\0${basename(file)}\0${text}`).digest('hex')}.json`;
  }

  private async read(kind: Kind, file: string, text: string): Promise<unknown> {
    const name = this.entryName(kind, file, text);
    for (const dir of [this.dir, this.seeded]) {
      if (dir === undefined) continue;
      try {
        return JSON.parse(await readFile(join(dir, name), 'utf8'));
      } catch {
        // not there, or not whole: the next folder, else parsed again (and written again)
      }
    }
    return undefined;
  }

  private async write(kind: Kind, file: string, text: string, json: string): Promise<void> {
    if (this.dir === undefined) return;
    const path = join(this.dir, this.entryName(kind, file, text));
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temporary, json);
      await rename(temporary, path);
      await this.trim();
    } catch {
      await rm(temporary, { force: true }).catch(() => {});
    }
  }

  /** Removes the oldest entries beyond maxEntries (each write may add one). */
  private async trim(): Promise<void> {
    if (this.dir === undefined) return;
    const dir = this.dir;
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    if (names.length <= this.maxEntries) return;
    const aged = await Promise.all(names.map(async (n) => ({ n, at: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
    aged.sort((a, b) => a.at - b.at);
    await Promise.all(aged.slice(0, names.length - this.maxEntries).map(({ n }) => rm(join(dir, n), { force: true })));
  }
}

/**
 * The memo of the build whose stamp is at `stamp` (dist/build-stamp.json beside the built
 * entry point): kept in `cacheDir` (none when the cache is off), over the entries the build
 * left beside its stamp. None when there is no stamp (the sources run through tsx, which is
 * not a build).
 */
export function openRunbookMemo(stamp: URL, cacheDir: string | undefined): RunbookMemo | undefined {
  try {
    const { id } = JSON.parse(readFileSync(stamp, 'utf8')) as { id?: unknown };
    if (typeof id !== 'string' || id === '') return undefined;
    return new RunbookMemo(cacheDir, id, MAX_ENTRIES, entriesIn(fileURLToPath(new URL(`./${SEEDED_MEMO_DIR}/`, stamp))));
  } catch {
    return undefined;
  }
}
