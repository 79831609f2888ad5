/**
 * A valid example value per parameter type: `ctrb validate` compiles every query with these
 * when a required parameter has no default, since a runbook file cannot know the real value.
 */
import type { ParamSpec, ParamType } from './schema.js';

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
  string: 'example',
};

export function exampleValue(spec: ParamSpec): string {
  if (spec.type === 'enum') return spec.values?.[0] ?? '';
  return EXAMPLES[spec.type];
}
