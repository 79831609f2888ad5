/**
 * `ctrb sweep`: every detection runbook's detection steps (queries and checks; never
 * remediation) over one log set and one window, and the findings each raised, with the
 * eventIDs behind them. Parameters nobody gives take their defaults and the values derived
 * from the configuration and the logs (src/runbook/derived.ts): the own accounts are those
 * whose trails are read, plus CTRB_OWN_ACCOUNTS; for a tree `ctrb sample` made, its manifest's
 * accounts, partners and regions count too. Investigations (runbooks that follow one
 * named subject, such as an access key) are listed, with the subject they need.
 */
import Table from 'cli-table3';
import pc from 'picocolors';
import { createDuckDbEngine } from '../../query/engines/duckdb/index.js';
import { RunbookLibrary } from '../../runbook/library.js';
import { ParamError, parseKeyValues, resolveParams } from '../../runbook/params.js';
import { mergeDerivedValues, readDerivedValues, type DerivedValues } from '../../runbook/derived.js';
import { planSweep } from '../../runbook/sweep-plan.js';
import { ACCOUNTS_IN_LOGS, accountsInLogs } from '../../run/accounts-in-logs.js';
import type { Severity } from '../../model/severity.js';
import { newRunContext } from '../../run/context.js';
import { columnsRead, prepareRunbook, type PreparedRunbook } from '../../run/prepare.js';
import { inParallel } from '../../run/in-parallel.js';
import { runRunbook } from '../../run/runner.js';
import { shareOneSession } from '../../run/shared-engine.js';
import type { Finding } from '../../model/run.js';
import type { Reporter } from '../../run/reporter.js';
import type { RunbookMemo } from '../../runbook/memo.js';
import type { Runbook } from '../../runbook/schema.js';
import { resolveLogSource } from '../../sample/log-source.js';
import { SEVERITY_RANK } from '../severity.js';
import { interruptible } from '../interrupt.js';

export interface SweepOptions {
  logs?: string;
  /** `since=7d`, `--since 7d`, `trusted_cidrs=…`: the window and any runbook parameter (the one grammar). */
  params?: string[];
  /** `--since`, `--until` as Commander reads them; the same as the words `since=`, `until=`. */
  since?: string;
  until?: string;
  json?: boolean;
  failOn?: Severity;
  /** `--no-cache`: parse the logs again instead of reading (or filling) the cache. */
  cache?: boolean;
  /** The runbooks this build read before (runbook/memo.ts): not parsed again. */
  memo?: RunbookMemo;
  /** Stops the sweep (Ctrl-C): the load is interrupted and what it staged removed. */
  signal?: AbortSignal;
}

export interface SweepFinding extends Finding {
  runbook: string;
}

export interface SweepResult {
  window: { start: string; end: string };
  findings: SweepFinding[];
  /** Runbooks that follow one named subject, and the parameters that name it. */
  investigations: { runbook: string; needs: string[] }[];
  skipped: { runbook: string; reason: string }[];
  /** The derived values the detections ran with (own accounts from the logs and the configuration). */
  derived: DerivedValues;
  failed: { runbook: string; step: string; reason: string }[];
  warnings: string[];
}

/** Every field the runbooks read; no `columns` (every field) when one of them reads raw SQL. */
function unionOfColumns(runbooks: PreparedRunbook[]): { columns?: Set<string> } {
  const union = new Set<string>();
  for (const runbook of runbooks) {
    const columns = columnsRead(runbook);
    if (!columns) return {};
    for (const column of columns) union.add(column);
  }
  return { columns: union };
}

/** Only the steps that detect: queries and checks. */
function detectionOnly(prepared: PreparedRunbook): PreparedRunbook {
  return { ...prepared, steps: prepared.steps.filter((s) => s.kind === 'query' || s.kind === 'check') };
}

export async function sweep(
  dir: string,
  opts: SweepOptions,
  onProgress?: Reporter['progress'],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<SweepResult> {
  const library = await RunbookLibrary.load(dir, opts.memo);
  const given = sweepInput(library.all().map((l) => l.runbook), opts);
  const configured = readDerivedValues(env);
  const source = resolveLogSource(opts.logs, given.until);
  const warnings: string[] = [];
  const prepared = new Map(library.all().map(({ runbook, file }) => [runbook.id, detectionOnly(prepareRunbook(runbook, file))]));
  const engine = shareOneSession(createDuckDbEngine({ logsDir: source.dir, ...(opts.cache === false ? { cache: false } : {}) }), {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onWarning: (w) => warnings.push(w),
    onProgress: onProgress ?? undefined,
    // The one load serves every runbook: it holds every field any of them reads.
    ...unionOfColumns([...prepared.values(), ACCOUNTS_IN_LOGS]),
  });
  const result: SweepResult = { window: { start: '', end: '' }, findings: [], investigations: [], skipped: [], failed: [], warnings, derived: {} };
  const quiet: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
  try {
    const sweepWindow = resolveParams({ id: 'sweep', params: {}, window: { default: '24h' } }, { since: given.since!, ...(given.until ? { until: given.until } : {}) }, { now: source.now }).window;
    const fromLogs: DerivedValues = {
      own_accounts: [...(source.ownAccounts ?? []), ...(await accountsInLogs(engine, sweepWindow))],
      // Only a generated tree says which regions are its own; other logs rely on CTRB_OWN_REGIONS.
      ...(source.ownRegions?.length ? { own_regions: source.ownRegions } : {}),
    };
    result.derived = mergeDerivedValues(configured, fromLogs);
    const detections: { runbook: Runbook; input: Record<string, string> }[] = [];
    for (const entry of planSweep(library.all(), given, result.derived)) {
      const { runbook } = entry;
      if (entry.action === 'investigation') result.investigations.push({ runbook: runbook.id, needs: entry.subject });
      else if (entry.action === 'skip') result.skipped.push({ runbook: runbook.id, reason: entry.reason });
      else detections.push({ runbook, input: entry.input });
    }
    const runs = await inParallel(detections, SWEEP_PARALLEL_RUNS, async ({ runbook, input }) => {
      const { params, window } = resolveParams(runbook, input, { now: source.now });
      result.window = { start: window.start.toISOString(), end: window.end.toISOString() };
      const ctx = newRunContext({ runbookId: runbook.id, params, window, requestedBy: 'sweep', source: 'sweep' });
      return runRunbook(prepared.get(runbook.id)!, ctx, { engine, reporter: quiet, gates: 'plan', ...(opts.signal ? { signal: opts.signal } : {}) });
    });
    // Reported in the library's order, however the runs interleaved.
    for (const [i, run] of runs.entries()) {
      const id = detections[i]!.runbook.id;
      result.findings.push(...run.findings.map((f) => ({ ...f, runbook: id })));
      for (const s of run.steps.filter((st) => st.status === 'failed')) {
        result.failed.push({ runbook: id, step: s.stepId, reason: s.reason ?? 'failed' });
      }
    }
  } finally {
    await engine.close();
  }
  result.findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.runbook.localeCompare(b.runbook));
  return result;
}

