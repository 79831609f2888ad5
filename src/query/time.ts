/**
 * Time values in queries. CloudTrail records eventTime to the second, so every bound a
 * query compares eventTime with is rounded to a whole second in the direction that keeps
 * the comparison's meaning. That lets DuckDB (a TIMESTAMP), Athena (the text
 * `YYYY-MM-DDTHH:MM:SSZ`) and Lake (`YYYY-MM-DD HH:MM:SS`) answer exactly alike, even when
 * a window starts at `now - 24h` with milliseconds.
 */
import { formatEventTime } from './escape.js';
import type { TimeWindow } from '../model/query.js';

export function floorToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export function ceilToSecond(d: Date): Date {
  return new Date(Math.ceil(d.getTime() / 1000) * 1000);
}

export type TimeOp = 'gt' | 'gte' | 'lt' | 'lte';

/**
 * The whole-second bound equivalent to `eventTime <op> value` for whole-second event times:
 * `> 10.5` is `> 10`, `>= 10.5` is `>= 11`, `< 10.5` is `< 11`, `<= 10.5` is `<= 10`.
 */
export function wholeSecondBound(op: TimeOp, value: Date): Date {
  return op === 'gt' || op === 'lte' ? floorToSecond(value) : ceilToSecond(value);
}

/** The run's window as whole seconds: `start <= t < end` keeps its meaning (both rounded up). */
export function wholeSecondWindow(window: TimeWindow): TimeWindow {
  return { start: ceilToSecond(window.start), end: ceilToSecond(window.end) };
}

/** A CloudTrail event's eventTime as a Date, or null when missing or unreadable. */
export function eventTimeOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

export { formatEventTime };
