/**
 * The output shape of a normalized query, shared by the SQL compiler and the evaluator so
 * both return the same columns in the same order.
 */
import type { OrderItem, PortableQuery } from './definition.js';
import { EVENT_IDS_ALIAS } from './normalize.js';

/** Output column names, in order. */
export function outputColumns(query: PortableQuery): string[] {
  if (query.group) {
    return [...query.group.by.map((b) => b.alias), ...query.group.aggregates.map((a) => a.alias), EVENT_IDS_ALIAS];
  }
  return query.select.map((s) => s.alias);
}

/** Whether an order key names an output column (otherwise it is a field path). */
export function isOutputColumn(query: PortableQuery, key: string): boolean {
  return outputColumns(query).includes(key);
}

/**
 * The order the author asked for, then tie-breakers that make it total (the eventID of an
 * event row, or the group's columns), so that a `limit` keeps the same rows on every engine
 * and from one run to the next. A query without `order` stays unordered.
 */
export function effectiveOrder(query: PortableQuery): OrderItem[] {
  if (query.order.length === 0) return [];
  const tieBreakers = query.group
    ? query.group.by.map((b) => b.alias)
    : [query.select.find((s) => s.field === 'eventID')!.alias];
  const used = new Set(query.order.map((o) => o.key));
  return [
    ...query.order,
    ...tieBreakers.filter((k) => !used.has(k)).map((key) => ({ key, direction: 'asc' as const })),
  ];
}
