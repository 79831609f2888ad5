/**
 * Sweeps the labelled corpus with the built-in library, the way `ctrb sweep` runs it, and
 * scores the outcome: a positive is detected when its runbook raises a finding at medium or
 * worse that cites one of its events; a negative is a false alert when any runbook does.
 * Recall and precision are counted in cases, per runbook: a runbook is charged with every
 * negative it flags, whichever runbook the negative was written for. A positive flagged by
 * another runbook as well (a trail deleted is also a destructive delete) is not charged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEVERITIES, type Severity } from '../../src/model/severity.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { sweep, type SweepFinding, type SweepResult } from '../../src/terminal/commands/sweep.js';
import { CORPUS_ENV, END, loadCorpus, writeCorpusLogs, type CorpusCase } from './corpus.js';

const rank = (s: Severity) => SEVERITIES.indexOf(s);
export const ALERT = rank('medium');

export interface CaseOutcome {
  case: CorpusCase;
  /** Every finding (of any runbook, any severity) that cites one of the case's events. */
  findings: SweepFinding[];
  /** A positive: found by its runbook at medium or worse (by the named check, when one is named). */
  detected: boolean;
  /** The findings at medium or worse that cite the case's events. */
  alerts: SweepFinding[];
}

export interface RunbookScore {
  runbook: string;
  positives: number;
  detected: number;
  negatives: number;
  falseAlerts: number;
  recall: number;
  precision: number;
}

export interface CorpusScore {
  outcomes: CaseOutcome[];
  runbooks: RunbookScore[];
  total: RunbookScore;
  sweep: SweepResult;
}

export function outcomeOf(c: CorpusCase, findings: readonly SweepFinding[]): CaseOutcome {
  const ids = new Set(c.records.map((r) => String(r.eventID)));
  const cited = findings.filter((f) => f.eventIDs.some((id) => ids.has(id)));
  const alerts = cited.filter((f) => rank(f.severity) >= ALERT);
  const detected = c.label === 'positive' && alerts.some((f) => f.runbook === c.runbook && (c.check === undefined || f.check === c.check));
  return { case: c, findings: cited, detected, alerts };
}

function ratio(n: number, d: number): number {
  return d === 0 ? Number.NaN : n / d;
}

export function scoreOutcomes(outcomes: readonly CaseOutcome[]): { runbooks: RunbookScore[]; total: RunbookScore } {
  const rows = new Map<string, RunbookScore>();
  const row = (runbook: string) => {
    let r = rows.get(runbook);
    if (!r) rows.set(runbook, (r = { runbook, positives: 0, detected: 0, negatives: 0, falseAlerts: 0, recall: Number.NaN, precision: Number.NaN }));
    return r;
  };
  for (const o of outcomes) {
    if (o.case.label === 'positive') {
      const r = row(o.case.runbook);
      r.positives += 1;
      if (o.detected) r.detected += 1;
    } else {
      row(o.case.runbook).negatives += 1;
      for (const runbook of new Set(o.alerts.map((f) => f.runbook))) row(runbook).falseAlerts += 1;
    }
  }
  const total: RunbookScore = { runbook: 'total', positives: 0, detected: 0, negatives: 0, falseAlerts: 0, recall: 0, precision: 0 };
  for (const r of rows.values()) {
    r.recall = ratio(r.detected, r.positives);
    r.precision = ratio(r.detected, r.detected + r.falseAlerts);
    total.positives += r.positives;
    total.detected += r.detected;
    total.negatives += r.negatives;
    total.falseAlerts += r.falseAlerts;
  }
  total.recall = ratio(total.detected, total.positives);
  total.precision = ratio(total.detected, total.detected + total.falseAlerts);
  return { runbooks: [...rows.values()].sort((a, b) => a.runbook.localeCompare(b.runbook)), total };
}

/** Writes the corpus as log files, sweeps them with the library's detections and scores the result. */
export async function sweepCorpus(cases: CorpusCase[] = loadCorpus()): Promise<CorpusScore> {
  const dir = mkdtempSync(join(tmpdir(), 'ctrb-corpus-'));
  try {
    writeCorpusLogs(cases, dir);
    const result = await sweep(BUILTIN_RUNBOOK_DIR, { logs: dir, since: '24h', until: END, cache: false }, undefined, CORPUS_ENV);
    const outcomes = cases.map((c) => outcomeOf(c, result.findings));
    return { outcomes, ...scoreOutcomes(outcomes), sweep: result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The per-runbook table, as the bench and a failing test print it. */
export function formatScores(runbooks: readonly RunbookScore[], total: RunbookScore): string {
  const pct = (v: number) => (Number.isNaN(v) ? '   -' : v.toFixed(2));
  const line = (r: RunbookScore) =>
    `${r.runbook.padEnd(30)} ${String(r.positives).padStart(9)} ${String(r.detected).padStart(8)} ${String(r.negatives).padStart(9)} ${String(r.falseAlerts).padStart(12)} ${pct(r.recall).padStart(7)} ${pct(r.precision).padStart(9)}`;
  return [
    `${'runbook'.padEnd(30)} ${'positives'.padStart(9)} ${'detected'.padStart(8)} ${'negatives'.padStart(9)} ${'false alerts'.padStart(12)} ${'recall'.padStart(7)} ${'precision'.padStart(9)}`,
    ...runbooks.map(line),
    line(total),
  ].join('\n');
}
