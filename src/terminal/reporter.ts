/**
 * Terminal reporter: a table per query step, findings with their severity, the exact plan
 * at each remediation gate, notes as text. Colour only when writing to a TTY; progress
 * on stderr so stdout stays clean for piping.
 */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { CellValue, EmptyWindow, LoadProgress } from '../model/query.js';
import { emptyWindowHint } from '../run/empty-window.js';
import { engineSkipSummary } from '../run/engine-skips.js';
import type { RunContext, RunResult, StepResult } from '../model/run.js';
import type { Reporter } from '../run/reporter.js';
import type { Severity } from '../model/severity.js';
import { describeAccessCheck } from '../verify/index.js';
import { pivotCommand } from '../runbook/pivots.js';

export interface TerminalReporterOptions {
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  err?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Rows shown per query step before "… N more". */
  maxRows?: number;
  /** Longest cell shown before it is cut with "…". */
  maxCellWidth?: number;
  color?: boolean;
  /**
   * The command that runs the same runbook over other parameter words, for the hint when the
   * window holds no events (e.g. `ctrb run root-activity --logs DIR …`); with the words the
   * person gave besides the window.
   */
  rerun?: { command: (words: readonly string[]) => string; given: readonly string[] };
}

/** Pivot commands printed per step; the rest are counted. */
const PIVOTS_SHOWN = 5;

