/**
 * Needles: strings one of which the JSON text of every event a query can match holds, known
 * before any event is read. An engine that parses logs itself (duckdb) may leave unparsed the
 * events that hold none of them, which is most events for most detections (`eventName:
 * ConsoleLogin` matches only events whose text holds `ConsoleLogin`).
 *
 * Only what is certain is promised. A condition gives needles when it compares a text field
 * with `eq`, `in`, `prefix` or `contains` and values known before the run (literals and
 * parameters, not an earlier step's rows), each of which appears in an event's JSON exactly as
 * written: no quote, backslash or control character (JSON would escape them), nothing that
 * could be a number written another way (`1e3`), no JSON text (`{`, `[`). The engine keeps any
 * event whose text holds an escape that could spell a needle otherwise (`\u`, `\/`).
 * `all` needs one of its conditions to give needles, `any` all of them; `not`, `ne`,
 * `not_in`, times, CIDRs, booleans and `exists` give none. A query with no needles can match
 * any event, and so can a run with such a query.
 */
import type { Condition, PortableQuery, RawQuery } from './definition.js';
import { fieldInfo } from './field-kinds.js';
import type { ValueContext } from './context.js';
import { isRawQuery } from './compile.js';
import { resolveText, resolveTextList } from './values.js';

/** More than this many, and looking for each costs more than it saves. */
const MAX_NEEDLES = 32;

/** The needles of a query, or null when it can match any event. */
export function queryNeedles(query: PortableQuery | RawQuery, ctx: Pick<ValueContext, 'params'>): string[] | null {
  if (isRawQuery(query)) return null;
  const found = conditionNeedles(query.where, ctx);
  return found && found.needles.length <= MAX_NEEDLES ? found.needles : null;
}

/** The needles of several queries: every one must have some. */
export function unionOfNeedles(each: readonly (readonly string[] | null)[]): string[] | null {
  if (each.some((n) => n === null)) return null;
  const all = fewest(each.flatMap((n) => n!));
  return all.length <= MAX_NEEDLES ? all : null;
}

/** Needles, and how many events they are expected to let through (relative; for choosing). */
interface Found {
  needles: string[];
  cost: number;
}

/**
 * The values of these fields are shared by many events (every call to a service has its
 * eventSource), so their needles let more through than an event name's or an ARN's.
 */
const COMMON_FIELDS: Record<string, number> = { eventSource: 8, awsRegion: 8, eventType: 8, recipientAccountId: 8, 'userIdentity.accountId': 8, 'userIdentity.type': 4 };

function conditionNeedles(condition: Condition, ctx: Pick<ValueContext, 'params'>): Found | null {
  switch (condition.kind) {
    case 'all': {
      // Any one condition of an `all` holds for every match: the one letting through least.
      const options = condition.items.map((c) => conditionNeedles(c, ctx)).filter((n): n is Found => n !== null);
      return options.length === 0 ? null : options.reduce((best, n) => (n.cost < best.cost ? n : best));
    }
    case 'any': {
      const each = condition.items.map((c) => conditionNeedles(c, ctx));
      if (each.some((n) => n === null)) return null;
      return { needles: fewest(each.flatMap((n) => n!.needles)), cost: each.reduce((sum, n) => sum + n!.cost, 0) };
    }
    case 'not':
    case 'exists':
      return null;
    case 'compare': {
      const needles = compareNeedles(condition, ctx);
      return needles ? { needles, cost: needles.length * (COMMON_FIELDS[condition.field] ?? 1) } : null;
    }
  }
}

/** Without the needles that hold another: an event holding them holds that one. */
function fewest(needles: readonly string[]): string[] {
  const unique = [...new Set(needles)];
  return unique.filter((n) => !unique.some((other) => other !== n && n.includes(other)));
}

function compareNeedles(condition: Extract<Condition, { kind: 'compare' }>, ctx: Pick<ValueContext, 'params'>): string[] | null {
  const { op, value } = condition;
  if (op !== 'eq' && op !== 'in' && op !== 'prefix' && op !== 'contains') return null;
  // An earlier step's rows are not known before the run.
  if (value.kind === 'rows') return null;
  const kind = fieldInfo(condition.field).kind;
  if (kind !== 'string' && kind !== 'json') return null;
  let values: string[];
  try {
    values = op === 'in' ? resolveTextList(value, { params: ctx.params }).value : [resolveText(value, { params: ctx.params }).value];
  } catch {
    // The compiler will say what is wrong with the value; no promise meanwhile.
    return null;
  }
  return values.every((v) => literalInJson(v, op)) ? fewest(values) : null;
}

/**
 * Whether an event whose field reads `v` (eq, in), or starts with or holds `v` (prefix,
 * contains), always holds `v` in its JSON text, escapes aside:
 *
 * - JSON escapes quotes, backslashes and control characters;
 * - a field holding an object or array reads as its JSON text, which starts with `{` or `[`,
 *   and is written without the spaces the file may have between `:` `,` and the brackets;
 * - a number may be written another way (`1e3`, `1.50`), though digits alone are a whole
 *   number written as its digits (an account id).
 */
function literalInJson(v: string, op: 'eq' | 'in' | 'prefix' | 'contains'): boolean {
  if (v.length === 0) return false;
  // eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
  if (/["\\\u0000-\u001f]/.test(v) || v.startsWith('{') || v.startsWith('[')) return false;
  if (op === 'contains' && /[:,{}[\]]/.test(v)) return false;
  if (/^[-+0-9.eE]+$/.test(v)) return op !== 'contains' && op !== 'prefix' && /^[0-9]+$/.test(v);
  return true;
}
