/**
 * The LookupEvents "dialect". LookupEvents filters on one attribute only, over management
 * events of the last 90 days. The compiler picks the most selective attribute the query's
 * top-level conditions pin to a single value, and the engine applies the whole query to the
 * events it gets back (./evaluate.ts). The plan carries the query with every value already
 * resolved and validated, so the engine needs no parameters.
 */
import type { Condition, PortableQuery, ValueRef } from './definition.js';
import type { CompiledQuery, LookupPlan } from './engine.js';
import type { BoundParam } from '../model/query.js';
import type { CompileContext, ValueContext } from './context.js';
import { EngineCannotAnswerError } from './errors.js';
import { fieldInfo } from './field-kinds.js';
import { checkBooleanTexts, resolveCidrs, resolveText, resolveTextList, resolveTime, sourceOf } from './values.js';
import { checkedWindow } from './sql-compiler.js';
import { describeCondition } from './describe.js';
import { formatEventTime } from './time.js';
import { outputColumns } from './shape.js';

export const LOOKUP_HORIZON_DAYS = 90;

interface LookupAttribute {
  key: string;
  field: string;
  /**
   * Whether the attribute matches exactly the events whose field has the value. Username is
   * CloudTrail's display name (the session name for roles, `root` for the root user), a
   * superset of userIdentity.userName, so that condition stays in the client-side filter.
   */
  exact: boolean;
}

/**
 * From most to least selective, as AWS ranks them: EventId > AccessKeyId > Username >
 * ResourceName > EventName > EventSource > ResourceType > ReadOnly. ResourceName and
 * ResourceType come from `resources`, which portable queries do not compare, so they never
 * apply.
 */
export const LOOKUP_ATTRIBUTES: readonly LookupAttribute[] = [
  { key: 'EventId', field: 'eventID', exact: true },
  { key: 'AccessKeyId', field: 'userIdentity.accessKeyId', exact: true },
  { key: 'Username', field: 'userIdentity.userName', exact: false },
  { key: 'EventName', field: 'eventName', exact: true },
  { key: 'EventSource', field: 'eventSource', exact: true },
  { key: 'ReadOnly', field: 'readOnly', exact: true },
];

const literal = (value: string | string[]): ValueRef => ({ kind: 'literal', value });

/** The condition tree with every value resolved, validated and written in as a literal. */
function inlineCondition(c: Condition, ctx: ValueContext): Condition {
  switch (c.kind) {
    case 'all':
    case 'any':
      return { kind: c.kind, items: c.items.map((i) => inlineCondition(i, ctx)) };
    case 'not':
      return { kind: 'not', item: inlineCondition(c.item, ctx) };
    case 'exists':
      return c;
    case 'compare': {
      const info = fieldInfo(c.field);
      switch (c.op) {
        case 'eq':
        case 'ne':
        case 'prefix':
        case 'contains': {
          const v = resolveText(c.value, ctx).value;
          if (info.kind === 'boolean') checkBooleanTexts(c.value, [v], info.path);
          return { ...c, value: literal(v) };
        }
        case 'in':
        case 'not_in': {
          const list = resolveTextList(c.value, ctx);
          if (info.kind === 'boolean' && !list.placeholder) checkBooleanTexts(c.value, list.value, info.path);
          return { ...c, value: literal(list.value) };
        }
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          return { ...c, value: literal(resolveTime(c.value, ctx).value.toISOString()) };
        case 'in_cidr':
        case 'not_in_cidr':
          return { ...c, value: literal(resolveCidrs(c.value, ctx).value.map((r) => r.text)) };
      }
    }
  }
}

/** The single value a top-level condition pins a field to, if it does. */
function pinnedValue(c: Condition): { field: string; value: string } | null {
  if (c.kind !== 'compare' || c.value.kind !== 'literal') return null;
  const v = c.value.value;
  if (c.op === 'eq' && !Array.isArray(v)) return { field: c.field, value: String(v) };
  if (c.op === 'in' && Array.isArray(v) && v.length === 1) return { field: c.field, value: String(v[0]) };
  return null;
}

/**
 * The best attribute among the conjuncts. `usable[i]` is false for conditions whose value is
 * only a placeholder (an earlier step's rows, explained before the run): the real list may
 * hold many values, so they cannot be promised as the lookup attribute.
 */
