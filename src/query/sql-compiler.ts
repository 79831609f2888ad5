/**
 * The one SQL compiler: walks a normalized portable query and asks a dialect how to spell
 * each piece. The semantics every engine shares (and ./evaluate.ts mirrors) live here:
 *
 * - a field compares as text (booleans as 'true' / 'false', JSON sub-fields as text);
 * - `ne` and `not_in` are null-safe: a missing field counts as different;
 * - `prefix` / `contains` are case-sensitive and false on a missing field;
 * - `exists: true` means present and not null;
 * - an empty `in` matches nothing, an empty `not_in` everything;
 * - `in_cidr` / `not_in_cidr` only ever match IP addresses (see ./cidr.ts);
 * - `not` negates two-valued logic: its operand's NULL (a missing field) is false first,
 *   so `not: { eventName: X }` keeps events that have no eventName;
 * - eventTime bounds are whole seconds (see ./time.ts), and the run's window is always
 *   part of the statement.
 */
import type { Aggregate, CompareOp, Condition, PortableQuery } from './definition.js';
import type { CompiledQuery } from './engine.js';
import type { CompileContext } from './context.js';
import type { Binder, SqlDialect } from './dialects/dialect.js';
import { fieldInfo, type FieldInfo } from './field-kinds.js';
import { IPV4_PATTERN_BODY, IPV6_PATTERN_BODY, type CidrRange, type IpFamily } from '../model/values/ip.js';
import { checkBooleanTexts, resolveCidrs, resolveText, resolveTextList, resolveTime } from './values.js';
import { wholeSecondBound, wholeSecondWindow, type TimeOp } from './time.js';
import { QueryValueError } from './errors.js';
import { EVENT_IDS_ALIAS, EVENT_IDS_LIMIT } from './normalize.js';
import { effectiveOrder, isOutputColumn, outputColumns } from './shape.js';

const TIME_SYMBOL: Record<TimeOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Check the window and round it to whole seconds; shared by every engine's compiler. */
export function checkedWindow(ctx: CompileContext): { start: Date; end: Date } {
  const { start, end } = ctx.window;
  if (!(start instanceof Date) || !(end instanceof Date) || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    throw new QueryValueError('the time window needs a valid start and end');
  }
  const window = wholeSecondWindow(ctx.window);
  if (window.start.getTime() >= window.end.getTime()) {
    throw new QueryValueError(`the time window is empty: it starts at ${start.toISOString()} and ends at ${end.toISOString()}`);
  }
  return window;
}

/**
 * Whether a condition's SQL is never NULL, so `NOT` can apply directly. Comparisons on a
 * missing field (eq, in, prefix, contains, times) are NULL and need COALESCE under NOT.
 */
function twoValued(c: Condition): boolean {
  switch (c.kind) {
    case 'all':
    case 'any':
      return c.items.every(twoValued);
    case 'not':
    case 'exists':
      return true;
    case 'compare':
      return c.op === 'ne' || c.op === 'not_in' || c.op === 'in_cidr' || c.op === 'not_in_cidr';
  }
}

