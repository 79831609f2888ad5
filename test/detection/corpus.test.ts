/**
 * The labelled corpus (test/detection/corpus/*.yaml), swept with the built-in library as
 * `ctrb sweep` runs it: every positive is found by its runbook at medium or worse, no
 * negative raises anything at medium or worse in any runbook, the info and low findings a
 * case names are raised, and every positive has a negative twin doing the same API call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.js';
import { formatScores, sweepCorpus, type CorpusScore } from './score.js';

const cases = loadCorpus();
let score: CorpusScore;
beforeAll(async () => {
  score = await sweepCorpus(cases);
});

const show = (o: CorpusScore['outcomes'][number]) =>
  o.findings.map((f) => `  [${f.severity}] ${f.runbook}/${f.check}: ${f.message}`).join('\n') || '  (no finding)';

describe('the labelled detection corpus', () => {
  it('is swept without a failed step or a skipped runbook', () => {
    expect(score.sweep.failed).toEqual([]);
    expect(score.sweep.skipped).toEqual([]);
  });

  it('every positive has a negative twin with an API call of the same name', () => {
    const names = (id: string) => new Set(cases.find((c) => c.id === id)!.records.map((r) => String(r.eventName)));
    const lonely = cases
      .filter((p) => p.label === 'positive')
      .filter((p) => !cases.some((n) => n.label === 'negative' && n.twin === p.id && [...names(n.id)].some((name) => names(p.id).has(name))))
      .map((p) => p.id);
    expect(lonely).toEqual([]);
  });

  it.each(cases.filter((c) => c.label === 'positive').map((c) => [c.id, c] as const))('finds %s', (id, c) => {
    const outcome = score.outcomes.find((o) => o.case.id === id)!;
    expect(outcome.detected, `${c.technique}\nexpected ${c.runbook}${c.check ? `/${c.check}` : ''} at medium or worse; findings:\n${show(outcome)}`).toBe(true);
  });

  it.each(cases.filter((c) => c.label === 'negative').map((c) => [c.id, c] as const))('raises no alert on %s', (id, c) => {
    const outcome = score.outcomes.find((o) => o.case.id === id)!;
    expect(outcome.alerts.map((f) => `[${f.severity}] ${f.runbook}/${f.check}: ${f.message}`), c.technique).toEqual([]);
  });

  it.each(cases.filter((c) => c.expect.length > 0).map((c) => [c.id, c] as const))('classifies %s as the case says', (id, c) => {
    const outcome = score.outcomes.find((o) => o.case.id === id)!;
    const raised = outcome.findings.filter((f) => f.runbook === c.runbook).map((f) => ({ check: f.check, severity: f.severity }));
    expect(raised, `${c.technique}\nfindings:\n${show(outcome)}`).toEqual(expect.arrayContaining(c.expect));
  });

  it('scores recall 1 and no false alert over the whole corpus', () => {
    expect({ recall: score.total.recall, falseAlerts: score.total.falseAlerts }, formatScores(score.runbooks, score.total)).toEqual({ recall: 1, falseAlerts: 0 });
  });
});
