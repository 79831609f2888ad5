/**
 * The three ways a value reaches an engine: a numbered placeholder (DuckDB `$1`), a
 * positional one (Athena `?`, one per value, in text order), or, where the engine has no
 * binding (CloudTrail Lake), a literal produced by the audited escape function.
 */
import type { BoundParam } from '../../model/query.js';
import { lakeLiteral } from '../escape.js';
import type { BindValue, Binder } from './dialect.js';

/** DuckDB prepared statements: `$1`, `$2`...; a list is one LIST(VARCHAR) parameter. */
export function numberedBinder(): Binder {
  const params: BoundParam[] = [];
  return {
    params,
    bind(value: BindValue, source: string): string {
      const placeholder = `$${params.length + 1}`;
      params.push({ placeholder, value: Array.isArray(value) ? [...value] : value, source });
      return placeholder;
    },
  };
}

/** Athena ExecutionParameters: one `?` per scalar value, in the order they appear in the text. */
export function positionalBinder(): Binder {
  const params: BoundParam[] = [];
  return {
    params,
    bind(value: BindValue, source: string): string {
      if (Array.isArray(value)) {
        throw new Error('internal: Athena has no list parameters; the dialect expands lists into one ? per value');
      }
      params.push({ placeholder: '?', value, source });
      return '?';
    },
  };
}

/**
 * CloudTrail Lake: values are inlined as literals. The returned params are a record for
 * `ctrb explain` (placeholder = the literal as it appears in the text), not values to send.
 */
export function inlineBinder(): Binder {
  const params: BoundParam[] = [];
  return {
    params,
    bind(value: BindValue, source: string): string {
      let literal: string;
      if (value instanceof Date) literal = lakeLiteral(value, 'timestamp');
      else if (typeof value === 'number') literal = lakeLiteral(value, 'number');
      else if (typeof value === 'string') literal = lakeLiteral(value, 'string');
      else throw new Error('internal: CloudTrail Lake lists are inlined value by value');
      params.push({ placeholder: literal, value, source });
      return literal;
    },
  };
}
