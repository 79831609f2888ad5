/**
 * Carrying out one approval, once (the `remediations` job calls this; its job id is the approval
 * id, so one job exists per approval).
 *
 * Only an `approved` approval is executed, and `markExecuted` / `markFailed` move it out of
 * `approved` atomically, so the action runs at most once however often this runs. With a
 * remediation role configured it executes against IAM and verifies (or, for an undo approval,
 * undoes and verifies); otherwise it is the dry run. What follows (the approval message
 * updated in place, the result message with what IAM shows now and an Undo button, the gate
 * step's result, the run's continuation) is idempotent, so a job retried after a crash or a
 * Slack error finishes it.
 */
import type { Logger } from 'pino';
import type { RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import { recordGateDecision } from './close-gate.js';
import type { ApprovalNotifier } from './notifier.js';
import { performRemediation, type PerformDeps, type Performed } from './perform-remediation.js';
import type { ApprovalStore } from './store.js';

export type ExecutionOutcome = 'executed' | 'failed' | 'not_approved' | 'unknown_approval';

export interface ExecuteApprovedDeps extends Omit<PerformDeps, 'approvals' | 'runs'> {
  approvals: ApprovalStore;
  runs: RedisRunStore;
  queues: Pick<RunQueues, 'runs'>;
  notifier: ApprovalNotifier;
  /** Who executes, for the audit trail (`executed by …`). */
  executor: string;
  logger: Logger;
}

export async function executeApproved(deps: ExecuteApprovedDeps, approvalId: string): Promise<ExecutionOutcome> {
  const log = deps.logger;
  let approval = await deps.approvals.getApproval(approvalId);
  if (!approval) {
    log.warn('no such approval; nothing to execute');
    return 'unknown_approval';
  }
  if (approval.state === 'approved') {
    let performed: Performed;
    try {
      performed = await performRemediation(deps, approval);
    } catch (e) {
      performed = { ok: false, failure: { error: (e as Error).message } };
    }
    const finished = performed.ok
      ? await deps.approvals.markExecuted(approvalId, performed.result, { by: deps.executor })
      : await deps.approvals.markFailed(approvalId, performed.failure, { by: deps.executor });
    approval = finished.ok ? finished.approval : ((await deps.approvals.getApproval(approvalId)) ?? approval);
    log.info({ state: approval.state, runId: approval.runId, undo: approval.plan.undoOf !== undefined }, 'remediation finished');
  }
  if (approval.state !== 'executed' && approval.state !== 'failed') {
    log.info({ state: approval.state }, 'approval is not approved; nothing to execute');
    return 'not_approved';
  }
  await deps.notifier.updateApprovalMessage(approval);
  await deps.notifier.postRemediationResult(approval);
  if (approval.plan.undoOf === undefined) await recordGateDecision({ runs: deps.runs, queues: deps.queues, logger: log }, approval);
  return approval.state;
}
