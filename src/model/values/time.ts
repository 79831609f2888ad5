/**
 * ISO 8601 times, the one parser of them: parameters (`since=`, `until=`, `time` parameters),
 * query literals and bounds, CEL's time functions and `ctrb audit --since` all read times here.
 *
 * Accepted: a date-time with a zone (`Z`, `+02:00` or `+0200`; `T` or a space between date and
 * time; seconds and a fraction optional). A time without a zone, a bare date included, is
 * refused: it would mean something different on every responder's laptop.
 *
 * Only times CloudTrail can have recorded are accepted: none before 2013 (the service began
 * in November 2013), none more than a day after the wall clock (a day covers every zone and
 * a slow clock). Anything else is a typo, such as `0999` for `2099` or `1999`, and would
 * silently match nothing: Athena's partition bound for year 999 sorts after every real one.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

/** The earliest time accepted: the first day of the year CloudTrail began recording. */
export const EARLIEST_TIME = new Date(Date.UTC(2013, 0, 1));
/** How far after the wall clock a time may lie. */
export const MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * What `text` says, or why it is refused: `problem` is a phrase to follow the quoted text
 * (`"…" is …`); `malformed` when the text is no ISO time at all, rather than one out of range.
 */
export type IsoTimeReading = { time: Date } | { problem: string; malformed: boolean };

/**
 * Reads `text` as an ISO 8601 time as above whose fields are all in range (`Date.parse` alone
 * turns 30 February into 2 March) and which lies within CloudTrail's life: from 2013 to a day
 * after `now` (the wall clock; a run's own "now" may be a sample's end, long past).
 */
export function readIsoTime(text: string, now: Date = new Date()): IsoTimeReading {
  const instant = syntacticTime(text);
  if (!instant) return { problem: 'is not a time', malformed: true };
  if (instant.getTime() < EARLIEST_TIME.getTime()) {
    return { problem: 'is before 2013, when CloudTrail began recording: no event is that old', malformed: false };
  }
  const latest = new Date(now.getTime() + MAX_AHEAD_MS);
  if (instant.getTime() > latest.getTime()) {
    return { problem: `is more than a day in the future (after ${latest.toISOString()}): no event is recorded yet`, malformed: false };
  }
  return { time: instant };
}

/** The instant in `text`, or `undefined` when readIsoTime refuses it. */
export function parseIsoTime(text: string, now?: Date): Date | undefined {
  const reading = readIsoTime(text, now);
  return 'time' in reading ? reading.time : undefined;
}

function syntacticTime(text: string): Date | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second = '0', , zoneHours = '0', zoneMinutes = '0'] = m;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12) return undefined;
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (Number(zoneHours) > 23 || Number(zoneMinutes) > 59) return undefined;
  const instant = new Date(normalizedZone(text.replace(' ', 'T')));
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** `+0200` → `+02:00`, which every JavaScript engine reads. */
function normalizedZone(text: string): string {
  return text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}
