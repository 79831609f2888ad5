/**
 * A worker process: BullMQ workers for the `runs` and `remediations` queues, and the
 * approval sweeps. Several processes, on one host or many, share one Redis.
 *
 * A worker that dies mid-job stops renewing the job's lock; after `CTRB_JOB_LOCK_DURATION`
 * another worker's stalled-job check (every `CTRB_STALLED_INTERVAL`) puts the job back in the
 * queue, and the run resumes at its first unfinished step.
 *
 * Stopping (`close`): take no new jobs; let the active ones finish within
 * `CTRB_SHUTDOWN_TIMEOUT`; past that, cancel them, which hands each run back to the queue
 * between two steps; if one still does not stop, leave it: its lock lapses and another worker
 * takes it over as stalled.
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger } from '../log/logger.js';
import { ApprovalStore } from '../approval/store.js';
import type { Config } from '../config.js';
import type { QueryEngine } from '../query/engine.js';
import { queueConnection, queuePrefix, reconnectDelayMs, whenRedisReady } from '../queue/connection.js';
import { REMEDIATIONS_QUEUE, RUNS_QUEUE, type RemediationJobData, type RunJobData } from '../queue/jobs.js';
import { createQueues, recordQueueCounts } from '../queue/producers.js';
import { collectQueuesWith } from '../log/metrics.js';
import { startOpsServer } from '../log/ops-server.js';
import { RedisRunStore } from '../run/redis-store.js';
import type { SlackPoster } from '../slack/reporter.js';
import { singleEngine } from '../query/engines/index.js';
import { awsAccessOf, type IamClientFactory } from './aws-access.js';
import { engineFactory, libraryLoader, type WorkerContext } from './context.js';
import { giveUpRemediationReport, giveUpRun, isFinalFailure } from './give-up.js';
import { processRemediationJob, type RemediationJobOutcome } from './remediation-job.js';
import { processRunJob, type RunJobOutcome } from './run-job.js';
import { SlackApprovalNotifier } from '../slack/approval-notifier.js';
import { ApproverDirectory } from '../approval/approver-directory.js';
import type { SlackDirectoryClient } from '../approval/eligibility.js';
import { createSlackClient } from '../slack/client.js';
import { startSweeps } from '../approval/sweeps.js';

/** Times a job may be taken over from a dead worker before it is failed (a run that kills its worker). */
const MAX_STALLED_COUNT = 3;
/** After the shutdown timeout, how long cancelled jobs get to hand their runs back. */
const HAND_BACK_GRACE_MS = 5_000;

export interface WorkerDeps {
  logger?: Logger;
  /** Default: a WebClient for `config.slack`. */
  slack?: SlackPoster;
  /** Where a gate's approvers are looked up. Default: the WebClient; none when `slack` is given without it. */
  directory?: SlackDirectoryClient;
  /** One engine for every step (tests). Default: the engines `config.engine` configures. */
  engine?: QueryEngine;
  /** IAM clients (tests: aimed at the IAM fake). Default: per account and purpose, from the configured roles. */
  iam?: IamClientFactory;
}

export interface RunningWorker {
  /** Where /healthz, /readyz and /metrics are served (CTRB_WORKER_PORT); absent when it is not set. */
  opsPort?: number;
  runs: Worker<RunJobData, RunJobOutcome>;
  remediations: Worker<RemediationJobData, RemediationJobOutcome>;
  context: WorkerContext;
  /** Stops as described above; resolves once everything is closed (or abandoned). */
  close(): Promise<void>;
}

