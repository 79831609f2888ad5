/**
 * ISO 8601 times, the one parser of them: parameters (`since=`, `until=`, `time` parameters),
 * query literals and bounds, CEL's time functions and `ctrb audit --since` all read times here.
 *
 * Accepted: a date-time with a zone (`Z`, `+02:00` or `+0200`; `T` or a space between date and
 * time; seconds and a fraction optional). A time without a zone, a bare date included, is
 * refused: it would mean something different on every responder's laptop.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * The instant in `text`, or `undefined` unless it is an ISO 8601 time as above whose fields are
 * all in range (`Date.parse` alone turns 30 February into 2 March).
 */
export function parseIsoTime(text: string): Date | undefined {
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
