/**
 * Periodic work every worker does (safe to run from many workers at once):
 *
 * - Expiry: pending approvals past their deadline become `expired` (each is returned to one
 *   sweeper only); the run continues with the gate recorded as expired, and the approval
 *   message is updated in place. The audit entry is written by the expiry itself.
 * - Lost remediations: an approval that reached its quorum but whose remediation job never
 *   got enqueued (the bot died in between) is enqueued again. The job id is the approval id,
 *   so an approval whose job exists is not enqueued twice.
 */
import type { Logger } from 'pino';
import type { Approval } from './types.js';
import { enqueueRemediation } from '../queue/producers.js';
import type { RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { ApprovalNotifier } from './notifier.js';
import type { ApprovalStore } from './store.js';
import { recordGateDecision } from './close-gate.js';

export interface SweepContext {
  approvals: Pick<ApprovalStore, 'expireDue' | 'awaitingExecution'>;
  runs: Pick<RedisRunStore, 'getRecord' | 'loadSteps' | 'replaceGatedStep' | 'gateApproval'>;
  queues: RunQueues;
  notifier: Pick<ApprovalNotifier, 'updateApprovalMessage'>;
  logger: Logger;
}

/** Expires what is due; returns the approvals this call expired. */
export async function sweepExpiredApprovals(w: SweepContext, now: Date = new Date()): Promise<Approval[]> {
  const expired = await w.approvals.expireDue(now);
  for (const approval of expired) {
    const log = w.logger.child({ approvalId: approval.id, runId: approval.runId });
    // The run first: a message that fails to update must not leave the run waiting forever.
    await recordGateDecision({ runs: w.runs, queues: w.queues, logger: log }, approval).catch((e: unknown) =>
      log.error({ err: (e as Error).message }, 'could not continue the run after the expiry'),
    );
    await w.notifier.updateApprovalMessage(approval).catch((e: unknown) =>
      log.warn({ err: (e as Error).message }, 'could not update the expired approval message'),
    );
  }
  return expired;
}

/** Enqueues remediations approved more than `graceMs` ago that are still not executed. */
export async function sweepUnexecutedApprovals(w: SweepContext, graceMs: number, now: Date = new Date()): Promise<string[]> {
  const waiting = await w.approvals.awaitingExecution(new Date(now.getTime() - graceMs));
  for (const approval of waiting) await enqueueRemediation(w.queues, approval.id);
  if (waiting.length > 0) w.logger.info({ approvals: waiting.map((a) => a.id) }, 'approved remediations (re-)enqueued');
  return waiting.map((a) => a.id);
}

export interface Sweeper {
  stop(): Promise<void>;
}

/** Runs both sweeps every `intervalMs`, one round at a time; errors are logged and retried next round. */
export function startSweeps(w: SweepContext, intervalMs: number, logger: Logger = w.logger): Sweeper {
  let running: Promise<void> | undefined;
  let stopped = false;
  const sweep = async () => {
    try {
      await sweepExpiredApprovals(w);
      await sweepUnexecutedApprovals(w, intervalMs);
    } catch (e) {
      logger.warn({ err: (e as Error).message }, 'approval sweep failed; retrying next round');
    }
  };
  const timer = setInterval(() => {
    // A slow round (Slack rate limits) is not overlapped by the next one.
    if (stopped || running) return;
    running = sweep().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
