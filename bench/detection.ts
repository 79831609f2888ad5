/**
 * `npm run bench detection`: how well the built-in library detects, measured on the labelled
 * corpus (test/detection/corpus): recall (positives found at medium or worse by their
 * runbook) and precision (of the cases a runbook alerted on, the share that were attacks),
 * per runbook and in total, counted in cases. The corpus is swept as `ctrb sweep` runs it.
 */
import { loadCorpus } from '../test/detection/corpus.js';
import { formatScores, sweepCorpus } from '../test/detection/score.js';
import { printFigure, seconds } from './report.js';

export async function main(): Promise<void> {
  console.log('\n# detection: the labelled corpus, swept with the built-in library');
  const cases = loadCorpus();
  const started = process.hrtime.bigint();
  const score = await sweepCorpus(cases);
  const took = seconds(started);
  console.log(formatScores(score.runbooks, score.total));
  const f = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(3));
  printFigure('cases', String(cases.length), `${score.total.positives} positives, ${score.total.negatives} negatives`);
  printFigure('recall', f(score.total.recall), `${score.total.detected} of ${score.total.positives} positives found at medium or worse`);
  printFigure('precision', f(score.total.precision), `${score.total.falseAlerts} negative(s) alerted on at medium or worse`);
  printFigure('sweep', `${took.toFixed(1)} s`, `${score.sweep.findings.length} findings of every severity`);
  for (const o of score.outcomes) {
    if (o.case.label === 'positive' && !o.detected) console.log(`missed ${o.case.runbook} ${o.case.id}: ${o.case.technique}`);
    if (o.case.label === 'negative' && o.alerts.length > 0) {
      console.log(`false alert on ${o.case.id}: ${o.alerts.map((a) => `[${a.severity}] ${a.runbook}/${a.check}`).join(', ')}`);
    }
  }
}
