/**
 * What a field path is, in the terms the portable query's rules are stated in: which
 * operators it takes, whether it can be selected, and how its value reads as text.
 */
import { resolveField, type ResolvedField } from './fields.js';

/**
 * - `string`: a string column or struct leaf (userIdentity.arn);
 * - `time`: eventTime;
 * - `boolean`: readOnly, managementEvent; compared and returned as 'true' / 'false';
 * - `json`: a sub-field of a JSON payload (requestParameters.bucketName), read as text,
 *   objects and arrays as their JSON text;
 * - `document`: a whole JSON payload (requestParameters), returned as JSON text;
 * - `struct`: userIdentity or one of its nested structures; `array`: resources.
 */
export type ValueKind = 'string' | 'time' | 'boolean' | 'json' | 'document' | 'struct' | 'array';

export interface FieldInfo {
  path: string;
  resolved: ResolvedField;
  kind: ValueKind;
}

/** Throws UnknownFieldError (from fields.ts) for paths the relation does not have. */
export function fieldInfo(path: string): FieldInfo {
  const resolved = resolveField(path);
  return { path, resolved, kind: kindOf(resolved) };
}

function kindOf(r: ResolvedField): ValueKind {
  if (r.kind === 'json') return 'json';
  switch (r.spec.kind) {
    case 'string':
      return 'string';
    case 'timestamp':
      return 'time';
    case 'boolean':
      return 'boolean';
    case 'json':
      return 'document';
    case 'struct':
      return 'struct';
    case 'array':
      return 'array';
  }
}

/** Kinds that have a single text value: these can be compared, selected, grouped and ordered. */
export function isScalarKind(kind: ValueKind): boolean {
  return kind === 'string' || kind === 'time' || kind === 'boolean' || kind === 'json';
}

/** Kinds that can appear in output: scalars and whole JSON payloads (as JSON text). */
export function isSelectableKind(kind: ValueKind): boolean {
  return isScalarKind(kind) || kind === 'document';
}

export function describeKind(info: FieldInfo): string {
  switch (info.kind) {
    case 'string':
      return 'a string';
    case 'time':
      return 'a time';
    case 'boolean':
      return 'a boolean (true or false)';
    case 'json':
      return 'a field of a JSON payload';
    case 'document':
      return 'a whole JSON payload';
    case 'struct':
      return 'a structure';
    case 'array':
      return 'a list';
  }
}
