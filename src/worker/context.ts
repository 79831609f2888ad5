/**
 * What a worker process shares between its jobs: one Redis client for run state and
 * approvals, the queue producers (to continue runs and re-enqueue remediations), the Slack
 * client, the runbook library (loaded once) and the query engine.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApprovalNotifier } from '../approval/notifier.js';
import type { ApprovalStore } from '../approval/store.js';
import type { ApproverDirectory } from '../approval/approver-directory.js';
import type { Config } from '../config.js';
import { createEngine, type DeploymentEngines, type EngineScope } from '../query/engines/index.js';
import type { RunQueues } from '../queue/producers.js';
import type { RedisRunStore } from '../run/redis-store.js';
import { RunbookLibrary } from '../runbook/library.js';
import type { AwsAccess } from './aws-access.js';
import type { SlackPoster } from '../slack/reporter.js';

export interface WorkerContext {
  config: Config;
  /** Names this process in logs and in the audit trail (`executed by …`). */
  name: string;
  redis: Redis;
  runs: RedisRunStore;
  approvals: ApprovalStore;
  queues: RunQueues;
  slack: SlackPoster;
  /** A fresh look-up of the workspace's users and groups, for a gate's approvers (absent: not checked). */
  approverDirectory?: () => ApproverDirectory;
  /** Tells Slack what the approval lifecycle did (approval messages redrawn, remediation results). */
  notifier: ApprovalNotifier;
  library(): Promise<RunbookLibrary>;
  /**
   * The engines a run uses, acting in its account and region; throws NoRoleForAccountError
   * when no query role covers the run's account.
   */
  engines(scope: EngineScope): DeploymentEngines;
  /** IAM clients (query role for verify_access, remediation role for remediations) and the protected principals. */
  aws: AwsAccess;
  logger: Logger;
}

/** The library, read once and kept (a failed read is tried again by the next job). */
export function libraryLoader(dir: string): () => Promise<RunbookLibrary> {
  let loaded: Promise<RunbookLibrary> | undefined;
  return () => {
    loaded ??= RunbookLibrary.load(dir).catch((e: unknown) => {
      loaded = undefined;
      throw e;
    });
    return loaded;
  };
}

/** Each run's engines, from the configuration; the worker's Redis shares the LookupEvents limit across workers. */
export function engineFactory(config: Config, redis: Redis): (scope: EngineScope) => DeploymentEngines {
  return (scope) => createEngine(config, scope, { redis });
}
