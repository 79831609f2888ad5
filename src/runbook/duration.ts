/**
 * Durations and times as responders type them: `30m`, `24h`, `7d`, `1w`, `1h30m`, and
 * ISO 8601 times with a zone. The duration grammar is the one the runbook schema's
 * `durationText` accepts, so a window default and a typed `since=` mean the same thing.
 */

const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const DURATION = /^(?:\d+[smhdw])+$/;
const DURATION_PART = /(\d+)([smhdw])/g;

/**
 * The longest look-back accepted: CloudTrail Lake keeps events for at most ten years, and
 * anything longer is a typo that would otherwise become an invalid date.
 */
export const MAX_DURATION_MS = 3_653 * UNIT_MS.d;

/** Milliseconds in `text`, or `undefined` when it is not a duration such as `1h30m`. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

// Date and time with seconds and fraction optional, and a zone that is required: a time
// without a zone means something different on every responder's laptop.
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * The instant in `text`, or `undefined` unless it is an ISO 8601 time with a zone whose
 * fields are all in range (`Date.parse` alone turns 30 February into 2 March).
 */
export function parseIsoTime(text: string): Date | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second = '0', zoneHours = '0', zoneMinutes = '0'] = m;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12) return undefined;
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (Number(zoneHours) > 23 || Number(zoneMinutes) > 59) return undefined;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