export function createTerminalReporter(opts: TerminalReporterOptions = {}): Reporter {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const c = pc.createColors(opts.color ?? !!out.isTTY);
  const maxRows = opts.maxRows ?? 20;
  const maxCell = opts.maxCellWidth ?? 60;
  const print = (s = ''): void => void out.write(`${s}\n`);
  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown) err.write('\r\x1b[K');
    progressShown = false;
  };

  const severityLabel = (s: Severity): string => {
    const label = s.toUpperCase().padEnd(8);
    if (s === 'critical') return c.bold(c.red(label));
    if (s === 'high') return c.red(label);
    if (s === 'medium') return c.yellow(label);
    if (s === 'low') return c.cyan(label);
    return c.dim(label);
  };

  return {
    runStarted(ctx: RunContext) {
      print(c.bold(`▶ ${ctx.runbookId}`) + c.dim(`  run ${ctx.runId}`));
      print(c.dim(`  window ${ctx.window.start} → ${ctx.window.end}`));
      const shown = Object.entries(ctx.params).filter(([k]) => k !== 'since' && k !== 'until');
      if (shown.length) print(c.dim(`  ${shown.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`).join('  ')}`));
      print();
    },

    progress(p: LoadProgress) {
      if (!err.isTTY) return;
      err.write(`\r\x1b[Kloading ${p.filesRead}/${p.filesTotal} files, ${p.eventsRead.toLocaleString('en-US')} events`);
      progressShown = true;
    },

    warning(message: string) {
      clearProgress();
      err.write(`${c.yellow('warning')} ${message}\n`);
    },

    emptyWindow(ctx: RunContext, empty: EmptyWindow) {
      clearProgress();
      const hint = emptyWindowHint(ctx, empty, opts.rerun?.given);
      print(`${c.yellow('!')} ${hint.sentence}`);
      if (hint.words.length > 0 && opts.rerun) print(`  To look there: ${c.bold(opts.rerun.command(hint.words))}`);
      print();
    },

    stepFinished(ctx: RunContext, r: StepResult) {
      clearProgress();
      const icon = r.status === 'failed' ? c.red('✗') : r.status === 'skipped' ? c.dim('–') : r.status === 'gated' ? c.yellow('⏸') : c.green('✓');
      print(`${icon} ${c.bold(r.title)} ${c.dim(`[${r.stepId}]`)}`);
      if (r.status === 'skipped') print(c.dim(`  skipped: ${r.reason ?? ''}`));
      if (r.status === 'failed') print(c.red(`  failed: ${r.reason ?? 'unknown error'}`));
      for (const w of r.warnings ?? []) print(c.yellow(`  warning: ${w}`));
      if (r.query) {
        const q = r.query;
        const stats = [`${q.rows.length} row${q.rows.length === 1 ? '' : 's'}`, `${Math.round(q.stats.elapsedMs)} ms`, q.engine];
        print(c.dim(`  ${stats.join(' · ')}`));
        if (q.rows.length > 0) {
          const table = new Table({ head: q.columns, style: { head: c.isColorSupported ? ['cyan'] : [], border: [] } });
          for (const row of q.rows.slice(0, maxRows)) table.push(q.columns.map((col) => cell(row[col], maxCell)));
          print(indent(table.toString()));
          if (q.rows.length > maxRows) print(c.dim(`  … ${q.rows.length - maxRows} more rows (--max-rows N, or --json for all)`));
        }
      }
      for (const f of r.findings ?? []) {
        const evidence = f.eventIDs.length ? c.dim(` (events: ${f.eventIDs.slice(0, 3).join(', ')}${f.eventIDs.length > 3 ? `, +${f.eventIDs.length - 3}` : ''})`) : '';
        print(`  ${severityLabel(f.severity)} ${f.message}${evidence}`);
      }
      if (r.plan) {
        const p = r.plan;
        print(`  ${c.yellow('remediation planned, not executed:')} ${p.action}${p.accountId ? ` in account ${p.accountId}` : ''}: ${p.summary}`);
        if (!p.reversible) print(`  ${c.red('not reversible')}`);
        for (const w of p.warnings) print(`  ${c.yellow('!')} ${w}`);
        for (const call of p.calls) print(`    ${call.service}:${call.operation} ${JSON.stringify(call.params)}`);
      }
      if (r.access) for (const line of describeAccessCheck(r.access)) print(`  ${line}`);
      if (r.pivots?.length) {
        // Ready to copy: the next runbooks on the values above, over the same window.
        print(c.dim('  next:'));
        for (const p of r.pivots.slice(0, PIVOTS_SHOWN)) print(`    ${pivotCommand(p, ctx.window)}`);
        if (r.pivots.length > PIVOTS_SHOWN) print(c.dim(`    … ${r.pivots.length - PIVOTS_SHOWN} more (--json lists them all)`));
      }
      if (r.note) print(indent(r.note.trimEnd()));
      print();
    },

    runFinished(result: RunResult) {
      clearProgress();
      const counts = new Map<Severity, number>();
      for (const f of result.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
      const order: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
      const parts = order.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
      const findings = result.findings.length === 0 ? 'no findings' : `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} (${parts.join(', ')})`;
      const gates = result.steps.filter((s) => s.status === 'gated').length;
      const skipped = engineSkipSummary(result.steps);
      const tail = `${gates ? ` · ${gates} remediation${gates === 1 ? '' : 's'} awaiting approval (planned only)` : ''}${skipped ? ` · ${skipped}` : ''}`;
      const failed = result.steps.find((s) => s.status === 'failed');
      if (result.status === 'failed' && failed) {
        print(`${c.bold(c.red('failed'))} at step ${failed.stepId}${result.findings.length ? ` (${findings} before it)` : ''}`);
        return;
      }
      print(`${c.bold(c.green(result.status))}: ${findings}${tail}`);
    },
  };
}

function cell(v: CellValue | undefined, max: number): string {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(', ') : String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** `--json`: nothing while running; one machine-readable result at the end. */
export function createJsonReporter(out: NodeJS.WritableStream = process.stdout): Reporter & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    runStarted() {},
    warning(message: string) {
      warnings.push(message);
      process.stderr.write(`warning ${message}\n`);
    },
    emptyWindow(ctx: RunContext, empty: EmptyWindow) {
      process.stderr.write(`warning ${emptyWindowHint(ctx, empty).sentence}\n`);
    },
    stepFinished() {},
    runFinished(result: RunResult) {
      out.write(`${JSON.stringify(result, null, 2)}\n`);
    },
  };
}
