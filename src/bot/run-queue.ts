/**
 * The bot's side of the queues: it adds jobs (producers only; workers consume them), through
 * the shared helpers that give every job its deterministic id (src/queue/producers.ts).
 */
import type { Logger } from 'pino';
import type { Approval } from '../approval/types.js';
import type { RunJobData } from '../queue/jobs.js';
import { enqueueRemediation, enqueueRun, type RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RunQueue } from '../slack/listeners/index.js';
import { recordGateDecision } from '../approval/close-gate.js';

export class BotRunQueue implements RunQueue {
  constructor(
    private readonly queues: RunQueues,
    private readonly runs: RedisRunStore,
    private readonly logger: Logger,
  ) {}

  async enqueueRun(jobId: string, data: RunJobData): Promise<{ added: boolean }> {
    // The record is created `queued` with the job, so `/investigate status` finds the run at once.
    const { duplicate } = await enqueueRun(this.queues, data, { jobId, records: this.runs });
    return { added: !duplicate };
  }

  async enqueueRemediation(approvalId: string): Promise<void> {
    await enqueueRemediation(this.queues, approvalId);
  }

  /** A denied gate: recorded as the gate step's result, the same way workers record the others. */
  async continueAfterGate(approval: Approval): Promise<void> {
    await recordGateDecision({ runs: this.runs, queues: this.queues, logger: this.logger }, approval);
  }
}
