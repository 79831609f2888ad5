/**
 * A condition tree as one readable line, for `ctrb explain` and the LookupEvents plan:
 * `eventName = "ConsoleLogin" and sourceIPAddress not in cidr ["10.0.0.0/8"]`.
 */
import type { CompareOp, Condition, ValueRef } from './definition.js';

const OP_WORDS: Record<CompareOp, string> = {
  eq: '=',
  ne: '!=',
  in: 'in',
  not_in: 'not in',
  prefix: 'starts with',
  contains: 'contains',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  in_cidr: 'in cidr',
  not_in_cidr: 'not in cidr',
};

export function describeValue(ref: ValueRef): string {
  switch (ref.kind) {
    case 'literal':
      return Array.isArray(ref.value) ? `[${ref.value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(ref.value);
    case 'param':
      return `$${ref.name}`;
    case 'rows':
      return `$steps.${ref.step}.${ref.column}`;
  }
}

function operand(c: Condition): string {
  const text = describeCondition(c);
  return (c.kind === 'all' || c.kind === 'any') && c.items.length > 1 ? `(${text})` : text;
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'all':
      return c.items.length === 0 ? 'every event' : c.items.map(operand).join(' and ');
    case 'any':
      return c.items.length === 0 ? 'no event' : c.items.map(operand).join(' or ');
    case 'not':
      return `not (${describeCondition(c.item)})`;
    case 'exists':
      return `${c.field} ${c.exists ? 'exists' : 'does not exist'}`;
    case 'compare':
      return `${c.field} ${OP_WORDS[c.op]} ${describeValue(c.value)}`;
  }
}