export async function startWorker(config: Config, deps: WorkerDeps = {}): Promise<RunningWorker> {
  const logger = deps.logger ?? createLogger({ name: 'ctrb-worker', level: config.logLevel });
  const name = `${hostname()}:${process.pid}`;
  const redis = new Redis(config.redis.url, { retryStrategy: reconnectDelayMs });
  redis.on('error', (e: Error) => logger.warn({ err: e.message }, 'redis connection problem'));
  // Once started, a worker waits out a Redis restart for ever; one that never reaches Redis says so.
  await whenRedisReady(redis, config.redis).catch((e: unknown) => {
    redis.disconnect();
    throw e;
  });
  const queues = createQueues(config.redis);
  const engine = deps.engine;
  const runStore = new RedisRunStore(redis, { prefix: config.redis.prefix });
  const web = deps.slack ? undefined : createSlackClient(config.slack, logger);
  const slack = deps.slack ?? web!;
  const directory = deps.directory ?? web;
  const context: WorkerContext = {
    config,
    name,
    redis,
    runs: runStore,
    approvals: new ApprovalStore(redis, { prefix: config.redis.prefix, logger }),
    queues,
    slack,
    ...(directory ? { approverDirectory: () => new ApproverDirectory(directory) } : {}),
    notifier: new SlackApprovalNotifier(slack, runStore),
    library: libraryLoader(config.runbooksDir),
    engines: engine ? () => singleEngine(engine) : engineFactory(config, redis),
    aws: awsAccessOf(config, deps.iam),
    logger,
  };

  const common = {
    connection: queueConnection(config.redis),
    prefix: queuePrefix(config.redis),
    name,
    concurrency: config.worker.concurrency,
    lockDuration: config.queue.lockDurationMs,
    stalledInterval: config.queue.stalledIntervalMs,
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
  };
  const runs = new Worker<RunJobData, RunJobOutcome>(RUNS_QUEUE, (job, token, signal) => processRunJob(context, job, token, signal), common);
  const remediations = new Worker<RemediationJobData, RemediationJobOutcome>(
    REMEDIATIONS_QUEUE,
    (job) => processRemediationJob(context, job),
    common,
  );
  for (const worker of [runs, remediations]) {
    worker.on('error', (e) => logger.warn({ queue: worker.name, err: e.message }, 'queue worker problem'));
    worker.on('stalled', (jobId) => logger.warn({ queue: worker.name, jobId }, 'job stalled (its worker stopped renewing it); it will run again'));
  }
  runs.on('failed', (job, error) => {
    if (!job || !isFinalFailure(job, error)) return;
    giveUpRun(context, job, error).catch((e: unknown) => logger.warn({ runId: job.data.runId, err: (e as Error).message }, 'could not mark the run failed'));
  });
  remediations.on('failed', (job, error) => {
    if (!job || !isFinalFailure(job, error)) return;
    giveUpRemediationReport(context, job, error).catch((e: unknown) =>
      logger.warn({ approvalId: job.data.approvalId, err: (e as Error).message }, 'could not continue the run after its remediation'),
    );
  });
  await Promise.all([runs.waitUntilReady(), remediations.waitUntilReady()]);
  for (const worker of [runs, remediations]) {
    worker.run().catch((e: unknown) => logger.error({ queue: worker.name, err: (e as Error).message }, 'queue worker stopped unexpectedly'));
  }
  const sweeper = startSweeps(context, config.worker.approvalExpirySweepMs);
  let closing: Promise<void> | undefined;
  collectQueuesWith(() => recordQueueCounts(queues));
  // Alive while the process answers; ready while Redis answers and both queues are consumed.
  const port = config.worker.port;
  const ops = port === undefined ? undefined : await startOpsServer(port, {
    healthy: async () => true,
    ready: async () => !closing && redis.status === 'ready' && runs.isRunning() && remediations.isRunning() && (await redis.ping()) === 'PONG',
  }).catch(async (e: unknown) => {
    await sweeper.stop();
    await Promise.all([runs.close(), remediations.close(), queues.close()]).catch(() => undefined);
    redis.disconnect();
    throw new Error(`CTRB_WORKER_PORT: ${(e as Error).message}`);
  });
  logger.info({ worker: name, concurrency: config.worker.concurrency, engine: config.engine.name, opsPort: ops?.port ?? 'none (CTRB_WORKER_PORT not set)' }, 'worker started');

  const close = async (): Promise<void> => {
    logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'worker stopping: no new jobs; finishing the active ones');
    await sweeper.stop();
    const workersClosed = Promise.all([runs.close(), remediations.close()]);
    if (!(await settlesWithin(workersClosed, config.shutdownTimeoutMs))) {
      logger.warn('shutdown timeout reached: handing active runs back to the queue');
      runs.cancelAllJobs('worker shutting down');
      remediations.cancelAllJobs('worker shutting down');
      if (!(await settlesWithin(workersClosed, HAND_BACK_GRACE_MS))) {
        logger.warn('jobs still running; leaving them: their locks lapse and another worker takes them over');
      }
    }
    await queues.close().catch(() => {});
    await redis.quit().catch(() => redis.disconnect());
    await ops?.close();
    logger.info('worker stopped');
  };
  return {
    ...(ops ? { opsPort: ops.port } : {}),
    runs,
    remediations,
    context,
    close: () => (closing ??= close()),
  };
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
