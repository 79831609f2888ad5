/**
 * A run job that failed for good (retries used up, or an error no retry can fix) must not
 * look like it is still running: its record becomes `failed`, so `/investigate status` says
 * so, and the thread is told if Slack takes the message (Slack may be what failed); when there
 * is no thread or the channel refuses, the person who started the run is told directly.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { RemediationJobData, RunJobData } from '../queue/jobs.js';
import { SlackReporter } from '../slack/reporter.js';
import { slackErrorLogFields } from '../slack/api-errors.js';
import { tellRequesterRunStopped } from '../slack/direct-message.js';
import type { WorkerContext } from './context.js';
import { recordGateDecision } from '../approval/close-gate.js';

export function isFinalFailure(job: Job, error: Error): boolean {
  return error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

export async function giveUpRun(w: Pick<WorkerContext, 'runs' | 'slack' | 'logger'>, job: Job<RunJobData>, error: Error): Promise<void> {
  const runId = job.data.runId;
  const record = await w.runs.getRecord(runId);
  // Refusals have said why already.
  if (!record || record.status === 'failed') return;
  await w.runs.updateRecord(runId, { status: 'failed', approvalId: null });
  const attempts = job.attemptsMade === 1 ? '1 attempt' : `${job.attemptsMade} attempts`;
  const log = w.logger.child({ runId });
  let told = false;
  if (record.slack.threadTs !== undefined) {
    const thread = await SlackReporter.open({ client: w.slack, store: w.runs, record, title: record.context.runbookId, logger: w.logger });
    told = await thread
      .postRefusal(`Run ${runId} stopped after ${attempts}: ${error.message}`, ['The steps above are kept. Start the runbook again once the problem is fixed.'])
      .then(
        () => true,
        (e: unknown) => {
          log.warn({ ...slackErrorLogFields(e), err: (e as Error).message }, 'could not tell the thread that the run stopped');
          return false;
        },
      );
  }
  if (told) return;
  // No thread, or the channel itself refused: the person who started the run is told directly.
  await tellRequesterRunStopped(w.slack, record, `stopped after ${attempts}: ${error.message}`).then(
    (sent) => {
      if (!sent) log.warn({ channel: record.slack.channel }, 'the run stopped and nobody could be told: no thread, and it was not started by a person');
    },
    (e: unknown) => log.warn({ ...slackErrorLogFields(e), err: (e as Error).message }, 'could not tell the person who started the run that it stopped'),
  );
}

/**
 * A remediation job that failed for good after its action ran (Slack down past every retry):
 * the run must not wait at a gate that is already decided. Its gate is closed with the
 * outcome, and the run goes on; its own job tells the thread, or fails in turn if Slack is
 * still away. The approval message stays as it was, which the log says.
 */
export async function giveUpRemediationReport(w: Pick<WorkerContext, 'approvals' | 'runs' | 'queues' | 'logger'>, job: Job<RemediationJobData>, error: Error): Promise<void> {
  const approval = await w.approvals.getApproval(job.data.approvalId);
  const log = w.logger.child({ approvalId: job.data.approvalId, runId: approval?.runId });
  log.error({ err: error.message, attempts: job.attemptsMade, state: approval?.state }, 'the remediation could not be reported in Slack');
  // An undo has no gate; an approval not yet executed is not a decided gate.
  if (!approval || approval.plan.undoOf !== undefined) return;
  if (approval.state !== 'executed' && approval.state !== 'failed') return;
  await recordGateDecision({ runs: w.runs, queues: w.queues, logger: log }, approval);
}
