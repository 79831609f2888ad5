/**
 * `/investigate <runbook> [name=value …]`: everything is checked before anything is enqueued
 * (the runbook exists, this person may start it here, every parameter parses), so a refused
 * start changes nothing. The run itself happens on a worker; this only builds its job.
 */
import { jobIds, type RunJobData } from '../../queue/jobs.js';
import { UnknownRunbookError } from '../../runbook/library.js';
import { ParamError, parseKeyValues, resolveParams } from '../../runbook/params.js';
import { newRunContext } from '../../run/context.js';
import { renderRefusal, type SlackMessage } from '../render/index.js';
import { checkStartAccess } from './access.js';
import type { ListenerDeps } from './deps.js';

export type SlashRunPlan =
  | { kind: 'refused'; message: SlackMessage }
  | { kind: 'start'; jobId: string; data: RunJobData; runbook: { id: string; title: string } };

export interface SlashRunRequest {
  runbookName: string;
  args: string[];
  channel: string;
  user: string;
  /** Post the run in this thread (a pivot clicked in a run's thread) rather than as a new message. */
  threadTs?: string;
}

const DEFAULT_LOOKUP_TIMEOUT_MS = 1_500;

export async function planSlashRun(deps: ListenerDeps, request: SlashRunRequest): Promise<SlashRunPlan> {
  let runbook;
  try {
    ({ runbook } = deps.library.get(request.runbookName));
  } catch (e) {
    if (!(e instanceof UnknownRunbookError)) throw e;
    const hint = e.suggestions.length > 0 ? [`Did you mean ${e.suggestions.join(' or ')}?`] : [];
    return refused(`There is no runbook "${request.runbookName}"`, [...hint, '/investigate help lists them all.']);
  }

  const access = await checkStartAccess(runbook, request, deps.eligibility, deps.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS);
  if (!access.allowed) return refused(access.reason, [access.detail]);

  let resolved;
  try {
    resolved = resolveParams(runbook, parseKeyValues(request.args), { now: deps.now() });
  } catch (e) {
    if (!(e instanceof ParamError)) throw e;
    return refused(
      `${runbook.id} was not started: ${e.problems.length === 1 ? 'a parameter is' : `${e.problems.length} parameters are`} not right`,
      e.problems.map((p) => p.message),
    );
  }

  const ctx = newRunContext({
    runbookId: runbook.id,
    params: resolved.params,
    window: resolved.window,
    requestedBy: request.user,
    source: 'slash',
  });
  const data: RunJobData = {
    runId: ctx.runId,
    runbookId: ctx.runbookId,
    params: ctx.params,
    window: ctx.window,
    requestedBy: ctx.requestedBy,
    source: 'slash',
    // No thread yet: the worker posts the run's parent message, and the steps go under it.
    slack: { channel: request.channel, ...(request.threadTs ? { threadTs: request.threadTs } : {}) },
  };
  return { kind: 'start', jobId: jobIds.run(ctx.runId), data, runbook: { id: runbook.id, title: runbook.title } };
}

function refused(headline: string, problems: string[]): SlashRunPlan {
  return { kind: 'refused', message: renderRefusal(headline, problems) };
}
