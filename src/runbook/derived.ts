/**
 * Parameter values that come from where a runbook runs rather than from the person running
 * it: the organization's own accounts, the regions it works in, and the principals its
 * deployment pipelines act as. A parameter declares `derive: own_accounts` (or another of
 * DERIVED_VALUES); when it is not given, it takes the derived value. The values come from
 * the environment (CTRB_OWN_ACCOUNTS, CTRB_OWN_REGIONS, CTRB_PIPELINE_PRINCIPALS), checked
 * once with the parameter type's own rule, and a sweep adds the accounts whose logs it reads.
 */
import { DERIVED_TYPES, DERIVED_VALUES, type DerivedValue, type Runbook } from './schema.js';
import { PARAM_TYPE_RULES } from './param-types.js';

export type DerivedValues = Partial<Record<DerivedValue, readonly string[]>>;

/** The environment variable each derived value is read from. */
export const DERIVED_VARIABLES: Readonly<Record<DerivedValue, string>> = {
  own_accounts: 'CTRB_OWN_ACCOUNTS',
  own_regions: 'CTRB_OWN_REGIONS',
  pipeline_principals: 'CTRB_PIPELINE_PRINCIPALS',
};

export class DerivedValueError extends Error {
  override name = 'DerivedValueError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * The derived values the environment sets: comma-separated lists, each item checked (and put
 * in its normal form) by its parameter type's rule. Throws a `DerivedValueError` naming every
 * variable and item that does not parse.
 */
export function readDerivedValues(env: Readonly<Record<string, string | undefined>>): DerivedValues {
  const values: DerivedValues = {};
  const problems: string[] = [];
  for (const derived of DERIVED_VALUES) {
    const variable = DERIVED_VARIABLES[derived];
    const text = env[variable]?.trim();
    if (!text) continue;
    const rule = PARAM_TYPE_RULES[DERIVED_TYPES[derived]];
    const items: string[] = [];
    for (const item of text.split(',').map((i) => i.trim()).filter((i) => i !== '')) {
      const outcome = rule.parse(item, { type: DERIVED_TYPES[derived], required: false, list: true }, new Date(0));
      if ('value' in outcome) items.push(String(outcome.value));
      else problems.push(`${variable}: ${JSON.stringify(item)} ${outcome.reason ?? `is not ${rule.noun}`} (expected ${rule.expected({ type: DERIVED_TYPES[derived], required: false, list: true })}; several separated by commas)`);
    }
    values[derived] = [...new Set(items)];
  }
  if (problems.length > 0) throw new DerivedValueError(problems);
  return values;
}

/** Both sets of values, each list the union of the two (first one's order first). */
export function mergeDerivedValues(a: DerivedValues, b: DerivedValues): DerivedValues {
  const out: DerivedValues = {};
  for (const derived of DERIVED_VALUES) {
    const union = [...new Set([...(a[derived] ?? []), ...(b[derived] ?? [])])];
    if (a[derived] !== undefined || b[derived] !== undefined) out[derived] = union;
  }
  return out;
}

/**
 * The run's `name=value` input with every derived parameter not given filled in, as the
 * comma-separated text a person would have typed, so it is checked like any other value. A
 * derived value that is empty (or unset) fills nothing: the parameter's default applies, or a
 * required one is refused as missing.
 */
export function withDerivedInput(
  runbook: Pick<Runbook, 'params'>,
  input: Readonly<Record<string, string>>,
  derived: DerivedValues,
): Record<string, string> {
  const out = { ...input };
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (spec.derive === undefined || Object.hasOwn(out, name)) continue;
    const values = derived[spec.derive];
    if (values && values.length > 0) out[name] = values.join(',');
  }
  return out;
}
