/**
 * What a sweep does with each runbook of the library: run a detection with its parameters
 * (defaults, plus values derived from the configuration and the logs), or list an
 * investigation, which follows one subject a person names (a key, a principal) and so has
 * nothing to run on by itself. A detection that still lacks a parameter (an own-accounts list
 * when neither the logs nor the configuration give one) is skipped, saying what would let it run.
 */
import type { LoadedRunbook } from './errors.js';
import { DERIVED_VARIABLES, withDerivedInput, type DerivedValues } from './derived.js';
import type { Runbook } from './schema.js';

export type SweepPlanEntry =
  | { runbook: Runbook; file: string; action: 'run'; input: Record<string, string> }
  | { runbook: Runbook; file: string; action: 'investigation'; subject: string[] }
  | { runbook: Runbook; file: string; action: 'skip'; reason: string };

/** The parameters a run of `runbook` must be given and that neither a default nor `input` gives. */
function missing(runbook: Runbook, input: Readonly<Record<string, string>>): string[] {
  return Object.entries(runbook.params)
    .filter(([name, spec]) => spec.required && spec.default === undefined && !Object.hasOwn(input, name))
    .map(([name]) => name);
}

/**
 * `given`: what the person typed (`since`, `until`, and any runbook parameter); each runbook
 * takes the window and the parameters it declares (a name no runbook declares is refused
 * before, by the caller).
 */
export function planSweep(runbooks: readonly LoadedRunbook[], given: Readonly<Record<string, string>>, derived: DerivedValues): SweepPlanEntry[] {
  return runbooks.map(({ runbook, file }): SweepPlanEntry => {
    const base = Object.fromEntries(Object.entries(given).filter(([name]) => name === 'since' || name === 'until' || Object.hasOwn(runbook.params, name)));
    const input = withDerivedInput(runbook, base, derived);
    const needs = missing(runbook, input);
    if (runbook.kind === 'investigation') return { runbook, file, action: 'investigation', subject: missing(runbook, base) };
    if (needs.length === 0) return { runbook, file, action: 'run', input };
    const how = needs.map((name) => {
      const derive = runbook.params[name]!.derive;
      return derive ? `${name} (set ${DERIVED_VARIABLES[derive]})` : name;
    });
    return { runbook, file, action: 'skip', reason: `needs ${how.join(', ')}` };
  });
}
