/**
 * Which engine answers a query step. A deployment names its default (`CTRB_ENGINE`); a step
 * goes elsewhere only when the default cannot answer it:
 *
 * - LookupEvents returns management events of the last 90 days and runs no SQL, so a step
 *   that needs data events, a window starting more than 90 days ago, or raw SQL goes to
 *   Athena if it is configured, else CloudTrail Lake, else it is refused with the engines
 *   that could answer it;
 * - raw SQL written for other engines only goes to one of those that is configured.
 *
 * The reason is part of the answer: `ctrb explain` prints it for every step.
 */
import type { PortableQuery, RawQuery } from '../definition.js';
import type { EngineName, TimeWindow } from '../../model/query.js';
import { EngineCannotAnswerError } from '../errors.js';
import { LOOKUP_HORIZON_DAYS } from '../lookup.js';
import { formatEventTime } from '../time.js';

export interface EngineChoice {
  engine: EngineName;
  /** Why, in a few words: `data events: LookupEvents returns management events only`. */
  reason: string;
}

/**
 * No configured engine can answer the step; the message names those that could. Its `limit`
 * says whether the step as written is the reason (a runner skips it) or the run's window.
 */
export class NoEngineError extends EngineCannotAnswerError {
  override name = 'NoEngineError';
}

interface Limitation {
  reason: string;
  limit: EngineCannotAnswerError['limit'];
}

/** Where a step goes when LookupEvents cannot answer it, in order of preference. */
const FALLBACK_ORDER: readonly EngineName[] = ['athena', 'lake', 'duckdb'];

const HOW_TO_ENABLE: Record<EngineName, string> = {
  athena: 'athena (set CTRB_ATHENA_DATABASE and CTRB_ATHENA_TABLE)',
  lake: 'lake (set CTRB_LAKE_EVENT_DATA_STORE)',
  duckdb: 'the local duckdb engine on downloaded logs (ctrb run --logs DIR)',
  lookup: 'lookup (CTRB_ENGINE=lookup)',
};

function isRaw(query: PortableQuery | RawQuery): query is RawQuery {
  return 'sql' in query;
}

/** Why LookupEvents cannot answer this query, or undefined when it can. */
export function lookupLimitation(query: PortableQuery | RawQuery, window: TimeWindow, now: Date): string | undefined {
  return lookupLimit(query, window, now)?.reason;
}

function lookupLimit(query: PortableQuery | RawQuery, window: TimeWindow, now: Date): Limitation | undefined {
  if (isRaw(query)) return { reason: 'raw SQL: LookupEvents runs no SQL', limit: 'step' };
  if (query.dataEvents) return { reason: 'data events: LookupEvents returns management events only', limit: 'step' };
  const horizon = new Date(now.getTime() - LOOKUP_HORIZON_DAYS * 24 * 3600 * 1000);
  if (window.start < horizon) {
    return { reason: `the window starts ${formatEventTime(window.start)}, beyond the ${LOOKUP_HORIZON_DAYS} days LookupEvents keeps`, limit: 'window' };
  }
  return undefined;
}

/** Whether `engine` can answer the query at all (ignoring whether it is configured). */
function canAnswer(engine: EngineName, query: PortableQuery | RawQuery, window: TimeWindow, now: Date): boolean {
  if (engine === 'lookup') return lookupLimitation(query, window, now) === undefined;
  return !isRaw(query) || query.sql[engine] !== undefined;
}

/**
 * The engine for one step: `preferred` (the deployment default) when it can answer, else the
 * first of athena, lake, duckdb that is `available` and can. Throws NoEngineError naming the
 * engines that could answer when none of the available ones can.
 */
export function chooseEngine(
  query: PortableQuery | RawQuery,
  window: TimeWindow,
  available: readonly EngineName[],
  preferred: EngineName,
  now: Date = new Date(),
): EngineChoice {
  const why = whyNot(preferred, query, window, now);
  if (why === undefined) {
    return { engine: preferred, reason: `the default engine${preferred === 'lookup' ? '; management events of the last 90 days suffice' : ''}` };
  }
  const fallback = FALLBACK_ORDER.find((e) => e !== preferred && available.includes(e) && canAnswer(e, query, window, now));
  if (fallback) return { engine: fallback, reason: why.reason };
  const could = FALLBACK_ORDER.filter((e) => e !== preferred && canAnswer(e, query, window, now));
  throw new NoEngineError(
    `${why.reason}, and no other engine is configured here. ` +
      (could.length > 0 ? `This step can run on ${could.map((e) => HOW_TO_ENABLE[e]).join(', or ')}.` : 'No engine can run this step as written.'),
    could,
    why.limit,
  );
}

/** Why `engine` cannot answer the query, or undefined when it can. */
function whyNot(engine: EngineName, query: PortableQuery | RawQuery, window: TimeWindow, now: Date): Limitation | undefined {
  if (engine === 'lookup') return lookupLimit(query, window, now);
  if (isRaw(query) && query.sql[engine] === undefined) {
    const written = Object.keys(query.sql).join(', ') || 'no engine';
    return { reason: `raw SQL written for ${written}, not ${engine}`, limit: 'step' };
  }
  return undefined;
}
