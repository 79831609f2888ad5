/**
 * The producers of the `runs` and `remediations` queues, and the helpers that add jobs with
 * their deterministic ids (jobs.ts), so a duplicate — a Slack retry, a second click, a
 * sweeper re-enqueueing — collapses into the job that already exists.
 *
 * The bot holds these producers only; workers hold consumers (src/worker/) and use these
 * producers to continue runs and to re-enqueue remediations.
 */
import { metrics } from '../log/metrics.js';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type { RunRecordStore } from '../run/redis-store.js';
import { queueConnection, queuePrefix, type ConnectionChoice, type RedisSettings } from './connection.js';
import { jobIds, REMEDIATIONS_QUEUE, RUNS_QUEUE, runContextOf, type RemediationJobData, type RunJobData } from './jobs.js';

export const RUN_JOB_NAME = 'run';
export const REMEDIATION_JOB_NAME = 'remediation';

/**
 * Transient failures (Slack 5xx or network, a Redis reconnect) are retried with exponential
 * backoff: 2 s, 4 s, 8 s, 16 s. Validation errors are thrown as UnrecoverableError and are not.
 * Finished jobs are kept a week (a duplicate delivery within that time still collapses into
 * them) and then dropped, so the queues do not grow without bound.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 7 * 86_400, count: 10_000 },
  removeOnFail: { age: 30 * 86_400, count: 10_000 },
};

export interface RunQueues {
  runs: Queue<RunJobData>;
  remediations: Queue<RemediationJobData>;
  close(): Promise<void>;
}

export function createQueues(redis: RedisSettings, choice: ConnectionChoice = {}): RunQueues {
  const options = { connection: queueConnection(redis, choice), prefix: queuePrefix(redis), defaultJobOptions: DEFAULT_JOB_OPTIONS };
  const runs = new Queue<RunJobData>(RUNS_QUEUE, options);
  const remediations = new Queue<RemediationJobData>(REMEDIATIONS_QUEUE, options);
  return {
    runs,
    remediations,
    close: async () => {
      await Promise.all([runs.close(), remediations.close()]);
    },
  };
}

export interface EnqueuedRun {
  jobId: string;
  /** True when a job with this id existed already (a duplicate delivery): nothing new runs. */
  duplicate: boolean;
}

export interface EnqueueRunOptions {
  /** Default `jobIds.run(runId)`; alarm runs pass `jobIds.alarmRun(...)`. */
  jobId?: string;
  /** When given, the run's record is created as `queued`, so `/investigate status` finds it at once. */
  records?: Pick<RunRecordStore, 'createRecord'>;
}

/** Starts a run (a slash command or an alarm post). */
export async function enqueueRun(queues: Pick<RunQueues, 'runs'>, data: RunJobData, options: EnqueueRunOptions = {}): Promise<EnqueuedRun> {
  const jobId = options.jobId ?? jobIds.run(data.runId);
  await queues.runs.add(RUN_JOB_NAME, data, { jobId });
  // BullMQ ignores an add whose id exists; the stored job tells whose run it is. An id made
  // from this run's own fresh id cannot exist already, so only derived ids (an alarm post's)
  // need the look-up: it is a round trip and a decoded job on the slash-command ack path.
  const freshId = jobId === jobIds.run(data.runId);
  const stored = freshId ? undefined : await queues.runs.getJob(jobId);
  const duplicate = stored !== undefined && stored.data.runId !== data.runId;
  if (!duplicate && options.records) {
    await options.records.createRecord({
      context: runContextOf(data),
      status: 'queued',
      slack: { ...data.slack },
      ...(data.alarm ? { alarm: data.alarm } : {}),
      updatedAt: new Date().toISOString(),
    });
  }
  return { jobId, duplicate };
}

/** Continues a run after the decision on one of its approvals; one job per (run, approval). */
export async function enqueueContinuation(queues: Pick<RunQueues, 'runs'>, data: RunJobData, approvalId: string): Promise<string> {
  const jobId = jobIds.continueRun(data.runId, approvalId);
  await queues.runs.add(RUN_JOB_NAME, data, { jobId });
  return jobId;
}

/** Executes one approved remediation; however often it is called, one job exists per approval. */
/**
 * A remediation job's action runs once whatever happens (the approval's state machine sees to
 * it); its retries only report it: the approval message, the result in the thread, the run
 * going on. Those wait for Slack, so they are retried for longer than a run's steps: ten
 * attempts, 2 s doubling to about 17 min, ride out a Slack outage of half an hour.
 */
export const REMEDIATION_JOB_ATTEMPTS = 10;

export async function enqueueRemediation(queues: Pick<RunQueues, 'remediations'>, approvalId: string): Promise<string> {
  const jobId = jobIds.remediation(approvalId);
  await queues.remediations.add(REMEDIATION_JOB_NAME, { approvalId }, { jobId, attempts: REMEDIATION_JOB_ATTEMPTS });
  return jobId;
}

/** Sets the queue gauges from Redis (at each metrics scrape): waiting, active, delayed and failed jobs per queue. */
export async function recordQueueCounts(queues: Pick<RunQueues, 'runs' | 'remediations'>): Promise<void> {
  for (const queue of [queues.runs, queues.remediations]) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    for (const [state, count] of Object.entries(counts)) metrics.queueJobs.set({ queue: queue.name, state }, count);
  }
}
