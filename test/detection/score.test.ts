/**
 * How the corpus is scored: a positive counts as found only when its own runbook alerts at
 * medium or worse on one of its events (by the check it names); a negative is charged to
 * every runbook that alerts on it; info and low findings are never alerts.
 */
import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/model/severity.js';
import type { SweepFinding } from '../../src/terminal/commands/sweep.js';
import type { CorpusCase } from './corpus.js';
import { outcomeOf, scoreOutcomes } from './score.js';

const kase = (id: string, runbook: string, label: 'positive' | 'negative', check?: string): CorpusCase => ({
  id,
  runbook,
  label,
  technique: id,
  expect: [],
  records: [{ eventID: `${id}-event` }],
  file: 'x.yaml',
  ...(check ? { check } : {}),
});
const finding = (runbook: string, check: string, severity: Severity, ...eventIDs: string[]): SweepFinding => ({
  runbook,
  check,
  severity,
  message: check,
  eventIDs,
  stepId: 'findings',
});

describe('scoring the corpus', () => {
  it('finds a positive only by its own runbook, at medium or worse, by the check it names', () => {
    const c = kase('p', 'secrets-access', 'positive', 'bulk-secret-reads');
    expect(outcomeOf(c, [finding('secrets-access', 'bulk-secret-reads', 'high', 'p-event')]).detected).toBe(true);
    expect(outcomeOf(c, [finding('secrets-access', 'bulk-secret-reads', 'low', 'p-event')]).detected).toBe(false);
    expect(outcomeOf(c, [finding('secrets-access', 'batch-secret-read', 'high', 'p-event')]).detected).toBe(false);
    expect(outcomeOf(c, [finding('delete-operations', 'bulk-secret-reads', 'critical', 'p-event')]).detected).toBe(false);
    expect(outcomeOf(c, [finding('secrets-access', 'bulk-secret-reads', 'high', 'other-event')]).detected).toBe(false);
  });

  it('charges a negative to every runbook that alerts on it, and counts recall and precision in cases', () => {
    const outcomes = [
      outcomeOf(kase('p1', 'a', 'positive'), [finding('a', 'x', 'high', 'p1-event')]),
      outcomeOf(kase('p2', 'a', 'positive'), [finding('a', 'x', 'low', 'p2-event')]),
      outcomeOf(kase('n1', 'a', 'negative'), [finding('b', 'y', 'medium', 'n1-event'), finding('a', 'x', 'info', 'n1-event')]),
      outcomeOf(kase('n2', 'a', 'negative'), []),
    ];
    const { runbooks, total } = scoreOutcomes(outcomes);
    expect(runbooks).toEqual([
      { runbook: 'a', positives: 2, detected: 1, negatives: 2, falseAlerts: 0, recall: 0.5, precision: 1 },
      { runbook: 'b', positives: 0, detected: 0, negatives: 0, falseAlerts: 1, recall: Number.NaN, precision: 0 },
    ]);
    expect(total).toMatchObject({ positives: 2, detected: 1, negatives: 2, falseAlerts: 1, recall: 0.5, precision: 0.5 });
  });
});
