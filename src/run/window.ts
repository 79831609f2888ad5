import type { TimeWindow } from '../query/engine.js';
import type { RunContext } from './types.js';

/** A run's window as Dates (the context keeps ISO text so it serializes as-is into job data). */
export function windowOf(ctx: Pick<RunContext, 'window'>): TimeWindow {
  return { start: new Date(ctx.window.start), end: new Date(ctx.window.end) };
}
