/**
 * What the build reads of the built-in runbooks, for the runbook memo (runbook/memo.ts): each
 * file parsed and checked as `ctrb list` and `ctrb validate` would, its entries written where
 * openRunbookMemo looks for the build's own (`<dist>/runbook-memo/`). scripts/build.js calls it
 * with dist/ and the build's id, so a fresh install answers `list`, `show`, `explain` and
 * `validate` from the memo at its first start instead of parsing YAML and compiling CEL.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_RUNBOOK_DIR } from '../../runbook/library.js';
import { RunbookMemo, SEEDED_MEMO_DIR } from '../../runbook/memo.js';
import { readRunbookFile } from '../../runbook/read.js';
import { validateFile } from './validate.js';

/** The built-in runbooks read into the memo, and a line for each that could not be (it is then parsed at every start). */
export async function seedRunbookMemo(distDir: string, build: string, dir = BUILTIN_RUNBOOK_DIR): Promise<{ seeded: number; problems: string[] }> {
  const memo = new RunbookMemo(join(distDir, SEEDED_MEMO_DIR), build);
  const files = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).map((n) => join(dir, n));
  const problems: string[] = [];
  let seeded = 0;
  for (const file of files) {
    const issues = await validateFile(file, { memo });
    if (issues.length > 0) {
      problems.push(`${file}: ${issues.length} problem(s); \`ctrb validate\` names them`);
      continue;
    }
    await readRunbookFile(file, memo);
    seeded++;
  }
  return { seeded, problems };
}
