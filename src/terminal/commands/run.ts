/** `ctrb run <runbook> [k=v ...]`: one runbook on local logs, in-process, gates planned only. */
import { userInfo } from 'node:os';
import { createDuckDbEngine } from '../../query/engines/duckdb/index.js';
import { RunbookLibrary } from '../../runbook/library.js';
import { parseKeyValues, resolveParams } from '../../runbook/params.js';
import { readDerivedValues, withDerivedInput } from '../../runbook/derived.js';
import type { Severity } from '../../model/severity.js';
import { newRunContext } from '../../run/context.js';
import { prepareRunbook } from '../../run/prepare.js';
import { parseProtectedPatterns, protectedPrincipalsOf, type ProtectedPrincipals } from '../../remediation/index.js';
import { runRunbook } from '../../run/runner.js';
import type { RunResult } from '../../model/run.js';
import { isUserErrorName, UsageError } from '../errors.js';
import { resolveLogSource } from '../../sample/log-source.js';
import { createJsonReporter, createTerminalReporter } from '../reporter.js';
import { SEVERITY_RANK } from '../severity.js';

export interface RunCommandOptions {
  logs?: string;
  json?: boolean;
  maxRows?: number;
  failOn?: Severity;
  /** `--no-cache`: parse the logs again instead of reading (or filling) the cache. */
  cache?: boolean;
}

export async function runCommand(dir: string, name: string, args: string[], opts: RunCommandOptions): Promise<RunResult> {
  const library = await RunbookLibrary.load(dir);
  const { runbook, file } = library.get(name);
  const prepared = prepareRunbook(runbook, file);
  // Parameters are checked before the logs are even looked at: bad input changes nothing.
  const input = withDerivedInput(runbook, parseKeyValues(args), readDerivedValues(process.env));
  const protectedPrincipals = protectedFromEnvironment(process.env);
  const source = resolveLogSource(opts.logs);
  const { params, window } = resolveParams(runbook, input, { now: source.now });
  if (!opts.json) process.stderr.write(`${source.description}\n`);

  const ctx = newRunContext({ runbookId: runbook.id, params, window, requestedBy: `terminal:${safeUser()}`, source: 'terminal' });
  const rerun = {
    command: (words: readonly string[]) => ['ctrb', 'run', runbook.id, ...(opts.logs !== undefined ? ['--logs', opts.logs] : []), ...words].map(shellWord).join(' '),
    given: Object.entries(parseKeyValues(args))
      .filter(([k]) => k !== 'since' && k !== 'until')
      .map(([k, v]) => `${k}=${v}`),
  };
  const reporter = opts.json ? createJsonReporter() : createTerminalReporter({ maxRows: opts.maxRows, rerun });
  const engine = createDuckDbEngine({ logsDir: source.dir, ...(opts.cache === false ? { cache: false } : {}) });
  const result = await runRunbook(prepared, ctx, { engine, reporter, gates: 'plan', protectedPrincipals });
  process.exitCode = exitCodeForRun(result, opts.failOn);
  return result;
}

export function exitCodeForRun(result: Pick<RunResult, 'status' | 'steps' | 'findings'>, failOn?: Severity): number {
  const { status, findings } = result;
  if (status === 'failed') {
    // Bad input found only once the run started (e.g. a log folder with no CloudTrail files).
    const failure = result.steps.find((s) => s.status === 'failed');
    return failure?.errorName && isUserErrorName(failure.errorName) ? 2 : 1;
  }
  if (failOn && findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn])) return 3;
  return 0;
}

/**
 * The deployment's `CTRB_PROTECTED_PRINCIPALS`, so that a plan made here refuses the same
 * targets the bot's would (its own roles aside: the terminal assumes none).
 */
function protectedFromEnvironment(env: NodeJS.ProcessEnv): ProtectedPrincipals {
  const { patterns, problems } = parseProtectedPatterns(env.CTRB_PROTECTED_PRINCIPALS ?? '');
  if (problems.length > 0) throw new UsageError(`CTRB_PROTECTED_PRINCIPALS: ${problems.join('; ')}`);
  return protectedPrincipalsOf(patterns, []);
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
function shellWord(word: string): string {
  return /^[\w./:,@+=-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
