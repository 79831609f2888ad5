/**
 * Runbook files as the library reads them: from the memo when this build has read the same
 * text before, else parsed and checked by load.ts, which is imported only then (the YAML
 * parser and the schema are most of what a catalogue command would otherwise load).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RunbookError, type LoadedRunbook, type RunbookIssue } from './errors.js';
import type { RunbookMemo } from './memo.js';

export async function readRunbookFile(file: string, memo?: RunbookMemo): Promise<LoadedRunbook> {
  const text = await readFile(file, 'utf8');
  const known = await memo?.runbook(file, text);
  if (known) return { runbook: known, file };
  const { runbookFromText } = await import('./load.js');
  const loaded = runbookFromText(text, file);
  await memo?.rememberRunbook(file, text, loaded.runbook);
  return loaded;
}

/** Every `*.yaml` / `*.yml` in a directory, by name; the problems of all of them in one RunbookError. */
export async function readRunbookDir(dir: string, memo?: RunbookMemo): Promise<LoadedRunbook[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const results = await Promise.allSettled(names.map((name) => readRunbookFile(join(dir, name), memo)));
  const loaded: LoadedRunbook[] = [];
  const issues: RunbookIssue[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') loaded.push(result.value);
    else if (result.reason instanceof RunbookError) issues.push(...result.reason.issues);
    else throw result.reason;
  }
  if (issues.length) throw new RunbookError(issues);
  return loaded;
}
