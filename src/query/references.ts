/**
 * What a query refers to outside itself, so `ctrb validate` can check that every `$name`
 * is a declared parameter and every `$steps.<step>.<column>` an earlier step's column.
 */
import type { Condition, PortableQuery, RawQuery, ValueRef } from './definition.js';

export interface QueryReferences {
  /** Parameter names, without `$`, in order of first use. */
  params: string[];
  /** Earlier steps' columns, in order of first use. */
  steps: { step: string; column: string }[];
}

function collect(refs: Iterable<ValueRef>): QueryReferences {
  const params = new Set<string>();
  const steps = new Map<string, { step: string; column: string }>();
  for (const ref of refs) {
    if (ref.kind === 'param') params.add(ref.name);
    if (ref.kind === 'rows') steps.set(`${ref.step}.${ref.column}`, { step: ref.step, column: ref.column });
  }
  return { params: [...params], steps: [...steps.values()] };
}

function* conditionRefs(c: Condition): Generator<ValueRef> {
  switch (c.kind) {
    case 'all':
    case 'any':
      for (const i of c.items) yield* conditionRefs(i);
      return;
    case 'not':
      yield* conditionRefs(c.item);
      return;
    case 'compare':
      yield c.value;
      return;
    case 'exists':
      return;
  }
}

export function queryReferences(query: PortableQuery | RawQuery): QueryReferences {
  return 'sql' in query ? collect(Object.values(query.params)) : collect(conditionRefs(query.where));
}