class StatementBuilder {
  readonly binder: Binder;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly ctx: CompileContext,
  ) {
    this.binder = dialect.binder();
  }

  // ----- fields -----

  /** The field's value as compared: text for everything but eventTime, which stays a time. */
  value(info: FieldInfo): string {
    const d = this.dialect;
    const r = info.resolved;
    if (r.kind === 'json') return d.jsonText(r.column, r.path);
    if (r.kind === 'struct') return d.structField(r.column, r.path);
    if (info.kind === 'boolean') return d.booleanText(d.column(r.column));
    if (info.kind === 'document') return d.jsonText(r.column, []);
    return d.column(r.column);
  }

  /** The field as returned in a row: eventTime as CloudTrail's text form. */
  output(info: FieldInfo): string {
    const v = this.value(info);
    return info.kind === 'time' ? this.dialect.timeText(v) : v;
  }

  // ----- conditions -----

  condition(c: Condition): string {
    switch (c.kind) {
      case 'all':
        return c.items.length === 0 ? 'TRUE' : c.items.map((i) => this.operand(i)).join(' AND ');
      case 'any':
        return c.items.length === 0 ? 'FALSE' : c.items.map((i) => this.operand(i)).join(' OR ');
      case 'not':
        return twoValued(c.item) ? `NOT (${this.condition(c.item)})` : `NOT COALESCE(${this.condition(c.item)}, FALSE)`;
      case 'exists': {
        const info = fieldInfo(c.field);
        const expr = info.kind === 'struct' || info.kind === 'array' ? this.container(info) : this.value(info);
        return `${expr} IS ${c.exists ? 'NOT ' : ''}NULL`;
      }
      case 'compare':
        return this.compare(fieldInfo(c.field), c.op, c);
    }
  }

  /** A condition as an operand of AND / OR: compound ones in parentheses. */
  operand(c: Condition): string {
    const text = this.condition(c);
    return (c.kind === 'all' || c.kind === 'any') && c.items.length > 1 ? `(${text})` : text;
  }

  private container(info: FieldInfo): string {
    const r = info.resolved;
    if (r.kind === 'struct') return this.dialect.structField(r.column, r.path);
    return info.kind === 'array' ? this.dialect.listColumn(r.column) : this.dialect.column(r.column);
  }

  private compare(info: FieldInfo, op: CompareOp, c: Extract<Condition, { kind: 'compare' }>): string {
    const d = this.dialect;
    const b = this.binder;
    const f = this.value(info);
    switch (op) {
      case 'eq':
      case 'ne':
      case 'prefix':
      case 'contains': {
        const v = resolveText(c.value, this.ctx);
        if (info.kind === 'boolean') checkBooleanTexts(c.value, [v.value], info.path);
        const p = b.bind(v.value, v.source);
        if (op === 'eq') return `${f} = ${p}`;
        if (op === 'ne') return `${f} IS DISTINCT FROM ${p}`;
        return op === 'prefix' ? d.startsWith(f, p) : d.containsText(f, p);
      }
      case 'in':
      case 'not_in': {
        const list = resolveTextList(c.value, this.ctx);
        if (info.kind === 'boolean' && !list.placeholder) checkBooleanTexts(c.value, list.value, info.path);
        const member = d.membership(f, list.value, list.source, b);
        if (op === 'in') return member ?? 'FALSE';
        return member === null ? 'TRUE' : `(${f} IS NULL OR NOT ${member})`;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const t = resolveTime(c.value, this.ctx);
        return `${f} ${TIME_SYMBOL[op]} ${b.bind(wholeSecondBound(op, t.value), t.source)}`;
      }
      case 'in_cidr':
      case 'not_in_cidr': {
        const ranges = resolveCidrs(c.value, this.ctx);
        return this.cidr(f, op === 'in_cidr', ranges.value, ranges.source);
      }
    }
  }

  // ----- CIDR (the scheme is described in ./cidr.ts) -----

  private ipKey(family: IpFamily, f: string): string {
    const d = this.dialect;
    if (family === 'v4') {
      return `CASE WHEN ${d.fullMatch(f, IPV4_PATTERN_BODY)} THEN ${d.padPieces(f, '.', 3, '.', false)} END`;
    }
    // Expand `::` to the zero groups it stands for: 8 minus the groups written, which is the
    // number of colons, less one for a leading and one for a trailing `::`.
    const colons = `(length(${f}) - length(replace(${f}, ':', '')))`;
    const zeroGroups =
      `8 - ${colons}` +
      ` + CASE WHEN substr(${f}, 1, 1) = ':' THEN 1 ELSE 0 END` +
      ` + CASE WHEN substr(${f}, length(${f}), 1) = ':' THEN 1 ELSE 0 END`;
    const expanded = `replace(lower(${f}), '::', ':' || substr('0:0:0:0:0:0:0:0', 1, greatest(2 * (${zeroGroups}) - 1, 0)) || ':')`;
    return `CASE WHEN ${d.fullMatch(f, IPV6_PATTERN_BODY)} THEN ${d.padPieces(expanded, ':', 4, '', true)} END`;
  }

  private cidr(f: string, inside: boolean, ranges: readonly CidrRange[], source: string): string {
    const parts: string[] = [];
    for (const family of ['v4', 'v6'] as const) {
      const mine = ranges.filter((r) => r.family === family);
      if (mine.length === 0) {
        // Every address of this family is outside a list that has none of its ranges.
        if (!inside) {
          parts.push(`COALESCE(${this.dialect.fullMatch(f, family === 'v4' ? IPV4_PATTERN_BODY : IPV6_PATTERN_BODY)}, FALSE)`);
        }
        continue;
      }
      const key = this.ipKey(family, f);
      const tests = mine.map((r) => {
        const low = this.binder.bind(r.low, source);
        const high = this.binder.bind(r.high, source);
        return `${key} ${inside ? '' : 'NOT '}BETWEEN ${low} AND ${high}`;
      });
      // The key is NULL for values that are not addresses of this family: they match neither way.
      parts.push(`COALESCE(${tests.join(inside ? ' OR ' : ' AND ')}, FALSE)`);
    }
    if (parts.length === 0) return 'FALSE';
    return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
  }

  // ----- aggregates -----

  aggregate(a: Aggregate): string {
    if (a.fn === 'count') return 'count(*)';
    const info = fieldInfo(a.field!);
    const v = this.value(info);
    if (a.fn === 'count_distinct') return `count(DISTINCT ${v})`;
    const agg = `${a.fn}(${v})`;
    return info.kind === 'time' ? this.dialect.timeText(agg) : agg;
  }
}

