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

export { UnsafeLiteralError } from './escape.js';
