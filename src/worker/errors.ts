/**
 * Which failures are worth retrying. A job that fails with a transient error (Slack 5xx or
 * network, Redis reconnecting) is retried by BullMQ with backoff; one that no retry can fix
 * (an unknown runbook, bad parameters, a Slack channel the bot cannot post in) is failed at
 * once with an UnrecoverableError that says why, in Slack's code and what to do about it.
 */
import { UnrecoverableError } from 'bullmq';
import { ParamError } from '../runbook/params.js';
import { RunbookError } from '../runbook/errors.js';
import { UnknownRunbookError } from '../runbook/library.js';
import { NoRoleForAccountError } from '../aws/roles.js';
import { explainSlackError } from '../slack/api-errors.js';

/** Why a run cannot start, as a headline's details for the thread: one line per problem. */
export function refusalProblems(error: unknown): string[] | undefined {
  if (error instanceof ParamError) return error.problems.map((p) => p.message);
  if (error instanceof RunbookError) return error.message.split('\n');
  if (error instanceof UnknownRunbookError || error instanceof NoRoleForAccountError) return [error.message];
  return undefined;
}

/** Slack answers that mean "try again later"; every other `ok: false` answer will not change. */
const TRANSIENT_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** The Slack error code of a Web API platform error (`channel_not_found` …), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | undefined;
  return e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** The error a job fails with: unrecoverable when retrying cannot help. */
export function jobFailure(error: unknown): Error {
  if (error instanceof UnrecoverableError) return error;
  const slack = slackErrorCode(error);
  if (slack !== undefined && !TRANSIENT_SLACK_ERRORS.has(slack)) {
    // Said as the person will read it in the thread (or directly, when the channel is what failed).
    return new UnrecoverableError(explainSlackError(error).sentence);
  }
  const problems = refusalProblems(error);
  if (problems) return new UnrecoverableError(problems.join('; '));
  return error instanceof Error ? error : new Error(String(error));
}
