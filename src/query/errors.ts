import type { EngineName } from '../model/query.js';

/**
 * Errors a runbook author or an operator sees. Each names where the problem is and says
 * what was expected, because it is read in a terminal or a Slack thread, not a debugger.
 */

/** The query as written is wrong (unknown field, bad operator, bad alias...). Found at load time. */
export class QueryDefinitionError extends Error {
  constructor(
    /** Where in the query, e.g. `where.any[1].sourceIPAddress`. Empty for the query itself. */
    readonly path: string,
    /** The sentence without the path. */
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = 'QueryDefinitionError';
  }
}

/**
 * A value given at run time does not fit (a parameter that is not a CIDR, a missing
 * parameter, a bad engine setting). Found when compiling, before anything reaches an engine.
 */
export class QueryValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryValueError';
  }
}

/**
 * The engine cannot answer this query: LookupEvents asked for data events or raw SQL (`limit`
 * `step`: this step as written needs another engine, the run's other steps are unaffected, so a
 * runner skips it and goes on), or for a window older than it keeps (`window`: every step is
 * affected, so it stays a failure). `engines` could answer it.
 */
export class EngineCannotAnswerError extends QueryValueError {
  constructor(
    message: string,
    readonly engines: readonly EngineName[],
    readonly limit: 'step' | 'window',
  ) {
    super(message);
    this.name = 'EngineCannotAnswerError';
  }
}

export { UnsafeLiteralError } from './escape.js';
