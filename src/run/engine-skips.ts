/**
 * Steps the deployment's engines cannot answer as written (LookupEvents and a data-event
 * query, or raw SQL) are skipped, not failed: a LookupEvents-only deployment still gets the
 * findings and containment steps the management events support. What could not be looked at
 * is said at every level: the step (why, and which engines could answer it), the steps that
 * would have read its rows (skipped with it, or checks listed as not evaluated, so "no
 * findings" never stands for "not looked"), and the run's summary.
 *
 * Only that refusal becomes a skip; a window older than the engine keeps affects every step,
 * and real failures (throttling after retries, access denied, bad SQL) still fail the run.
 */
import type { EngineName } from '../model/query.js';
import { EngineCannotAnswerError, queryReferences } from '../query/index.js';
import type { PreparedStep } from './prepare.js';
import type { StepResult } from '../model/run.js';

const ENGINE_NAMES: Record<EngineName, string> = {
  athena: 'Athena',
  lake: 'CloudTrail Lake',
  duckdb: 'local logs (ctrb run --logs)',
  lookup: 'LookupEvents',
};

/** The skip a refusal of the engine turns into, or undefined for any other error. */
export function engineSkip(error: unknown): Pick<StepResult, 'reason' | 'needsEngine'> | undefined {
  if (!(error instanceof EngineCannotAnswerError) || error.limit !== 'step') return undefined;
  return { reason: error.message, needsEngine: [...error.engines] };
}

/** "Athena or CloudTrail Lake": the engines that could answer, local logs only when nothing else can. */
export function engineNames(engines: readonly EngineName[]): string {
  const onAws = engines.filter((e) => e !== 'duckdb');
  const named = (onAws.length > 0 ? onAws : engines).map((e) => ENGINE_NAMES[e]);
  if (named.length === 0) return 'an engine that can run it as written';
  return named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} or ${named.at(-1)!}`;
}

function isEngineSkipped(result: StepResult | undefined): result is StepResult & { needsEngine: EngineName[] } {
  return result?.status === 'skipped' && result.needsEngine !== undefined;
}

/** The engine-skipped earlier step whose rows this step would read, if any (queries, remediations, verify_access). */
export function skippedSource(step: PreparedStep, finished: ReadonlyMap<string, StepResult>): StepResult | undefined {
  const sources =
    step.kind === 'query'
      ? queryReferences(step.query!).steps.map((r) => r.step)
      : [step.remediate?.for_each ?? step.verifyAccess?.spec.for_each].filter((s): s is string => s !== undefined);
  return sources.map((id) => finished.get(id)).find(isEngineSkipped);
}

/** A step skipped because it reads the rows of an engine-skipped step. */
export function dependentSkip(source: StepResult): Pick<StepResult, 'reason' | 'needsEngine'> {
  return {
    reason: `it reads the rows of ${source.stepId}, which was skipped: that step needs ${engineNames(source.needsEngine ?? [])}`,
    needsEngine: source.needsEngine ?? [],
  };
}

/**
 * The checks of a check step whose rows come from an engine-skipped step: one warning each
 * (it was not evaluated), whether that is all of them, and the engines that would answer.
 */
export function uncheckedChecks(step: PreparedStep, finished: ReadonlyMap<string, StepResult>): { warnings: string[]; all: boolean; needsEngine: EngineName[] } {
  const checks = step.checks ?? [];
  const needsEngine = new Set<EngineName>();
  const warnings = checks.flatMap((check) => {
    const source = check.spec.for_each === undefined ? undefined : finished.get(check.spec.for_each);
    if (!isEngineSkipped(source)) return [];
    for (const e of source.needsEngine) needsEngine.add(e);
    return [`${check.id} was not evaluated: its rows come from ${source.stepId}, which was skipped (it needs ${engineNames(source.needsEngine)})`];
  });
  return { warnings, all: checks.length > 0 && warnings.length === checks.length, needsEngine: [...needsEngine] };
}

/** "1 step skipped: needs Athena or CloudTrail Lake", for the run's summary; undefined when none was. */
export function engineSkipSummary(steps: readonly StepResult[]): string | undefined {
  const skipped = steps.filter(isEngineSkipped);
  if (skipped.length === 0) return undefined;
  const engines = [...new Set(skipped.flatMap((s) => s.needsEngine))];
  const one = skipped.length === 1;
  return `${skipped.length} step${one ? '' : 's'} skipped: ${one ? 'needs' : 'need'} ${engineNames(engines)}`;
}
