/** `ctrb run <runbook> [k=v ...]`: one runbook on local logs, in-process, gates planned only. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Runbook } from '../../runbook/schema.js';
import { createDuckDbEngine } from '../../query/engines/duckdb/index.js';
import { RunbookLibrary } from '../../runbook/library.js';
import type { RunbookMemo } from '../../runbook/memo.js';
import { parseKeyValues, resolveParams } from '../../runbook/params.js';
import { readDerivedValues, withDerivedInput } from '../../runbook/derived.js';
import type { Severity } from '../../model/severity.js';
import { newRunContext } from '../../run/context.js';
import { prepareRunbook } from '../../run/prepare.js';
import { parseProtectedPatterns, protectedPrincipalsOf, type ProtectedPrincipals } from '../../remediation/index.js';
import { runRunbook } from '../../run/runner.js';
import { pivotTargetsOf } from '../../runbook/pivots.js';
import type { RunResult } from '../../model/run.js';
import { isUserErrorName, UsageError } from '../errors.js';
import { interruptible } from '../interrupt.js';
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
  /** `--timeline FILE.png`: draw the run's activity (runbooks with a `timeline` step). */
  timeline?: string;
  /** `--evidence DIR`: write the evidence bundle (a new or empty folder). */
  evidence?: string;
}

export async function runCommand(dir: string, name: string, args: string[], opts: RunCommandOptions, memo?: RunbookMemo): Promise<RunResult> {
  const library = await RunbookLibrary.load(dir, memo);
  const { runbook, file } = library.get(name);
  const prepared = prepareRunbook(runbook, file);
  // Parameters are checked before the logs are even looked at: bad input changes nothing.
  const input = withDerivedInput(runbook, parseKeyValues(args), readDerivedValues(process.env));
  const protectedPrincipals = protectedFromEnvironment(process.env);
  const source = resolveLogSource(opts.logs);
  const { params, window } = resolveParams(runbook, input, { now: source.now });
  // Where the picture and the bundle go is checked before the run, like the parameters.
  if (opts.timeline !== undefined) checkTimelineTarget(runbook, opts.timeline);
  // The evidence bundle (CSV and zip writers) loads only when asked for: most runs write none.
  const evidence = opts.evidence !== undefined ? { dir: opts.evidence, bundle: await import('../../evidence/bundle.js') } : undefined;
  if (evidence) {
    const problem = await evidence.bundle.checkEvidenceDir(evidence.dir);
    if (problem) throw new UsageError(problem);
  }
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
  const pivotTargets = pivotTargetsOf(library.all().map((e) => e.runbook));
  const result = await interruptible((signal) => runRunbook(prepared, ctx, { engine, reporter, gates: 'plan', protectedPrincipals, pivotTargets, signal }));
  if (opts.timeline !== undefined) await writeTimeline(runbook, result, opts.timeline);
  if (evidence) {
    const bundle = evidence.bundle.buildEvidence({ result, runbookTitle: runbook.title, now: new Date() });
    await evidence.bundle.writeEvidenceDir(evidence.dir, bundle);
    process.stderr.write(`evidence: ${bundle.files.length} files in ${evidence.dir}; manifest.json SHA-256 ${bundle.manifestSha256}\n`);
  }
  process.exitCode = exitCodeForRun(result, opts.failOn);
  return result;
}

function checkTimelineTarget(runbook: Runbook, file: string): void {
  if (!runbook.timeline) throw new UsageError(`${runbook.id} draws no timeline: its runbook names no \`timeline\` step (principal-activity, access-key-activity, compromised-credentials and root-activity do)`);
  if (!file.toLowerCase().endsWith('.png')) throw new UsageError(`--timeline ${file}: the picture is a PNG; name a file ending in .png`);
  const dir = dirname(resolve(file));
  if (!existsSync(dir)) throw new UsageError(`--timeline ${file}: the folder ${dir} does not exist`);
}

async function writeTimeline(runbook: Runbook, result: RunResult, file: string): Promise<void> {
  // vega, vega-lite and resvg (some 350 modules) load only for a run that draws the picture.
  const { renderTimelinePng, timelineInputOf } = await import('../../evidence/timeline.js');
  const input = runbook.timeline ? timelineInputOf(result, `${runbook.title}: ${describeSubject(result)}`, runbook.timeline.step) : undefined;
  if (!input) {
    process.stderr.write(`timeline: step ${runbook.timeline?.step} has no rows in the window; no picture written\n`);
    return;
  }
  await writeFile(file, await renderTimelinePng(input));
  process.stderr.write(`timeline: ${file}\n`);
}

/** The parameters that name the subject, for the picture's title. */
function describeSubject(result: RunResult): string {
  const named = Object.entries(result.context.params).filter(([, v]) => typeof v === 'string' && v.length > 0 && !/^\d+$/.test(v));
  return named.length > 0 ? named.map(([k, v]) => `${k}=${String(v)}`).slice(0, 2).join(' ') : result.context.runbookId;
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