/** Compile a portable query to one SQL statement for `dialect`. */
export function compileSql(query: PortableQuery, dialect: SqlDialect, ctx: CompileContext): CompiledQuery {
  const window = checkedWindow(ctx);
  const table = dialect.table(ctx);
  const s = new StatementBuilder(dialect, ctx);
  const alias = dialect.alias;

  const selectList: string[] = [];
  const groupBy: string[] = [];
  if (query.group) {
    for (const item of query.group.by) {
      const expr = s.output(fieldInfo(item.field));
      selectList.push(`${expr} AS ${alias(item.alias)}`);
      groupBy.push(expr);
    }
    for (const a of query.group.aggregates) selectList.push(`${s.aggregate(a)} AS ${alias(a.alias)}`);
    const id = s.value(fieldInfo('eventID'));
    const time = s.value(fieldInfo('eventTime'));
    selectList.push(`${dialect.eventIdList(id, time, EVENT_IDS_LIMIT)} AS ${alias(EVENT_IDS_ALIAS)}`);
  } else {
    for (const item of query.select) selectList.push(`${s.output(fieldInfo(item.field))} AS ${alias(item.alias)}`);
  }

  // Text order is bind order (Athena's `?` are positional): window first, then the filter.
  const where = dialect.windowPredicates(window, s.binder, ctx);
  const filters = query.where.kind === 'all' ? query.where.items : [query.where];
  for (const f of filters) {
    const sql = s.operand(f);
    if (sql !== 'TRUE') where.push(sql); // e.g. an empty not_in: nothing to filter
  }

  const orderBy = effectiveOrder(query).map((o) => {
    const key = isOutputColumn(query, o.key) ? alias(o.key) : s.value(fieldInfo(o.key));
    return `${key} ${o.direction.toUpperCase()} NULLS LAST`;
  });

  const lines = [`SELECT ${selectList.join(',\n       ')}`, `FROM ${table}`, `WHERE ${where.join('\n  AND ')}`];
  if (groupBy.length > 0) lines.push(`GROUP BY ${groupBy.join(', ')}`);
  if (orderBy.length > 0) lines.push(`ORDER BY ${orderBy.join(', ')}`);
  if (query.limit !== undefined) {
    // The limit is the one number written into the text: it must be a plain positive integer.
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw new QueryValueError(`limit must be a whole number of rows, not ${query.limit}`);
    lines.push(`LIMIT ${query.limit}`);
  }

  return { engine: dialect.engine, text: lines.join('\n'), params: s.binder.params, columns: outputColumns(query) };
}
