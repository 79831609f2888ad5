import { randomUUID } from 'node:crypto';
import type { TimeWindow } from '../model/query.js';
import type { ResolvedParams, RunContext } from '../model/run.js';

/** A run's identity and inputs, as stored and as carried in job data (ids and parameters only). */
export function newRunContext(fields: {
  runbookId: string;
  params: ResolvedParams;
  window: TimeWindow;
  requestedBy: string;
  source: RunContext['source'];
  runId?: string;
}): RunContext {
  return {
    runId: fields.runId ?? randomUUID(),
    runbookId: fields.runbookId,
    params: fields.params,
    window: { start: fields.window.start.toISOString(), end: fields.window.end.toISOString() },
    requestedBy: fields.requestedBy,
    source: fields.source,
  };
}
