/**
 * Turning a ValueRef (literal, `$param`, `$steps.<step>.<column>`) into a typed, validated
 * value and a record of where it came from. Every engine's compiler and the in-memory
 * evaluator get their values here, so validation happens once, before any SQL exists.
 */
import type { Scalar, ValueRef } from './definition.js';
import type { CellValue } from '../model/query.js';
import type { ValueContext } from './context.js';
import { QueryValueError } from './errors.js';
import { parseCidr, type CidrRange } from '../model/values/ip.js';
import { readIsoTime } from '../model/values/time.js';

export interface Resolved<T> {
  value: T;
  /** `literal`, `param:<name>` or `rows:<step>.<column>`. */
  source: string;
  /** True when the value stands in for rows not available yet (explaining before a run). */
  placeholder?: boolean;
}

export function sourceOf(ref: ValueRef): string {
  switch (ref.kind) {
    case 'literal':
      return 'literal';
    case 'param':
      return `param:${ref.name}`;
    case 'rows':
      return `rows:${ref.step}.${ref.column}`;
  }
}

/** How a value is named in messages: `$trusted_cidrs`, `$steps.keys.accessKeyId`, or the literal. */
export function nameOf(ref: ValueRef): string {
  switch (ref.kind) {
    case 'literal':
      return `the value ${JSON.stringify(ref.value)}`;
    case 'param':
      return `parameter $${ref.name}`;
    case 'rows':
      return `$steps.${ref.step}.${ref.column}`;
  }
}

export function rowsPlaceholder(step: string, column: string): string {
  return `<values of steps.${step}.${column}>`;
}

function scalarText(v: Scalar): string {
  return typeof v === 'string' ? v : String(v);
}

function cellTexts(cells: readonly CellValue[]): string[] {
  const out: string[] = [];
  for (const c of cells) {
    if (c === null) continue;
    // A list cell (e.g. a group's eventIDs) contributes each of its values.
    if (Array.isArray(c)) out.push(...c);
    else out.push(typeof c === 'string' ? c : String(c));
  }
  return out;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

type RawValue = { kind: 'one'; value: string } | { kind: 'many'; values: string[] };

function rawValue(ref: ValueRef, ctx: ValueContext): Resolved<RawValue> {
  const source = sourceOf(ref);
  switch (ref.kind) {
    case 'literal':
      return Array.isArray(ref.value)
        ? { value: { kind: 'many', values: ref.value.map(scalarText) }, source }
        : { value: { kind: 'one', value: scalarText(ref.value) }, source };
    case 'param': {
      if (!Object.hasOwn(ctx.params, ref.name)) {
        throw new QueryValueError(`parameter $${ref.name} has no value: declare it in the runbook's params or pass it when starting the run`);
      }
      const v = ctx.params[ref.name];
      if (Array.isArray(v)) return { value: { kind: 'many', values: v.map(String) }, source };
      if (typeof v === 'string' || typeof v === 'number') return { value: { kind: 'one', value: String(v) }, source };
      throw new QueryValueError(`parameter $${ref.name} has an unusable value (${typeof v})`);
    }
    case 'rows': {
      if (!ctx.stepValues) {
        return { value: { kind: 'many', values: [rowsPlaceholder(ref.step, ref.column)] }, source, placeholder: true };
      }
      const cells = ctx.stepValues(ref.step, ref.column);
      if (cells === undefined) {
        throw new QueryValueError(`$steps.${ref.step}.${ref.column}: step "${ref.step}" has not produced a column "${ref.column}" (is it an earlier query step, and is the column in its output?)`);
      }
      return { value: { kind: 'many', values: unique(cellTexts(cells)) }, source };
    }
  }
}

/** One text value (eq, ne, prefix, contains). */
export function resolveText(ref: ValueRef, ctx: ValueContext): Resolved<string> {
  const r = rawValue(ref, ctx);
  if (r.value.kind === 'many') {
    throw new QueryValueError(`${nameOf(ref)} is a list of values, but this comparison takes one value: use in or not_in`);
  }
  return { value: r.value.value, source: r.source };
}

/** A list of text values (in, not_in); a single value is a list of one. */
export function resolveTextList(ref: ValueRef, ctx: ValueContext): Resolved<string[]> {
  const r = rawValue(ref, ctx);
  const values = r.value.kind === 'one' ? [r.value.value] : r.value.values;
  return { value: values, source: r.source, ...(r.placeholder ? { placeholder: true } : {}) };
}

/** 'true' / 'false' for boolean fields, accepting the values YAML and the CLI produce. */
export function checkBooleanTexts(ref: ValueRef, values: readonly string[], field: string): void {
  for (const v of values) {
    if (v !== 'true' && v !== 'false') {
      throw new QueryValueError(`${nameOf(ref)} gives ${JSON.stringify(v)} for ${field}, which is true or false`);
    }
  }
}

/** One time (gt, gte, lt, lte on eventTime). */
export function resolveTime(ref: ValueRef, ctx: ValueContext): Resolved<Date> {
  const text = resolveText(ref, ctx);
  const reading = readIsoTime(text.value);
  if ('problem' in reading) {
    throw new QueryValueError(`${nameOf(ref)}: ${JSON.stringify(text.value)} ${reading.problem}; write ISO 8601 such as 2024-05-01T12:00:00Z`);
  }
  return { value: reading.time, source: text.source };
}

/** CIDR ranges (in_cidr, not_in_cidr), each validated before it can reach an engine. */
export function resolveCidrs(ref: ValueRef, ctx: ValueContext): Resolved<CidrRange[]> {
  const list = resolveTextList(ref, ctx);
  const ranges = list.value.map((text) => {
    const range = parseCidr(text);
    if (!range) {
      throw new QueryValueError(`${nameOf(ref)}: ${JSON.stringify(text)} is not a CIDR; write one such as 10.0.0.0/8 or 2001:db8::/32`);
    }
    return range;
  });
  return { value: ranges, source: list.source };
}

/**
 * A raw-SQL parameter: a number stays a number, a list stays a list, everything else is
 * text (true / false as 'true' / 'false').
 */
export function resolveRawValue(ref: ValueRef, ctx: ValueContext): Resolved<string | number | string[]> {
  if (ref.kind === 'literal' && typeof ref.value === 'number') return { value: ref.value, source: 'literal' };
  if (ref.kind === 'param' && typeof ctx.params[ref.name] === 'number') {
    return { value: ctx.params[ref.name] as number, source: sourceOf(ref) };
  }
  const r = rawValue(ref, ctx);
  return r.value.kind === 'one'
    ? { value: r.value.value, source: r.source }
    : { value: r.value.values, source: r.source, ...(r.placeholder ? { placeholder: true } : {}) };
}
