/**
 * YAML query → normalized query tree. Everything a runbook author can get wrong in a query
 * is found here, at load time, with a path (`where.any[1].sourceIPAddress`) and a sentence
 * saying what is expected. Values given by parameters are checked later, at compile time,
 * when they are known.
 */
import { z } from 'zod';
import {
  COMPARE_OPS,
  portableQuerySchema,
  rawQuerySchema,
  type Aggregate,
  type CompareOp,
  type Condition,
  type OrderItem,
  type PortableQuery,
  type PortableQueryYaml,
  type RawQuery,
  type RawQueryYaml,
  type Scalar,
  type SelectItem,
  type ValueRef,
} from './definition.js';
import { UnknownFieldError } from './fields.js';
import { describeKind, fieldInfo, isScalarKind, isSelectableKind, type FieldInfo } from './field-kinds.js';
import { QueryDefinitionError } from './errors.js';
import { parseCidr } from '../model/values/ip.js';
import { readIsoTime } from '../model/values/time.js';
import { RESERVED_PLACEHOLDERS, scanPlaceholders, WINDOW_PLACEHOLDERS } from './raw-sql.js';

/** The operators an operator map accepts, in the order messages list them. */
export const OPERATORS = [...COMPARE_OPS, 'exists'] as const;

/** Returned when a query has no `select`: the columns an investigator looks at first. */
export const DEFAULT_SELECT: readonly string[] = [
  'eventTime',
  'eventName',
  'eventSource',
  'userIdentity.arn as principal',
  'sourceIPAddress',
  'errorCode',
];

