/**
 * Leave out, before DuckDB parses them, the events a run cannot see: parsing and typing the
 * JSON is most of a load, and most events of a file are outside a run's window or match none
 * of its queries. Each event is one line (stage-core.ts); a line is left out when:
 *
 * - its eventTime, read as CloudTrail writes it (`"eventTime":"2024-05-01T12:00:00Z"`, once
 *   in the line), is outside the window; or
 * - the run says every row its queries can match holds one of some strings (needles.ts), and
 *   the line holds none of them.
 *
 * Only what is certain is left out: a line whose time cannot be read that way, that names
 * eventTime twice, or that holds an escape which could spell a needle differently (`\u`,
 * `\/`), is kept, and DuckDB decides. The filter never changes an answer, only how much is
 * parsed to reach it.
 */

export interface LineFilter {
  /** The window, in epoch milliseconds: start inclusive, end exclusive. */
  startMs: number;
  endMs: number;
  /** Each row the run can match holds one of these (as bytes of its JSON); null: no such promise. */
  needles: readonly string[] | null;
}

/** What the filter saw of the events it read, for what the load reports. */
export interface LineVerdicts {
  /** Events left out though inside the window (no needle): they count as events of the window. */
  inWindowDropped: number;
  /** The earliest and latest eventTime the filter read (epoch ms), of every line. */
  minMs?: number;
  maxMs?: number;
}

const TIME_KEY = Buffer.from('"eventTime":"');
const UNKNOWN = -1;
const TWICE = -2;

/** `keep[i]` is 1 for the lines to stage. Lines are `[starts[i], starts[i + 1])`, the last ends at `end`. */
export function filterLines(buffer: Buffer, starts: readonly number[], end: number, filter: LineFilter): { keep: Uint8Array; verdicts: LineVerdicts } {
  const n = starts.length;
  const times = readTimes(buffer, starts, end);
  const matched = filter.needles ? matchNeedles(buffer, starts, end, filter.needles) : null;
  const keep = new Uint8Array(n);
  const verdicts: LineVerdicts = { inWindowDropped: 0 };
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (t >= 0) {
      if (verdicts.minMs === undefined || t < verdicts.minMs) verdicts.minMs = t;
      if (verdicts.maxMs === undefined || t > verdicts.maxMs) verdicts.maxMs = t;
      if (t < filter.startMs || t >= filter.endMs) continue;
      if (matched && matched[i] === 0) {
        verdicts.inWindowDropped++;
        continue;
      }
    }
    // Inside the window and maybe matching, or of a time only DuckDB can read.
    keep[i] = 1;
  }
  return { keep, verdicts };
}

/** Each line's eventTime in epoch ms, or UNKNOWN / TWICE. One pass over the buffer. */
function readTimes(buffer: Buffer, starts: readonly number[], end: number): Float64Array {
  const times = new Float64Array(starts.length).fill(UNKNOWN);
  const seen = new Uint8Array(starts.length);
  let line = 0;
  for (let at = buffer.indexOf(TIME_KEY); at >= 0 && at < end; at = buffer.indexOf(TIME_KEY, at + TIME_KEY.length)) {
    line = lineOf(starts, at, line);
    if (line < 0) continue;
    if (seen[line]) {
      times[line] = TWICE;
      continue;
    }
    seen[line] = 1;
    times[line] = parseTime(buffer, at + TIME_KEY.length);
  }
  return times;
}

/** `YYYY-MM-DDTHH:MM:SSZ"` at `at`, as epoch ms; UNKNOWN for anything else. */
function parseTime(b: Buffer, at: number): number {
  if (at + 21 > b.length || b[at + 4] !== 0x2d || b[at + 7] !== 0x2d || b[at + 10] !== 0x54 || b[at + 13] !== 0x3a || b[at + 16] !== 0x3a) return UNKNOWN;
  if (b[at + 19] !== 0x5a || b[at + 20] !== 0x22) return UNKNOWN;
  const year = digits(b, at, 4);
  const month = digits(b, at + 5, 2);
  const day = digits(b, at + 8, 2);
  const hour = digits(b, at + 11, 2);
  const minute = digits(b, at + 14, 2);
  const second = digits(b, at + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return UNKNOWN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // A day past the month's end would roll over; DuckDB refuses it, so leave it to DuckDB.
  return new Date(ms).getUTCDate() === day ? ms : UNKNOWN;
}

function digits(b: Buffer, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = b[at + i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** 1 for each line holding a needle, or an escape that could hide one. */
function matchNeedles(buffer: Buffer, starts: readonly number[], end: number, needles: readonly string[]): Uint8Array {
  const matched = new Uint8Array(starts.length);
  for (const needle of [...needles, '\\u', '\\/']) {
    const bytes = Buffer.from(needle, 'utf8');
    let line = 0;
    for (let at = buffer.indexOf(bytes); at >= 0 && at < end; at = buffer.indexOf(bytes, at + 1)) {
      line = lineOf(starts, at, line);
      if (line < 0) continue;
      matched[line] = 1;
      // Nothing more to learn from this line: go on from the next.
      if (line + 1 >= starts.length) break;
      at = starts[line + 1]! - 1;
    }
  }
  return matched;
}

/** The line holding byte `at`, searching forward from line `from` (positions only grow). */
function lineOf(starts: readonly number[], at: number, from: number): number {
  if (at < starts[0]!) return -1;
  let line = from;
  if (line + 1 < starts.length && starts[line + 1]! <= at) {
    // Far ahead: binary search the rest.
    let lo = line + 1;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    line = lo;
  }
  return line;
}
