/**
 * After an approval is decided: decision → the gate step's result → the run continues.
 *
 * One place for every way a gate closes, so the bot (a deny click) and the workers (an
 * executed or failed remediation, an expiry) record it the same way:
 *
 *   denied    → the step is `skipped`, reason "denied by U…: <reason>" (and `decision`, which
 *               Slack renders as a mention)
 *   expired   → the step is `skipped`, reason "expired …"
 *   executed  → the step is `ok`, note "executed (dry run): …"
 *   failed    → the step is `failed`, reason "remediation failed: …"; the run stops there
 *
 * The stored gated step is replaced only while it is still gated (atomically), and only by
 * the approval recorded as that gate's own, so a decision counts once. The continuation job
 * is enqueued every time (its id collapses duplicates), so a caller that died between the two
 * is made good by the next one.
 */
import type { Logger } from 'pino';
import type { Approval } from './types.js';
import { runJobDataOf } from '../queue/jobs.js';
import { enqueueContinuation, type RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { StepResult } from '../model/run.js';

export interface GateDeps {
  runs: Pick<RedisRunStore, 'getRecord' | 'loadSteps' | 'replaceGatedStep' | 'gateApproval'>;
  queues: Pick<RunQueues, 'runs'>;
  logger?: Logger;
  now?: () => Date;
}

export type GateOutcome =
  /** The gate now holds the decided result (`applied`) or held it already; the run continues. */
  | { outcome: 'continued'; applied: boolean; step: StepResult; continuationJobId: string }
  /** Nothing to do: the approval is still open, or it does not guard a gate of a known run. */
  | { outcome: 'ignored'; reason: 'not_decided' | 'unknown_run' | 'not_this_gate' };

const DECIDED = new Set<Approval['state']>(['denied', 'expired', 'executed', 'failed']);

/**
 * Records a decided approval (denied, expired, executed or failed) as its gate step's result
 * and enqueues the run's continuation. The bot calls it after a deny; workers after an
 * expiry and after each remediation.
 */
export async function recordGateDecision(deps: GateDeps, approval: Approval): Promise<GateOutcome> {
  const log = deps.logger?.child({ runId: approval.runId, approvalId: approval.id, stepId: approval.stepId });
  if (!DECIDED.has(approval.state)) return { outcome: 'ignored', reason: 'not_decided' };
  const record = await deps.runs.getRecord(approval.runId);
  if (!record) {
    log?.warn('the run of this approval is unknown or past its retention; nothing to continue');
    return { outcome: 'ignored', reason: 'unknown_run' };
  }
  // An approval left behind by a worker that died while opening the gate guards nothing.
  const gateOwner = await deps.runs.gateApproval(approval.runId, approval.stepId);
  const stored = (await deps.runs.loadSteps(approval.runId)).find((s) => s.stepId === approval.stepId);
  if (gateOwner !== approval.id || !stored) return { outcome: 'ignored', reason: 'not_this_gate' };

  let step = stored;
  let applied = false;
  if (stored.status === 'gated') {
    const decided = decidedStepResult(stored, approval, deps.now?.() ?? new Date());
    applied = await deps.runs.replaceGatedStep(approval.runId, decided);
    if (applied) step = decided;
  }
  const continuationJobId = await enqueueContinuation(deps.queues, runJobDataOf(record), approval.id);
  log?.info({ state: approval.state, applied, continuationJobId }, 'gate decided; run continues');
  return { outcome: 'continued', applied, step, continuationJobId };
}

/** The result a gate step takes once its approval is decided. */
export function decidedStepResult(gated: StepResult, approval: Approval, now: Date): StepResult {
  const base: StepResult = { ...gated, finishedAt: now.toISOString() };
  delete base.reason;
  switch (approval.state) {
    case 'denied': {
      const denial = approval.decisions.find((d) => d.decision === 'deny');
      const by = denial ? ` by ${denial.user}` : '';
      return {
        ...base,
        status: 'skipped',
        // Plain text for the terminal and JSON; Slack renders `decision` with a real mention.
        reason: `denied${by}${denial?.reason ? `: ${denial.reason}` : ''}`,
        decision: { state: 'denied', ...(denial ? { by: denial.user } : {}), ...(denial?.reason ? { reason: denial.reason } : {}) },
      };
    }
    case 'expired':
      return { ...base, status: 'skipped', reason: `expired: not approved by ${approval.policy.expires_at}` };
    case 'executed': {
      const outcome = approval.outcome && 'summary' in approval.outcome ? approval.outcome : undefined;
      const how = outcome?.dryRun ? 'executed (dry run)' : 'executed';
      return { ...base, status: 'ok', note: outcome?.summary ? `${how}: ${outcome.summary}` : how };
    }
    case 'failed': {
      const error = approval.outcome && 'error' in approval.outcome ? approval.outcome.error : 'unknown error';
      return { ...base, status: 'failed', reason: `remediation failed: ${error}` };
    }
    default:
      throw new Error(`approval ${approval.id} is ${approval.state}, not decided`);
  }
}
