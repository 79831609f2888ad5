/**
 * The bot's side of the queues: it adds jobs (producers only; workers consume them), through
 * the shared helpers that give every job its deterministic id (src/queue/producers.ts).
 */
import type { Approval } from '../approval/types.js';
import { runJobDataOf, type RunJobData } from '../queue/jobs.js';
import { enqueueContinuation, enqueueRemediation, enqueueRun, type RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RunQueue } from '../slack/listeners/index.js';

export class BotRunQueue implements RunQueue {
  constructor(
    private readonly queues: RunQueues,
    private readonly runs: RedisRunStore,
  ) {}

  async enqueueRun(jobId: string, data: RunJobData): Promise<{ added: boolean }> {
    // The record is created `queued` with the job, so `/investigate status` finds the run at once.
    const { duplicate } = await enqueueRun(this.queues, data, { jobId, records: this.runs });
    return { added: !duplicate };
  }

  async enqueueRemediation(approvalId: string): Promise<void> {
    await enqueueRemediation(this.queues, approvalId);
  }

  /** A denied gate: the run's next job sees the decision on the gate's approval and goes on. */
  async continueAfterGate(approval: Approval): Promise<void> {
    const record = await this.runs.getRecord(approval.runId);
    if (!record) throw new Error(`run ${approval.runId} of approval ${approval.id} has no record; it cannot be continued`);
    await enqueueContinuation(this.queues, runJobDataOf(record), approval.id);
  }
}
