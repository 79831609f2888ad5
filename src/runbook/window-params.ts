/**
 * The window every runbook takes besides its own parameters. Apart from the schema, so that
 * `ctrb show` describes them without loading zod and the query definitions.
 */
export const WINDOW_PARAMS = {
  since: { type: 'duration', description: 'how far back to look (e.g. 24h) or a start time (ISO 8601)' },
  until: { type: 'time', description: 'end of the window (ISO 8601); default now' },
} as const;
