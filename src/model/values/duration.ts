/**
 * Durations as responders type them: `30m`, `24h`, `7d`, `1w`, `1h30m`. The one parser of
 * durations: parameters, window defaults, approval expiries and configuration all use it, so a
 * window default and a typed `since=` mean the same thing.
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
