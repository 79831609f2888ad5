/**
 * The one audited place where a value becomes SQL literal text.
 *
 * DuckDB binds values through prepared statements and never needs this. Two engines do:
 * - CloudTrail Lake has no parameter binding at all, so its compiler inlines literals;
 * - Athena's ExecutionParameters are substituted into the statement as SQL literals, so a
 *   string parameter must itself be a well-formed, quoted literal.
 *
 * Every caller passes values that have already passed their type's validation (a CIDR is a
 * CIDR, a time is a Date); this module adds the last line of defence: strings are quoted
 * with single quotes doubled (the only escape in Trino's standard string literals, where a
 * backslash is an ordinary character), and characters that have no business in a CloudTrail
 * value and that tools handle inconsistently (NUL, other control characters, unpaired
 * surrogates) are refused instead of being passed on.
 */
import type { BoundParam } from '../model/query.js';

export class UnsafeLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeLiteralError';
  }
}

/** C0 controls except tab (\t) and newline (\n), DEL, and C1 controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code === 0 ? `a NUL byte (${hex})` : `the control character ${hex}`;
}

/** `it's` → `'it''s'`. Throws UnsafeLiteralError for NUL, control characters and broken UTF-16. */
export function sqlStringLiteral(value: string): string {
  if (typeof value !== 'string') {
    throw new UnsafeLiteralError(`expected a string to quote, got ${typeof value}`);
  }
  const bad = FORBIDDEN_CONTROL.exec(value);
  if (bad) {
    throw new UnsafeLiteralError(
      `the value ${JSON.stringify(value)} contains ${describeChar(bad[0])}, which cannot be sent in a query: remove it (tab and newline are the only control characters allowed)`,
    );
  }
  if (UNPAIRED_SURROGATE.test(value)) {
    throw new UnsafeLiteralError(
      `the value ${JSON.stringify(value)} contains an unpaired UTF-16 surrogate and is not valid text`,
    );
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** A finite number as SQL numeric literal text. */
export function sqlNumberLiteral(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UnsafeLiteralError(`expected a finite number, got ${String(value)}`);
  }
  return String(value);
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

function checkDate(value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new UnsafeLiteralError(`expected a valid time, got ${String(value)}`);
  }
}

/** CloudTrail's own eventTime form, `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds). */
export function formatEventTime(value: Date): string {
  checkDate(value);
  return value.toISOString().slice(0, 19) + 'Z';
}

/** The form CloudTrail Lake compares eventTime with: `YYYY-MM-DD HH:MM:SS` (UTC). */
export function formatLakeTimestamp(value: Date): string {
  checkDate(value);
  return (
    `${value.getUTCFullYear()}-${twoDigits(value.getUTCMonth() + 1)}-${twoDigits(value.getUTCDate())} ` +
    `${twoDigits(value.getUTCHours())}:${twoDigits(value.getUTCMinutes())}:${twoDigits(value.getUTCSeconds())}`
  );
}

export type LakeLiteralType = 'string' | 'timestamp' | 'number';

/**
 * A CloudTrail Lake literal for a value already validated as `type`. The type is stated by
 * the caller (not guessed from the value) so that a string can never slip in where the
 * compiler expected a time or a number.
 */
export function lakeLiteral(value: unknown, type: LakeLiteralType): string {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new UnsafeLiteralError(`expected a string literal, got ${typeof value}`);
      return sqlStringLiteral(value);
    case 'timestamp':
      if (!(value instanceof Date)) throw new UnsafeLiteralError(`expected a time, got ${typeof value}`);
      return sqlStringLiteral(formatLakeTimestamp(value));
    case 'number':
      if (typeof value !== 'number') throw new UnsafeLiteralError(`expected a number, got ${typeof value}`);
      return sqlNumberLiteral(value);
  }
}

/**
 * Athena's ExecutionParameters for a compiled statement, in placeholder order. Athena
 * substitutes each one as SQL literal text, so strings are quoted by sqlStringLiteral,
 * times become `'YYYY-MM-DDTHH:MM:SSZ'` strings (the table stores eventtime as that text),
 * and numbers are numeric literals. A list here would be a compiler bug: Athena has no
 * array parameters and the compiler expands lists into one `?` per element.
 */
export function athenaExecutionParameters(params: readonly BoundParam[]): string[] {
  return params.map((p) => {
    const v = p.value;
    if (typeof v === 'string') return sqlStringLiteral(v);
    if (typeof v === 'number') return sqlNumberLiteral(v);
    if (v instanceof Date) return sqlStringLiteral(formatEventTime(v));
    throw new UnsafeLiteralError(
      `parameter ${p.placeholder} from ${p.source} is ${Array.isArray(v) ? 'a list' : typeof v}; Athena parameters must be strings, numbers or times`,
    );
  });
}
