/**
 * The bot's side of the queues: it adds jobs (producers only; workers consume them), through
 * the shared helpers that give every job its deterministic id (src/queue/producers.ts).
 */
import { metrics } from '../log/metrics.js';
import type { Logger } from 'pino';
import type { Approval } from '../approval/types.js';
import type { RunJobData } from '../queue/jobs.js';
import { enqueueRemediation, enqueueRun, type RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RunQueue } from '../slack/listeners/index.js';
import { recordGateDecision } from '../approval/close-gate.js';
import type { AuditTrail } from '../approval/audit.js';
import { errorSummary } from '../log/logger.js';

/** Where every run started is recorded: who, from where, what, over which window, on which engine. */
export interface RunStartAudit {
  trail: Pick<AuditTrail, 'append'>;
  engine: string;
}

export class BotRunQueue implements RunQueue {
  constructor(
    private readonly queues: RunQueues,
    private readonly runs: RedisRunStore,
    private readonly logger: Logger,
    private readonly audit?: RunStartAudit,
  ) {}

  async enqueueRun(jobId: string, data: RunJobData, origin?: 'pivot'): Promise<{ added: boolean }> {
    // The record is created `queued` with the job, so `/investigate status` finds the run at once.
    const { duplicate } = await enqueueRun(this.queues, data, { jobId, records: this.runs });
    // A duplicate (Slack delivering an alarm post twice) started nothing: nothing to record.
    if (!duplicate) {
      metrics.runsStarted.inc({ runbook: data.runbookId, source: origin ?? data.source });
      await this.auditStart(data, origin);
    }
    return { added: !duplicate };
  }

  private async auditStart(data: RunJobData, origin: 'pivot' | undefined): Promise<void> {
    if (!this.audit) return;
    try {
      await this.audit.trail.append({
        event: 'run_started',
        at: new Date().toISOString(),
        actor: data.requestedBy,
        runId: data.runId,
        runbookId: data.runbookId,
        channel: data.slack.channel,
        source: origin ?? data.source,
        params: data.params,
        window: data.window,
        engine: this.audit.engine,
      });
    } catch (e) {
      // The run is enqueued; the log line carries the same facts when the stream cannot.
      this.logger.error({ err: errorSummary(e), runId: data.runId, runbookId: data.runbookId, actor: data.requestedBy }, 'could not audit a run start');
    }
  }

  async enqueueRemediation(approvalId: string): Promise<void> {
    await enqueueRemediation(this.queues, approvalId);
  }

  /** A denied gate: recorded as the gate step's result, the same way workers record the others. */
  async continueAfterGate(approval: Approval): Promise<void> {
    await recordGateDecision({ runs: this.runs, queues: this.queues, logger: this.logger }, approval);
  }
}