/** The evidence column of grouped queries: up to this many eventIDs per group. */
export const EVENT_IDS_ALIAS = 'eventIDs';
export const EVENT_IDS_LIMIT = 50;

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARAM_REF = /^\$([A-Za-z_][A-Za-z0-9_-]*)$/;
const STEPS_REF = /^\$steps\.([a-z][a-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;
const TIME_OPS: readonly CompareOp[] = ['gt', 'gte', 'lt', 'lte'];
const SINGLE_VALUE_OPS: readonly CompareOp[] = ['eq', 'ne', 'prefix', 'contains', 'gt', 'gte', 'lt', 'lte'];
const CIDR_OPS: readonly CompareOp[] = ['in_cidr', 'not_in_cidr'];
const BOOLEAN_OPS: readonly CompareOp[] = ['eq', 'ne', 'in', 'not_in'];

function fail(path: string, reason: string): never {
  throw new QueryDefinitionError(path, reason);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function field(path: string, at: string): FieldInfo {
  try {
    return fieldInfo(path);
  } catch (e) {
    if (e instanceof UnknownFieldError) {
      fail(at, `${e.message}; field paths use CloudTrail's own names, e.g. eventName, userIdentity.arn or requestParameters.bucketName`);
    }
    throw e;
  }
}

// ---------- values ----------

/**
 * A YAML value as a ValueRef: `$name` is a parameter, `$steps.<step>.<column>` an earlier
 * step's column, `$$x` the literal `$x`; anything else is a literal.
 */
export function parseValueRef(value: unknown, at: string): ValueRef {
  if (typeof value === 'string' && value.startsWith('$')) {
    if (value.startsWith('$$')) return { kind: 'literal', value: value.slice(1) };
    if (value === '$steps' || value.startsWith('$steps.')) {
      const m = STEPS_REF.exec(value);
      if (!m) fail(at, `"${value}" is not a step reference; write $steps.<step id>.<column>, e.g. $steps.keys.accessKeyId`);
      return { kind: 'rows', step: m[1]!, column: m[2]! };
    }
    const m = PARAM_REF.exec(value);
    if (!m) {
      fail(at, `"${value}" is not a parameter reference; a parameter name is letters, digits, "_" and "-" (write $$ for a text that starts with $)`);
    }
    return { kind: 'param', name: m[1]! };
  }
  if (isScalar(value)) return { kind: 'literal', value };
  if (Array.isArray(value)) {
    const items = value.map((item, i) => {
      if (!isScalar(item)) fail(`${at}[${i}]`, 'a list holds plain values (text, numbers, true/false)');
      if (typeof item === 'string' && item.startsWith('$')) {
        if (item.startsWith('$$')) return item.slice(1);
        fail(`${at}[${i}]`, `"${item}": a list cannot contain references; use one list parameter instead (e.g. { in: $names }), or write $$ for a text that starts with $`);
      }
      return item;
    });
    return { kind: 'literal', value: items };
  }
  fail(at, value === null || value === undefined ? 'has no value' : 'expected a value, a list of values or a $reference');
}

// ---------- where ----------

function operatorList(): string {
  return OPERATORS.join(', ');
}

function checkLiteralTimes(ref: ValueRef, at: string): void {
  if (ref.kind !== 'literal') return;
  const reading = typeof ref.value === 'string' ? readIsoTime(ref.value) : { problem: 'is not a time' };
  if ('problem' in reading) {
    fail(at, `${JSON.stringify(ref.value)} ${reading.problem}; write ISO 8601 such as 2024-05-01T12:00:00Z`);
  }
}

function checkLiteralCidrs(ref: ValueRef, at: string): void {
  if (ref.kind !== 'literal') return;
  const values = Array.isArray(ref.value) ? ref.value : [ref.value];
  values.forEach((v, i) => {
    const where = Array.isArray(ref.value) ? `${at}[${i}]` : at;
    if (typeof v !== 'string' || !parseCidr(v)) {
      fail(where, `${JSON.stringify(v)} is not a CIDR; write one such as 10.0.0.0/8 or 2001:db8::/32`);
    }
  });
}

function checkLiteralBooleans(ref: ValueRef, info: FieldInfo, at: string): void {
  if (ref.kind !== 'literal') return;
  const values = Array.isArray(ref.value) ? ref.value : [ref.value];
  for (const v of values) {
    if (v !== true && v !== false && v !== 'true' && v !== 'false') {
      fail(at, `${info.path} is true or false, not ${JSON.stringify(v)}`);
    }
  }
}

function compareCondition(info: FieldInfo, op: CompareOp, raw: unknown, at: string): Condition {
  if (TIME_OPS.includes(op) && info.kind !== 'time') {
    fail(at, `${op} compares times and only applies to eventTime; ${info.path} is ${describeKind(info)}: use eq, ne, in, not_in, prefix or contains`);
  }
  if (info.kind === 'time' && !TIME_OPS.includes(op)) {
    fail(at, `eventTime is a time: compare it with gt, gte, lt or lte (the run's window already bounds it)`);
  }
  if (!isScalarKind(info.kind)) {
    fail(at, `${info.path} is ${describeKind(info)}, which has no single value to compare: compare one of its fields (e.g. userIdentity.arn, requestParameters.bucketName) or test { exists: true }`);
  }
  if (info.kind === 'boolean' && !BOOLEAN_OPS.includes(op)) {
    fail(at, `${info.path} is true or false: compare it with eq, ne, in or not_in`);
  }
  const value = parseValueRef(raw, at);
  if (SINGLE_VALUE_OPS.includes(op)) {
    if (value.kind === 'literal' && Array.isArray(value.value)) {
      fail(at, `${op} takes one value, not a list${op === 'eq' || op === 'ne' ? `: use ${op === 'eq' ? 'in' : 'not_in'} for a list` : ''}`);
    }
    if (value.kind === 'rows') {
      fail(at, `$steps.${value.step}.${value.column} is a list of values: use in or not_in`);
    }
  }
  if (TIME_OPS.includes(op)) checkLiteralTimes(value, at);
  if (CIDR_OPS.includes(op)) {
    if (value.kind === 'rows') fail(at, `${op} takes CIDRs written in the query or given by a parameter, not an earlier step's rows`);
    checkLiteralCidrs(value, at);
  }
  if (info.kind === 'boolean') checkLiteralBooleans(value, info, at);
  return { kind: 'compare', field: info.path, op, value };
}

function existsCondition(info: FieldInfo, raw: unknown, at: string): Condition {
  if (typeof raw !== 'boolean') fail(at, 'exists takes true or false');
  return { kind: 'exists', field: info.path, exists: raw };
}

function fieldCondition(path: string, raw: unknown, at: string): Condition {
  const info = field(path, at);
  if (raw === null || raw === undefined) {
    fail(at, 'has no value; write a value, a list of values, or an operator map such as { exists: true }');
  }
  if (isPlainObject(raw)) {
    const entries = Object.entries(raw);
    if (entries.length === 0) fail(at, `an operator map needs at least one operator (${operatorList()})`);
    const items = entries.map(([op, v]) => {
      const opAt = `${at}.${op}`;
      if (op === 'exists') return existsCondition(info, v, opAt);
      if (!(COMPARE_OPS as readonly string[]).includes(op)) {
        fail(opAt, `unknown operator "${op}"; expected one of ${operatorList()}`);
      }
      return compareCondition(info, op as CompareOp, v, opAt);
    });
    return items.length === 1 ? items[0]! : { kind: 'all', items };
  }
  if (Array.isArray(raw)) return compareCondition(info, 'in', raw, at);
  return compareCondition(info, 'eq', raw, at);
}

/** A `where` map: an implicit `all` of its entries. */
export function normalizeWhere(map: unknown, at = 'where'): Condition {
  if (!isPlainObject(map)) fail(at, 'expected a map of conditions such as { eventName: ConsoleLogin }');
  const items: Condition[] = [];
  for (const [key, value] of Object.entries(map)) {
    const keyAt = joinPath(at, key);
    if (key === 'all' || key === 'any') {
      if (!Array.isArray(value) || value.length === 0) {
        fail(keyAt, `${key} takes a non-empty list of condition maps, e.g. ${key}: [{ eventName: A }, { eventName: B }]`);
      }
      const children = value.map((m, i) => normalizeWhere(m, `${keyAt}[${i}]`));
      if (key === 'all') {
        // An `all` inside a map (itself an `all`) adds its conditions to the map's.
        for (const child of children) items.push(...(child.kind === 'all' ? child.items : [child]));
      } else {
        items.push(children.length === 1 ? children[0]! : { kind: key, items: children });
      }
    } else if (key === 'not') {
      items.push({ kind: 'not', item: normalizeWhere(value, keyAt) });
    } else {
      items.push(fieldCondition(key, value, keyAt));
    }
  }
  return items.length === 1 ? items[0]! : { kind: 'all', items };
}

// ---------- select / group / order ----------

const SELECT_ITEM = /^\s*(\S+)(?:\s+as\s+(\S+))?\s*$/i;

function selectItem(text: unknown, at: string): SelectItem {
  if (typeof text !== 'string') fail(at, 'expected "field" or "field as alias"');
  const m = SELECT_ITEM.exec(text);
  if (!m) fail(at, `"${text}" is not "field" or "field as alias"`);
  const info = field(m[1]!, at);
  if (!isSelectableKind(info.kind)) {
    fail(at, `${info.path} is ${describeKind(info)} and cannot be a column: select its fields, e.g. userIdentity.arn`);
  }
  const alias = m[2] ?? info.path.split('.').pop()!;
  if (!ALIAS.test(alias)) {
    fail(at, `"${alias}" is not a valid column name: use letters, digits and "_", starting with a letter or "_"`);
  }
  return { field: info.path, alias };
}

class Columns {
  private readonly seen = new Map<string, string>();

  add(alias: string, at: string, what: string): void {
    const earlier = this.seen.get(alias);
    if (earlier !== undefined) {
      fail(at, `the column name "${alias}" is already used by ${earlier}; give one of them an explicit alias, e.g. "${what} as other_${alias}"`);
    }
    this.seen.set(alias, at);
  }

  has(alias: string): boolean {
    return this.seen.has(alias);
  }

  names(): string[] {
    return [...this.seen.keys()];
  }
}

function aggregateField(path: unknown, at: string): string {
  if (typeof path !== 'string') fail(at, 'expected a field path');
  const info = field(path, at);
  if (!isScalarKind(info.kind)) fail(at, `${info.path} is ${describeKind(info)} and cannot be aggregated`);
  return info.path;
}

function normalizeGroup(group: NonNullable<PortableQueryYaml['group']>, columns: Columns): NonNullable<PortableQuery['group']> {
  const by = group.by.map((text, i) => {
    const at = `group.by[${i}]`;
    const item = selectItem(text, at);
    columns.add(item.alias, at, item.field);
    return item;
  });
  const aggregates: Aggregate[] = [];
  if (group.count !== undefined) {
    if (!ALIAS.test(group.count)) fail('group.count', `"${group.count}" is not a valid column name for the count`);
    columns.add(group.count, 'group.count', 'count');
    aggregates.push({ fn: 'count', alias: group.count });
  }
  for (const fn of ['count_distinct', 'min', 'max'] as const) {
    for (const [alias, path] of Object.entries(group[fn] ?? {})) {
      const at = `group.${fn}.${alias}`;
      if (!ALIAS.test(alias)) fail(at, `"${alias}" is not a valid column name: use letters, digits and "_"`);
      columns.add(alias, at, String(path));
      aggregates.push({ fn, field: aggregateField(path, at), alias });
    }
  }
  columns.add(EVENT_IDS_ALIAS, 'group', EVENT_IDS_ALIAS);
  return { by, aggregates };
}

const ORDER_ITEM = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i;

function normalizeOrder(
  order: PortableQueryYaml['order'],
  columns: Columns,
  outputs: readonly SelectItem[],
  grouped: boolean,
): OrderItem[] {
  if (order === undefined) return [];
  const list = typeof order === 'string' ? [order] : order;
  return list.map((text, i) => {
    const at = typeof order === 'string' ? 'order' : `order[${i}]`;
    const m = ORDER_ITEM.exec(text);
    if (!m) fail(at, `"${text}" is not "column", "column asc" or "column desc"`);
    const direction = (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc';
    const key = m[1]!;
    if (key === EVENT_IDS_ALIAS && grouped) fail(at, `${EVENT_IDS_ALIAS} is a list and cannot order rows`);
    if (columns.has(key)) return { key, direction };
    // A field path: order by its output column if it has one.
    let info: FieldInfo;
    try {
      info = fieldInfo(key);
    } catch {
      fail(at, `"${key}" is neither a column of this query (${columns.names().join(', ')}) nor a CloudTrail field`);
    }
    const output = outputs.find((o) => o.field === info.path);
    if (output) return { key: output.alias, direction };
    if (grouped) fail(at, `"${key}" is not a column of this grouped query; order by one of: ${columns.names().filter((c) => c !== EVENT_IDS_ALIAS).join(', ')}`);
    if (!isScalarKind(info.kind)) fail(at, `${info.path} is ${describeKind(info)} and cannot order rows`);
    return { key: info.path, direction };
  });
}

/** Normalize a query already shaped by `portableQuerySchema`. */
export function normalizePortableQuery(yaml: PortableQueryYaml): PortableQuery {
  const where = normalizeWhere(yaml.where ?? {});
  const columns = new Columns();
  let select: SelectItem[] = [];
  let group: PortableQuery['group'];
  if (yaml.group) {
    if (yaml.select) fail('select', 'a grouped query returns its group.by columns and aggregates; remove select');
    group = normalizeGroup(yaml.group, columns);
  } else {
    const texts = yaml.select ?? DEFAULT_SELECT;
    select = texts.map((text, i) => {
      const at = yaml.select ? `select[${i}]` : `select (default: ${text})`;
      const item = selectItem(text, at);
      columns.add(item.alias, at, item.field);
      return item;
    });
    // Ungrouped rows always carry their eventID: findings cite the events behind them.
    if (!select.some((s) => s.field === 'eventID')) {
      columns.add('eventID', 'select', 'eventID');
      select.push({ field: 'eventID', alias: 'eventID' });
    }
  }
  const outputs = group ? group.by : select;
  const order = normalizeOrder(yaml.order, columns, outputs, group !== undefined);
  if (yaml.limit !== undefined && (!Number.isInteger(yaml.limit) || yaml.limit < 1)) {
    fail('limit', `limit is a whole number of rows, at least 1, not ${yaml.limit}`);
  }
  return {
    where,
    select,
    ...(group ? { group } : {}),
    order,
    ...(yaml.limit !== undefined ? { limit: yaml.limit } : {}),
    dataEvents: yaml.data_events ?? false,
  };
}

// ---------- raw SQL ----------

const RAW_PARAM = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Normalize a raw query already shaped by `rawQuerySchema`. */
export function normalizeRawQuery(yaml: RawQueryYaml): RawQuery {
  const engines = Object.entries(yaml.sql).filter(([, text]) => text !== undefined) as [keyof RawQuery['sql'], string][];
  if (engines.length === 0) fail('sql', 'a raw query needs SQL text for at least one engine (duckdb, athena or lake)');
  const params: Record<string, ValueRef> = {};
  for (const [name, value] of Object.entries(yaml.params ?? {})) {
    const at = `params.${name}`;
    if (!RAW_PARAM.test(name)) fail(at, `"${name}" is not a valid placeholder name: use letters, digits and "_"`);
    if (RESERVED_PLACEHOLDERS.includes(name)) fail(at, `:${name} is filled in by the compiler (the run's window or the engine's table); choose another name`);
    params[name] = parseValueRef(value, at);
  }
  for (const [engine, text] of engines) {
    const at = `sql.${engine}`;
    const used = new Set(scanPlaceholders(text).map((p) => p.name));
    for (const name of used) {
      if (!Object.hasOwn(params, name) && !RESERVED_PLACEHOLDERS.includes(name)) {
        const known = [...Object.keys(params), ...RESERVED_PLACEHOLDERS].map((n) => `:${n}`).join(', ');
        fail(at, `uses :${name}, which is not declared in params (known: ${known})`);
      }
    }
    for (const w of WINDOW_PLACEHOLDERS) {
      if (!used.has(w)) {
        fail(at, `must use :window_start and :window_end (e.g. eventTime >= :window_start AND eventTime < :window_end) so the query stays inside the run's time window`);
      }
    }
  }
  return { sql: Object.fromEntries(engines), params, dataEvents: yaml.data_events ?? false };
}

// ---------- from unknown input ----------

function zodFailure(error: z.ZodError): never {
  const issue = error.issues[0]!;
  const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  fail(at, issue.message);
}

// The where tree is checked by normalizeWhere, whose messages say more than a union's.
const portableShape = portableQuerySchema.extend({ where: z.unknown().optional() });

/** Validate and normalize a portable query from parsed YAML or JSON. */
export function parsePortableQuery(input: unknown): PortableQuery {
  const r = portableShape.safeParse(input);
  if (!r.success) zodFailure(r.error);
  return normalizePortableQuery({ ...r.data, where: (r.data.where ?? {}) as PortableQueryYaml['where'] });
}

/** Validate and normalize a raw query from parsed YAML or JSON. */
export function parseRawQuery(input: unknown): RawQuery {
  const r = rawQuerySchema.safeParse(input);
  if (!r.success) zodFailure(r.error);
  return normalizeRawQuery(r.data);
}
