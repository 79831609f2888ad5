import type { TimeWindow } from '../model/query.js';
import type { RunContext } from '../model/run.js';

/** A run's window as Dates (the context keeps ISO text so it serializes as-is into job data). */
export function windowOf(ctx: Pick<RunContext, 'window'>): TimeWindow {
  return { start: new Date(ctx.window.start), end: new Date(ctx.window.end) };
}
