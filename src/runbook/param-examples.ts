/**
 * A valid example value per parameter type: `ctrb validate` compiles every query with these
 * when a required parameter has no default, since a runbook file cannot know the real value.
 */
import type { ResolvedParams } from '../model/run.js';
import type { ParamSpec, ParamType, Runbook } from './schema.js';

const EXAMPLES: Record<Exclude<ParamType, 'enum'>, string> = {
  duration: '24h',
  time: '2026-01-01T00:00:00Z',
  account: '123456789012',
  region: 'us-east-1',
  arn: 'arn:aws:iam::123456789012:user/example',
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  iam_user: 'example-user',
  ip: '192.0.2.10',
  cidr: '192.0.2.0/24',
  number: '5',
  string: 'example',
};

export function exampleValue(spec: ParamSpec): string {
  if (spec.type === 'enum') return spec.values?.[0] ?? '';
  if (spec.type === 'number' && (spec.min !== undefined || spec.max !== undefined)) return String(spec.min ?? spec.max);
  return EXAMPLES[spec.type];
}

/** Values for every parameter (defaults, else examples), so a runbook's queries can be compiled without a run. */
export function exampleParams(runbook: Runbook): ResolvedParams {
  const out: ResolvedParams = {};
  for (const [name, spec] of Object.entries(runbook.params)) {
    const v = spec.default ?? spec.example ?? exampleValue(spec);
    if (spec.type === 'number' && !spec.list) {
      out[name] = Number(v);
      continue;
    }
    out[name] = Array.isArray(v) ? v.map(String) : spec.list ? String(v).split(',') : String(v);
  }
  return out;
}
