/**
 * A portable query evaluated in memory over CloudTrail event records (the JSON objects of a
 * log file or of LookupEvents' CloudTrailEvent). The LookupEvents engine applies it to the
 * events it fetched; tests use it as the oracle the SQL engines must agree with. Semantics
 * are those listed in ./sql-compiler.ts, and rows come out as the SQL engines return them:
 * eventTime as `YYYY-MM-DDTHH:MM:SSZ`, booleans as 'true' / 'false', JSON sub-fields as
 * text (objects as JSON text), counts as numbers, eventIDs as a list.
 */
import type { Aggregate, CompareOp, Condition, PortableQuery } from './definition.js';
import type { CellValue, Row, TimeWindow } from '../model/query.js';
import type { ValueContext } from './context.js';
import { fieldInfo, type FieldInfo } from './field-kinds.js';
import { inAnyCidr, ipKey } from '../model/values/ip.js';
import { checkBooleanTexts, resolveCidrs, resolveText, resolveTextList, resolveTime } from './values.js';
import { eventTimeOf, formatEventTime, wholeSecondBound, wholeSecondWindow } from './time.js';
import { EVENT_IDS_ALIAS, EVENT_IDS_LIMIT } from './normalize.js';
import { effectiveOrder, isOutputColumn, outputColumns } from './shape.js';

export type CloudTrailEvent = Readonly<Record<string, unknown>>;

export interface EvaluateContext extends Partial<ValueContext> {
  /** Keep only events inside the window (`start <= eventTime < end`), as every SQL statement does. */
  window?: TimeWindow;
}

type Predicate = (event: CloudTrailEvent) => boolean;

// ---------- reading fields ----------

