/**
 * `/investigate status <run-id>`: where a run is, from the run state in Redis (the record is
 * created `queued` when the run is enqueued; workers move it on and store each finished step).
 */
import type { RunStatus } from '../../model/run.js';
import type { Runbook } from '../../runbook/schema.js';
import { renderRunNotFound, renderRunStatus, type SlackMessage } from '../render/index.js';
import type { ListenerDeps } from './deps.js';
import { renderQueued } from './replies.js';

export async function runStatusReply(deps: Pick<ListenerDeps, 'runLookup' | 'library'>, runId: string): Promise<SlackMessage> {
  const record = await deps.runLookup.getRunRecord(runId);
  if (!record) return renderRunNotFound(runId);
  const runbook = runbookOf(deps, record.context.runbookId);
  const title = runbook?.title ?? record.context.runbookId;
  if (record.status === 'queued') return renderQueued({ id: record.context.runbookId, title }, runId);
  const finished = await deps.runLookup.loadSteps(runId);
  // A runbook removed since the run started: its finished steps are still worth showing.
  const steps = runbook
    ? runbook.steps.map((s) => ({ id: s.id, title: s.title ?? s.id }))
    : finished.map((s) => ({ id: s.stepId, title: s.title }));
  const status: RunStatus = record.status;
  return renderRunStatus({ title, context: record.context, status, steps, finished });
}

function runbookOf(deps: Pick<ListenerDeps, 'library'>, id: string): Runbook | undefined {
  try {
    return deps.library.get(id).runbook;
  } catch {
    return undefined;
  }
}
