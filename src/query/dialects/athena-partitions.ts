/**
 * Which Athena partitions a time window needs.
 *
 * CloudTrail writes each log file under the UTC day it delivers it, a few minutes (up to
 * about 15) after the events in it. So an event from 23:58 can sit in the next day's
 * folder: the window's last day is taken one hour after its end. Nothing is delivered
 * before it happens, so the first day is the window start's own day.
 */
import type { TimeWindow } from '../../model/query.js';

export const DELIVERY_MARGIN_MS = 60 * 60 * 1000;

export interface Day {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

export function utcDay(d: Date): Day {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** First and last UTC day whose log folders can hold events of the window. */
export function partitionDays(window: TimeWindow): { first: Day; last: Day } {
  return {
    first: utcDay(window.start),
    last: utcDay(new Date(window.end.getTime() + DELIVERY_MARGIN_MS)),
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
/** Partition values are compared as strings, so every field keeps its full width: year 999 is `0999`. */
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** `yyyy/MM/dd`, the value format of a `timestamp` partition-projection column. */
export function slashDate(d: Day): string {
  return `${pad4(d.year)}/${pad2(d.month)}/${pad2(d.day)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * One disjunct of the `region/year/month/day` predicate: a year, optionally narrowed to a
 * range of months, optionally narrowed (within one month) to a range of days. Values are
 * the zero-padded strings of the S3 layout, so string ranges order like numbers.
 */
export interface PartitionTerm {
  year: string;
  months?: readonly [string, string];
  days?: readonly [string, string];
}

/**
 * Cover the days first..last (inclusive) with few terms: whole years as `year = y`, whole
 * months as a month range, and the partial months at either end as day ranges. A 24-hour
 * window is one or two terms; a year-long one a handful.
 */
export function partitionTerms(first: Day, last: Day): PartitionTerm[] {
  const terms: PartitionTerm[] = [];
  for (let year = first.year; year <= last.year; year++) {
    const from = year === first.year ? first : { year, month: 1, day: 1 };
    const to = year === last.year ? last : { year, month: 12, day: 31 };
    const y = pad4(year);
    if (from.month === 1 && from.day === 1 && to.month === 12 && to.day === 31) {
      terms.push({ year: y });
      continue;
    }
    if (from.month === to.month) {
      const whole = from.day === 1 && to.day === daysInMonth(year, to.month);
      terms.push({
        year: y,
        months: [pad2(from.month), pad2(from.month)],
        ...(whole ? {} : { days: [pad2(from.day), pad2(to.day)] as const }),
      });
      continue;
    }
    let firstWholeMonth = from.month;
    let lastWholeMonth = to.month;
    if (from.day !== 1) {
      terms.push({ year: y, months: [pad2(from.month), pad2(from.month)], days: [pad2(from.day), pad2(daysInMonth(year, from.month))] });
      firstWholeMonth++;
    }
    const tail: PartitionTerm[] = [];
    if (to.day !== daysInMonth(year, to.month)) {
      tail.push({ year: y, months: [pad2(to.month), pad2(to.month)], days: ['01', pad2(to.day)] });
      lastWholeMonth--;
    }
    if (firstWholeMonth <= lastWholeMonth) {
      terms.push({ year: y, months: [pad2(firstWholeMonth), pad2(lastWholeMonth)] });
    }
    terms.push(...tail);
  }
  return terms;
}
