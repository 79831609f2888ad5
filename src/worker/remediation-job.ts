/**
 * A `remediations` job (its id is the approval id, so one job exists per approval).
 *
 * Only an `approved` approval is executed, and `markExecuted` / `markFailed` move it out of
 * `approved` atomically, so the action runs at most once however often the job runs. With a
 * remediation role configured it executes against IAM and verifies (or, for an undo approval,
 * undoes and verifies); otherwise it is the dry run. What follows (the approval message
 * updated in place, the result message with what IAM shows now and an Undo button, the gate
 * step's result, the run's continuation) is idempotent, so a job retried after a crash or a
 * Slack error finishes it.
 */
import type { Job } from 'bullmq';
import type { RemediationJobData } from '../queue/jobs.js';
import { updateApprovalMessage } from './approval-message.js';
import type { WorkerContext } from './context.js';
import { jobFailure } from './errors.js';
import { recordGateDecision } from './gate.js';
import { performRemediation } from './perform-remediation.js';
import { postRemediationResult } from './remediation-result.js';

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
      let performed;
      try {
        performed = await performRemediation(w, approval);
      } catch (e) {
        // An error no target could absorb (an unknown action...): the approval records it.
        performed = { ok: false as const, failure: { error: (e as Error).message } };
      }
      const finished = performed.ok
        ? await w.approvals.markExecuted(id, performed.result, { by: w.name })
        : await w.approvals.markFailed(id, performed.failure, { by: w.name });
      approval = finished.ok ? finished.approval : ((await w.approvals.getApproval(id)) ?? approval);
      log.info({ state: approval.state, runId: approval.runId, undo: approval.plan.undoOf !== undefined }, 'remediation finished');
    }
    if (approval.state !== 'executed' && approval.state !== 'failed') {
      log.info({ state: approval.state }, 'approval is not approved; nothing to execute');
      return 'not_approved';
    }
    await updateApprovalMessage(w.slack, approval);
    await postRemediationResult(w, approval);
    // An undo has no gate of its own: the run went on long ago.
    if (approval.plan.undoOf === undefined) await recordGateDecision({ runs: w.runs, queues: w.queues, logger: log }, approval);
    return approval.state;
  } catch (error) {
    const failure = jobFailure(error);
    log.error({ err: (error as Error).message }, 'remediation job failed');
    throw failure;
  }
}
