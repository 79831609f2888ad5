/**
 * What the listeners need from the rest of the bot, as interfaces: the listeners validate,
 * enqueue and answer; they never know whether the queue is BullMQ, nor which receiver (HTTP or
 * Socket Mode) delivered the request. src/bot/ wires the real implementations.
 */
import type { Logger } from 'pino';
import type { Approval } from '../../approval/types.js';
import type { UndoRequest } from '../../approval/undo-request.js';
import type { ApprovalStore, ApproverEligibility } from '../../approval/index.js';
import type { RunJobData } from '../../queue/jobs.js';
import type { RunRecord } from '../../model/run.js';
import type { StepResult } from '../../model/run.js';
import type { RunbookLibrary } from '../../runbook/library.js';
import type { AlarmSources } from '../alarm/index.js';

/** The producer side of the queues: the bot adds jobs, workers run them. */
export interface RunQueue {
  /** Adds a run job; a job with the same id already there means a duplicate, and nothing is added. */
  enqueueRun(jobId: string, data: RunJobData, origin?: 'pivot'): Promise<{ added: boolean }>;
  /** The remediation of an approved approval (job id = approval id, so one job however many callers). */
  enqueueRemediation(approvalId: string): Promise<void>;
  /** Lets a run waiting at a gate go on after the gate was closed without execution (denied). */
  continueAfterGate(approval: Approval): Promise<void>;
}

/** Where a run is: its record (created `queued` when enqueued, then kept by the workers) and finished steps. */
export interface RunLookup {
  getRunRecord(runId: string): Promise<RunRecord | undefined>;
  loadSteps(runId: string): Promise<StepResult[]>;
}

/** The thread under each alarm's latest ALARM post, so its OK post can note the recovery there. */
/**
 * Which alarm a post is about: its name is not enough, as the same alarm (a CIS metric filter
 * deployed by StackSets, say) exists in many accounts and regions posting to one channel.
 */
export interface AlarmIdentity {
  alarmName: string;
  accountId?: string;
  region: string;
}

export interface AlarmThreads {
  remember(channel: string, alarm: AlarmIdentity, threadTs: string): Promise<void>;
  find(channel: string, alarm: AlarmIdentity): Promise<string | undefined>;
  /** True the first time a given post is seen (Slack may deliver a post more than once). */
  firstDelivery(channel: string, messageTs: string): Promise<boolean>;
}

/** Asking to undo an executed remediation: one undo approval per remediation however many click. */
export interface UndoRequests {
  request(approvalId: string, user: string): Promise<UndoRequest>;
}

export interface ListenerDeps {
  library: RunbookLibrary;
  runs: RunQueue;
  runLookup: RunLookup;
  approvals: ApprovalStore;
  /** Who may approve, and who belongs to a runbook's `access.users` groups (Slack look-ups, cached). */
  eligibility: ApproverEligibility;
  alarmThreads: AlarmThreads;
  undo: UndoRequests;
  alarmSources: AlarmSources;
  /**
   * "Now" for run windows: the real clock, or the end of the bundled sample when the workers
   * read it, so `since=24h` lands inside the sample as it does in the terminal.
   */
  now(): Date;
  logger: Logger;
  /** How long a slash command may wait on Slack look-ups (group membership) before refusing. */
  lookupTimeoutMs?: number;
}
