/**
 * `ctrb validate [files or folders]`: every check of validate-checks.ts on each runbook
 * file; a folder means every `*.yaml` / `*.yml` in it; none means the runbook directory.
 * A file this build found valid before with the same text (the runbook memo) is not
 * checked again: the checks, loaded only for a file that needs them, are most of the cost.
 * With `--slack`, every approver is also looked up in the Slack workspace (validate-slack.ts),
 * and every file is checked: the workspace changes without the file changing.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pc from 'picocolors';
import { formatIssue, type RunbookIssue } from '../../runbook/errors.js';
import type { RunbookMemo } from '../../runbook/memo.js';
import type { ApproverCheck } from './validate-checks.js';

export interface ValidateOptions {
  /** Files found valid before with the same text are not checked again. */
  memo?: RunbookMemo;
  /** Also look every approver up in the Slack workspace (`--slack`); the memo is not used then. */
  checkApprovers?: ApproverCheck;
}

export async function validateFile(file: string, { memo, checkApprovers }: ValidateOptions = {}): Promise<RunbookIssue[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [{ file, path: '', message: 'no such file or folder' }];
    throw e;
  }
  if (checkApprovers) return (await import('./validate-checks.js')).runbookTextIssues(text, file, checkApprovers);
  if (await memo?.isValid(file, text)) return [];
  const issues = await (await import('./validate-checks.js')).runbookTextIssues(text, file);
  if (issues.length === 0) await memo?.rememberValid(file, text);
  return issues;
}

/** The runbook files in a folder, by name. */
async function runbookFilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Each argument as the files it names: a folder is the runbooks in it; anything else is read as a file. */
async function expand(files: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) out.push(...((await stat(f).catch(() => undefined))?.isDirectory() ? await runbookFilesIn(f) : [f]));
  return out;
}

/** The approver check of `--slack`, with the bot's token; its Slack client is loaded only then. */
async function workspaceApproverCheck(): Promise<ApproverCheck> {
  const { unknownApproverIssues, workspaceDirectory } = await import('./validate-slack.js');
  const directory = workspaceDirectory(process.env);
  return (runbook, skip, file) => unknownApproverIssues(runbook, skip, directory, file);
}

export async function validateCommand(dir: string, files: string[], o: { slack?: boolean; memo?: RunbookMemo } = {}): Promise<void> {
  // Checked first: a missing token is said before any file is read.
  const options: ValidateOptions = o.slack ? { checkApprovers: await workspaceApproverCheck() } : o.memo ? { memo: o.memo } : {};
  const targets = files.length > 0 ? await expand(files) : await runbookFilesIn(dir);
  const c = pc.createColors(!!process.stdout.isTTY);
  let bad = 0;
  for (const file of targets) {
    const issues = await validateFile(file, options);
    if (issues.length === 0) {
      process.stdout.write(`${c.green('ok')}      ${file}\n`);
    } else {
      bad++;
      process.stdout.write(`${c.red('invalid')} ${file}\n`);
      for (const i of issues) process.stdout.write(`  ${formatIssue(i)}\n`);
    }
  }
  process.stdout.write(`${targets.length - bad} valid, ${bad} invalid\n`);
  if (bad > 0) process.exitCode = 2;
}
