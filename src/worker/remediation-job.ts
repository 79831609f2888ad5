/**
 * A `remediations` job (its id is the approval id, so one job exists per approval).
 *
 * Only an `approved` approval is executed, and `markExecuted` / `markFailed` move it out of
 * `approved` atomically, so the action runs at most once however often the job runs. What
 * follows (the approval message updated in place, the gate step's result, the run's
 * continuation) is idempotent, so a job retried after a crash or a Slack error finishes it.
 */
import type { Job } from 'bullmq';
import type { RemediationJobData } from '../queue/jobs.js';
import { updateApprovalMessage } from './approval-message.js';
import type { WorkerContext } from './context.js';
import { dryRunRemediation } from './dry-run.js';
import { jobFailure } from './errors.js';
import { recordGateDecision } from './gate.js';

export type RemediationJobOutcome = 'executed' | 'failed' | 'not_approved' | 'unknown_approval';

export async function processRemediationJob(w: WorkerContext, job: Job<RemediationJobData>): Promise<RemediationJobOutcome> {
  const id = job.data.approvalId;
  const log = w.logger.child({ jobId: job.id, approvalId: id });
  try {
    let approval = await w.approvals.getApproval(id);
    if (!approval) {
      log.warn('no such approval; nothing to execute');
      return 'unknown_approval';
    }
    if (approval.state === 'approved') {
      // Execution of real AWS calls comes with the AWS actions; until then the dry run is the execution.
      const outcome = dryRunRemediation(approval.plan);
      const finished = outcome.ok
        ? await w.approvals.markExecuted(id, { summary: outcome.summary, dryRun: true, details: { calls: outcome.calls } }, { by: w.name })
        : await w.approvals.markFailed(id, { error: outcome.error }, { by: w.name });
      approval = finished.ok ? finished.approval : ((await w.approvals.getApproval(id)) ?? approval);
      log.info({ state: approval.state, runId: approval.runId }, 'remediation finished (dry run)');
    }
    if (approval.state !== 'executed' && approval.state !== 'failed') {
      log.info({ state: approval.state }, 'approval is not approved; nothing to execute');
      return 'not_approved';
    }
    await updateApprovalMessage(w.slack, approval);
    await recordGateDecision({ runs: w.runs, queues: w.queues, logger: log }, approval);
    return approval.state;
  } catch (error) {
    const failure = jobFailure(error);
    log.error({ err: (error as Error).message }, 'remediation job failed');
    throw failure;
  }
}