/**
 * Runbooks a sweep runs at once over its one session: while one's checks run in JavaScript,
 * another's query runs in DuckDB (each query on a connection of its own).
 */
const SWEEP_PARALLEL_RUNS = 2;


/**
 * What the person gave, read with the one grammar: the window (24h when not given) and
 * runbook parameters, each of which must be one some runbook declares. Refused before any
 * log is read.
 */
export function sweepInput(runbooks: readonly Runbook[], opts: Pick<SweepOptions, 'params' | 'since' | 'until'>): Record<string, string> {
  const words = [...(opts.params ?? []), ...(opts.since !== undefined ? [`--since=${opts.since}`] : []), ...(opts.until !== undefined ? [`--until=${opts.until}`] : [])];
  const given = parseKeyValues(words);
  const declared = new Set(runbooks.flatMap((r) => Object.keys(r.params)));
  const unknown = Object.keys(given).filter((name) => name !== 'since' && name !== 'until' && !declared.has(name));
  if (unknown.length > 0) {
    throw new ParamError(unknown.map((name) => ({ param: name, message: `${name}: no runbook of the library has this parameter (see ctrb show <runbook>)` })));
  }
  return { since: '24h', ...given };
}

export async function sweepCommand(dir: string, opts: SweepOptions): Promise<SweepResult> {
  const tty = !!process.stderr.isTTY && !opts.json;
  const progress: Reporter['progress'] = tty
    ? (p) => process.stderr.write(`\r\x1b[Kloading ${p.filesRead}/${p.filesTotal} files, ${p.eventsRead.toLocaleString('en-US')} events`)
    : undefined;
  const result = await interruptible((signal) => sweep(dir, { ...opts, signal }, progress)).finally(() => {
    if (tty) process.stderr.write('\r\x1b[K');
  });
  for (const w of result.warnings) process.stderr.write(`warning ${w}\n`);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    printSweep(result);
  }
  if (result.failed.length > 0) process.exitCode = 1;
  else if (opts.failOn && result.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[opts.failOn!])) process.exitCode = 3;
  return result;
}

function printSweep(r: SweepResult): void {
  const c = pc.createColors(!!process.stdout.isTTY);
  process.stdout.write(c.dim(`window ${r.window.start} → ${r.window.end}\n`));
  if (r.derived.own_accounts?.length) process.stdout.write(c.dim(`own accounts ${r.derived.own_accounts.join(', ')} (the logs' accounts and CTRB_OWN_ACCOUNTS)\n`));
  if (r.derived.own_regions?.length) process.stdout.write(c.dim(`own regions ${r.derived.own_regions.join(', ')} (CTRB_OWN_REGIONS, or a generated tree's manifest)\n`));
  if (r.findings.length > 0) {
    const table = new Table({ head: ['severity', 'runbook', 'finding', 'events'], style: { head: [], border: [] }, wordWrap: true, colWidths: [10, 28, 70, 40] });
    for (const f of r.findings) {
      const ids = f.eventIDs.slice(0, 2).join('\n') + (f.eventIDs.length > 2 ? `\n+${f.eventIDs.length - 2} more` : '');
      table.push([f.severity, f.runbook, f.message, ids]);
    }
    process.stdout.write(`${table.toString()}\n`);
  }
  for (const i of r.investigations) {
    process.stdout.write(c.dim(`investigation ${i.runbook}: follows one ${i.needs.join(', ')} (ctrb run ${i.runbook} ${i.needs.map((n) => `${n}=…`).join(' ')})\n`));
  }
  for (const s of r.skipped) process.stdout.write(c.dim(`skipped ${s.runbook}: ${s.reason}\n`));
  for (const f of r.failed) process.stdout.write(c.red(`failed ${f.runbook} step ${f.step}: ${f.reason}\n`));
  process.stdout.write(`${r.findings.length} findings from ${new Set(r.findings.map((f) => f.runbook)).size} runbooks\n`);
}
