/**
 * What travels through the queues: identifiers and parameters only, never credentials or
 * tokens (a job's data is stored in Redis in plain text and shown by queue dashboards).
 *
 * - `runs`: start or continue a run. A run is continued (after an approval decision) by a
 *   new job for the same runId; the runner resumes at the first unfinished step.
 * - `remediations`: execute one approved remediation; jobId = approval id, so however many
 *   clicks or retries arrive, one job exists.
 */
import type { AlarmRef, RunContext, RunRecord, SlackTarget } from '../model/run.js';

export const RUNS_QUEUE = 'runs';
export const REMEDIATIONS_QUEUE = 'remediations';

/** A run's context as its job carries it, with where it reports and the alarm that started it. */
export interface RunJobData extends Omit<RunContext, 'source'> {
  source: Extract<RunContext['source'], 'slash' | 'alarm'>;
  slack: SlackTarget;
  alarm?: AlarmRef;
}

export interface RemediationJobData {
  approvalId: string;
}

/** Job ids that make duplicates collapse into one job (BullMQ ignores an add with an existing id). */
export const jobIds = {
  /** A slash command: one run per run id. */
  run: (runId: string): string => `run-${runId}`,
  /** An alarm post, however often Slack delivers it: one run per (channel, message, runbook). */
  alarmRun: (channel: string, messageTs: string, runbookId: string): string => `alarm-${channel}-${messageTs.replace('.', '_')}-${runbookId}`,
  /** Continuing a run after the decision on one approval. */
  continueRun: (runId: string, approvalId: string): string => `continue-${runId}-${approvalId}`,
  /** The remediation of one approval. */
  remediation: (approvalId: string): string => approvalId,
};

/** The run's context as its job carries it (the inverse of runJobDataOf's, less Slack). */
export function runContextOf(data: RunJobData): RunContext {
  return {
    runId: data.runId,
    runbookId: data.runbookId,
    params: data.params,
    window: data.window,
    requestedBy: data.requestedBy,
    source: data.source,
  };
}

export function runJobDataOf(record: RunRecord): RunJobData {
  const { context: ctx, slack } = record;
  return {
    runId: ctx.runId,
    runbookId: ctx.runbookId,
    params: ctx.params,
    window: ctx.window,
    requestedBy: ctx.requestedBy,
    // Records are only made for runs that came through the queues.
    source: ctx.source === 'alarm' ? 'alarm' : 'slash',
    slack: { channel: slack.channel, ...(slack.threadTs !== undefined ? { threadTs: slack.threadTs } : {}) },
    ...(record.alarm ? { alarm: record.alarm } : {}),
  };
}