function rawValue(event: CloudTrailEvent, info: FieldInfo): unknown {
  const r = info.resolved;
  let v: unknown = event[r.column];
  if (r.kind === 'column') return v;
  for (const seg of r.path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** The field as text, the way the SQL dialects read it; null when missing or JSON null. */
function textValue(event: CloudTrailEvent, info: FieldInfo): string | null {
  const v = rawValue(event, info);
  if (v === undefined || v === null) return null;
  if (info.kind === 'time') {
    const t = eventTimeOf(v);
    return t ? formatEventTime(t) : null;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function timeValue(event: CloudTrailEvent, info: FieldInfo): Date | null {
  return eventTimeOf(rawValue(event, info));
}

// ---------- ordering ----------

/** SQL engines compare text by its UTF-8 bytes (code points), not by UTF-16 units. */
function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

type SortValue = string | number | Date | null;

function compareValues(a: SortValue, b: SortValue): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}

/** Nulls last in both directions, as every dialect's ORDER BY ... NULLS LAST. */
function compareNullsLast(a: SortValue, b: SortValue, direction: 'asc' | 'desc'): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  const c = compareValues(a, b);
  return direction === 'asc' ? c : -c;
}

// ---------- where ----------

const TIME_TEST: Record<'gt' | 'gte' | 'lt' | 'lte', (t: number, bound: number) => boolean> = {
  gt: (t, b) => t > b,
  gte: (t, b) => t >= b,
  lt: (t, b) => t < b,
  lte: (t, b) => t <= b,
};

function comparePredicate(info: FieldInfo, op: CompareOp, c: Extract<Condition, { kind: 'compare' }>, ctx: ValueContext): Predicate {
  const text = (e: CloudTrailEvent): string | null => textValue(e, info);
  switch (op) {
    case 'eq':
    case 'ne':
    case 'prefix':
    case 'contains': {
      const v = resolveText(c.value, ctx).value;
      if (info.kind === 'boolean') checkBooleanTexts(c.value, [v], info.path);
      if (op === 'eq') return (e) => text(e) === v;
      if (op === 'ne') return (e) => text(e) !== v;
      if (op === 'prefix') return (e) => text(e)?.startsWith(v) ?? false;
      return (e) => text(e)?.includes(v) ?? false;
    }
    case 'in':
    case 'not_in': {
      const list = resolveTextList(c.value, ctx);
      if (info.kind === 'boolean' && !list.placeholder) checkBooleanTexts(c.value, list.value, info.path);
      const set = new Set(list.value);
      if (op === 'in') return (e) => {
        const t = text(e);
        return t !== null && set.has(t);
      };
      return (e) => {
        const t = text(e);
        return t === null || !set.has(t);
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const bound = wholeSecondBound(op, resolveTime(c.value, ctx).value).getTime();
      const test = TIME_TEST[op];
      return (e) => {
        const t = timeValue(e, info);
        return t !== null && test(t.getTime(), bound);
      };
    }
    case 'in_cidr':
    case 'not_in_cidr': {
      const ranges = resolveCidrs(c.value, ctx).value;
      if (op === 'in_cidr') return (e) => {
        const t = text(e);
        return t !== null && inAnyCidr(t, ranges);
      };
      // Only addresses can be outside a CIDR: service names and missing values match neither.
      return (e) => {
        const t = text(e);
        return t !== null && ipKey(t) !== null && !inAnyCidr(t, ranges);
      };
    }
  }
}

/** The `where` tree as a function over events, with its values resolved and validated once. */
export function compilePredicate(c: Condition, ctx: ValueContext): Predicate {
  switch (c.kind) {
    case 'all': {
      const items = c.items.map((i) => compilePredicate(i, ctx));
      return (e) => items.every((p) => p(e));
    }
    case 'any': {
      const items = c.items.map((i) => compilePredicate(i, ctx));
      return (e) => items.some((p) => p(e));
    }
    case 'not': {
      const inner = compilePredicate(c.item, ctx);
      return (e) => !inner(e);
    }
    case 'exists': {
      const info = fieldInfo(c.field);
      const present =
        info.kind === 'struct' || info.kind === 'array'
          ? (e: CloudTrailEvent) => {
              const v = rawValue(e, info);
              return v !== undefined && v !== null;
            }
          : (e: CloudTrailEvent) => textValue(e, info) !== null;
      return c.exists ? present : (e) => !present(e);
    }
    case 'compare':
      return comparePredicate(fieldInfo(c.field), c.op, c, ctx);
  }
}

// ---------- projection ----------

const EVENT_TIME = fieldInfo('eventTime');
const EVENT_ID = fieldInfo('eventID');

/** Time first, then id; events without a time last (as ORDER BY in the SQL aggregates). */
function byTimeThenId(a: CloudTrailEvent, b: CloudTrailEvent): number {
  return (
    compareNullsLast(timeValue(a, EVENT_TIME), timeValue(b, EVENT_TIME), 'asc') ||
    compareNullsLast(textValue(a, EVENT_ID), textValue(b, EVENT_ID), 'asc')
  );
}

function aggregateValue(a: Aggregate, events: readonly CloudTrailEvent[]): CellValue {
  if (a.fn === 'count') return events.length;
  const info = fieldInfo(a.field!);
  if (info.kind === 'time') {
    const times = events.map((e) => timeValue(e, info)).filter((t): t is Date => t !== null);
    if (a.fn === 'count_distinct') return new Set(times.map((t) => t.getTime())).size;
    if (times.length === 0) return null;
    const ms = times.map((t) => t.getTime());
    return formatEventTime(new Date(a.fn === 'min' ? Math.min(...ms) : Math.max(...ms)));
  }
  const texts = events.map((e) => textValue(e, info)).filter((t): t is string => t !== null);
  if (a.fn === 'count_distinct') return new Set(texts).size;
  if (texts.length === 0) return null;
  return texts.reduce((best, t) => {
    const c = compareText(t, best);
    return (a.fn === 'min' ? c < 0 : c > 0) ? t : best;
  });
}

function eventIdsOf(events: readonly CloudTrailEvent[]): string[] | null {
  const ids = [...events]
    .sort(byTimeThenId)
    .map((e) => textValue(e, EVENT_ID))
    .filter((v): v is string => v !== null)
    .slice(0, EVENT_IDS_LIMIT);
  return ids.length > 0 ? ids : null;
}

interface Candidate {
  row: Row;
  /** For ordering by a field that is not an output column (ungrouped queries only). */
  event?: CloudTrailEvent;
}

function groupRows(query: PortableQuery, events: readonly CloudTrailEvent[]): Candidate[] {
  const group = query.group!;
  const groups = new Map<string, { key: CellValue[]; events: CloudTrailEvent[] }>();
  const byFields = group.by.map((b) => fieldInfo(b.field));
  for (const e of events) {
    const key = byFields.map((info) => textValue(e, info));
    const k = JSON.stringify(key);
    const g = groups.get(k);
    if (g) g.events.push(e);
    else groups.set(k, { key, events: [e] });
  }
  return [...groups.values()].map((g) => {
    const row: Row = {};
    group.by.forEach((b, i) => (row[b.alias] = g.key[i]!));
    for (const a of group.aggregates) row[a.alias] = aggregateValue(a, g.events);
    row[EVENT_IDS_ALIAS] = eventIdsOf(g.events);
    return { row };
  });
}

function sortValue(query: PortableQuery, c: Candidate, key: string): SortValue {
  if (isOutputColumn(query, key)) {
    const v = c.row[key];
    return typeof v === 'string' || typeof v === 'number' ? v : v === null || v === undefined ? null : String(v);
  }
  const info = fieldInfo(key);
  return info.kind === 'time' ? timeValue(c.event!, info) : textValue(c.event!, info);
}

export interface EvaluationResult {
  columns: string[];
  rows: Row[];
}

/** Run `query` over `events`: filter (window and where), project or group, order, limit. */
export function evaluateQuery(
  query: PortableQuery,
  events: Iterable<CloudTrailEvent>,
  ctx: EvaluateContext = {},
): EvaluationResult {
  const values: ValueContext = { params: ctx.params ?? {}, ...(ctx.stepValues ? { stepValues: ctx.stepValues } : {}) };
  const where = compilePredicate(query.where, values);
  const window = ctx.window ? wholeSecondWindow(ctx.window) : undefined;
  const inWindow = (e: CloudTrailEvent): boolean => {
    if (!window) return true;
    const t = timeValue(e, EVENT_TIME);
    return t !== null && t >= window.start && t < window.end;
  };
  const matched = [...events].filter((e) => inWindow(e) && where(e));

  const selected = query.select.map((s) => ({ alias: s.alias, info: fieldInfo(s.field) }));
  let candidates: Candidate[] = query.group
    ? groupRows(query, matched)
    : matched.map((event) => ({
        event,
        row: Object.fromEntries(selected.map((s) => [s.alias, textValue(event, s.info)])),
      }));

  const order = effectiveOrder(query);
  if (order.length > 0) {
    candidates = candidates
      .map((c) => ({ c, keys: order.map((o) => sortValue(query, c, o.key)) }))
      .sort((x, y) => {
        for (let i = 0; i < order.length; i++) {
          const r = compareNullsLast(x.keys[i]!, y.keys[i]!, order[i]!.direction);
          if (r !== 0) return r;
        }
        return 0;
      })
      .map((x) => x.c);
  }
  if (query.limit !== undefined) candidates = candidates.slice(0, query.limit);
  return { columns: outputColumns(query), rows: candidates.map((c) => c.row) };
}
