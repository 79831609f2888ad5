/**
 * The runbook library: every runbook in a directory, found by id, with the closest names
 * suggested when a name is not found.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distance } from 'fastest-levenshtein';
import { RunbookError, type LoadedRunbook, type RunbookIssue } from './errors.js';
import type { RunbookMemo } from './memo.js';
import { readRunbookDir } from './read.js';

/** The repository root, wherever the code runs from (src/ with tsx, dist/ when built). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILTIN_RUNBOOK_DIR = join(PACKAGE_ROOT, 'runbooks');

export class UnknownRunbookError extends Error {
  override name = 'UnknownRunbookError';
  constructor(
    readonly requested: string,
    readonly suggestions: string[],
  ) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
    super(`unknown runbook "${requested}".${hint} (\`ctrb list\` shows them all)`);
  }
}

/** `--runbooks` or CTRB_RUNBOOKS names a folder that is not there: the user's to fix. */
export class RunbookDirectoryNotFoundError extends Error {
  override name = 'RunbookDirectoryNotFoundError';
  constructor(readonly dir: string) {
    super(`runbook directory not found: ${dir} (set by --runbooks or CTRB_RUNBOOKS)`);
  }
}

/**
 * The order `localeCompare` gives runbook ids (which hold only a-z, 0-9, "-" and "_": the
 * schema says so), without its first call's cost: setting up ICU's collator takes longer
 * than everything else `ctrb list` does with the runbooks once they are read.
 */
const ID_ORDER = new Map([...'_-0123456789abcdefghijklmnopqrstuvwxyz'].map((c, i) => [c, i]));
export function compareIds(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (ID_ORDER.get(a[i]!) ?? a.charCodeAt(i) + 64) - (ID_ORDER.get(b[i]!) ?? b.charCodeAt(i) + 64);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export class RunbookLibrary {
  private readonly byId: Map<string, LoadedRunbook>;

  /** Alias → the runbook it names. */
  private readonly byAlias: Map<string, LoadedRunbook>;

  constructor(readonly dir: string, entries: LoadedRunbook[]) {
    this.byId = new Map(entries.map((e) => [e.runbook.id, e]));
    this.byAlias = new Map();
    const issues: RunbookIssue[] = [];
    for (const entry of entries) {
      for (const alias of entry.runbook.aliases) {
        const taken = this.byId.get(alias) ?? this.byAlias.get(alias);
        if (taken && taken !== entry) issues.push({ file: entry.file, path: 'aliases', message: `"${alias}" already names ${taken.runbook.id}` });
        else this.byAlias.set(alias, entry);
      }
    }
    // A name that could mean two runbooks must not quietly start either.
    if (issues.length > 0) throw new RunbookError(issues);
  }

  /** Every runbook in `dir`, from `memo` where this build has read the same file before. */
  static async load(dir = BUILTIN_RUNBOOK_DIR, memo?: RunbookMemo): Promise<RunbookLibrary> {
    if (!existsSync(dir)) throw new RunbookDirectoryNotFoundError(dir);
    return new RunbookLibrary(dir, await readRunbookDir(dir, memo));
  }

  all(): LoadedRunbook[] {
    return [...this.byId.values()].sort((a, b) => compareIds(a.runbook.id, b.runbook.id));
  }

  /** A runbook by id or alias. */
  get(name: string): LoadedRunbook {
    const found = this.byId.get(name) ?? this.byAlias.get(name);
    if (found) return found;
    throw new UnknownRunbookError(name, this.suggest(name));
  }

  /**
   * Closest ids (aliases count as their runbook): those sharing a whole word with the name
   * (`login` → the console-login runbooks, `s3` → the s3 ones), then those within a few typos.
   */
  suggest(name: string, max = 3): string[] {
    const wanted = name.toLowerCase();
    const words = wanted.split(/[-_\s]+/).filter((w) => w.length >= 2);
    const score = (candidate: string): number => {
      const shared = words.filter((w) => candidate.split('-').includes(w)).length;
      // A shared word puts a name ahead of any near miss; fewer typos break ties.
      return shared > 0 ? -100 * shared + distance(wanted, candidate) / 100 : distance(wanted, candidate);
    };
    return [...this.byId.values()]
      .map(({ runbook }) => ({ id: runbook.id, score: Math.min(...[runbook.id, ...runbook.aliases].map(score)) }))
      .filter((s) => s.score < 0 || s.score <= Math.max(3, wanted.length / 3))
      .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
      .slice(0, max)
      .map((s) => s.id);
  }
}