function choose(conjuncts: readonly Condition[], usable: readonly boolean[]): { attribute: LookupAttribute; value: string; index: number } | null {
  for (const attribute of LOOKUP_ATTRIBUTES) {
    const index = conjuncts.findIndex((c, i) => usable[i] && pinnedValue(c)?.field === attribute.field);
    if (index !== -1) return { attribute, value: pinnedValue(conjuncts[index]!)!.value, index };
  }
  return null;
}

function conjunction(items: Condition[]): Condition {
  return items.length === 1 ? items[0]! : { kind: 'all', items };
}

export function compileLookup(query: PortableQuery, ctx: CompileContext): CompiledQuery {
  if (query.dataEvents) {
    throw new EngineCannotAnswerError(
      'LookupEvents returns management events only and this query needs data events (data_events: true): run it on athena, lake or duckdb',
      ['athena', 'lake', 'duckdb'],
      'step',
    );
  }
  const window = checkedWindow(ctx);
  const now = ctx.now ?? new Date();
  const horizon = new Date(now.getTime() - LOOKUP_HORIZON_DAYS * 24 * 3600 * 1000);
  if (window.start < horizon) {
    throw new EngineCannotAnswerError(
      `LookupEvents only sees the last ${LOOKUP_HORIZON_DAYS} days, and this window starts at ${formatEventTime(window.start)}: shorten the window or use athena or lake`,
      ['athena', 'lake'],
      'window',
    );
  }

  const where = inlineCondition(query.where, ctx);
  const inlined: PortableQuery = { ...query, where };
  const conjuncts = where.kind === 'all' ? where.items : [where];
  const originals = query.where.kind === 'all' ? query.where.items : [query.where];
  const usable = originals.map((c) => !(c.kind === 'compare' && c.value.kind === 'rows' && !ctx.stepValues));
  const chosen = choose(conjuncts, usable);
  const priority = 'EventId > AccessKeyId > Username > ResourceName > EventName > EventSource > ResourceType > ReadOnly';

  let attribute: LookupPlan['attribute'] = null;
  let residual: Condition = where;
  let reason: string;
  const params: BoundParam[] = [];
  if (chosen) {
    attribute = { key: chosen.attribute.key, value: chosen.value };
    if (chosen.attribute.exact) residual = conjunction(conjuncts.filter((_, i) => i !== chosen.index));
    reason = `${chosen.attribute.field} = ${JSON.stringify(chosen.value)} is the most selective lookup attribute this query pins (${priority})`;
    const original = originals[chosen.index];
    const source = original?.kind === 'compare' ? sourceOf(original.value) : 'literal';
    params.push({ placeholder: 'AttributeValue', value: chosen.value, source });
  } else {
    reason = `no top-level condition pins ${LOOKUP_ATTRIBUTES.map((a) => a.field).join(', ')} to one value, so LookupEvents reads every management event in the window and the filter runs here`;
  }

  const lookup: LookupPlan = { attribute, startTime: window.start, endTime: window.end, query: inlined, residual, reason };
  return { engine: 'lookup', text: lookupText(lookup, inlined), params, columns: outputColumns(query), lookup };
}

/** LookupEvents LookupAttributes=[...] StartTime=... EndTime=...; then filter: ... */
function lookupText(plan: LookupPlan, query: PortableQuery): string {
  const attrs = plan.attribute ? `{AttributeKey=${plan.attribute.key}, AttributeValue=${plan.attribute.value}}` : '';
  const parts = [
    `LookupEvents LookupAttributes=[${attrs}] StartTime=${formatEventTime(plan.startTime)} EndTime=${formatEventTime(plan.endTime)}`,
    `then filter: ${describeCondition(plan.residual)}`,
  ];
  if (query.group) {
    const aggs = query.group.aggregates.map((a) => (a.field ? `${a.fn}(${a.field}) as ${a.alias}` : `count(*) as ${a.alias}`));
    parts.push(`then group by ${query.group.by.map((b) => `${b.field} as ${b.alias}`).join(', ')}: ${[...aggs, 'eventIDs'].join(', ')}`);
  } else {
    parts.push(`then return: ${query.select.map((s) => (s.field === s.alias ? s.field : `${s.field} as ${s.alias}`)).join(', ')}`);
  }
  if (query.order.length > 0) parts.push(`order by ${query.order.map((o) => `${o.key} ${o.direction}`).join(', ')}`);
  if (query.limit !== undefined) parts.push(`limit ${query.limit}`);
  return parts.join('; ');
}
