/**
 * The approval gate's vocabulary: an approval record, the decisions on it, and what a
 * decision attempt tells its caller.
 */
import type { BotText } from '../model/text.js';
import type { RemediationPlan } from '../model/run.js';
import type { ApprovalPolicy } from '../runbook/schema.js';

/**
 * pending → approved | denied | expired; approved → executed | failed. Nothing else:
 * every transition is made by one Redis script that checks the state it starts from.
 */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'executed' | 'failed';

export type Verdict = 'approve' | 'deny';

/** The step's policy as it was when the approval was requested, with its deadline fixed. */
export interface StoredApprovalPolicy extends ApprovalPolicy {
  /** ISO 8601: `createdAt + expires_in`. */
  expires_at: string;
}

/** Where the approval message with the buttons was posted. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface Decision {
  user: string;
  decision: Verdict;
  /** The optional reason given with a deny. */
  reason?: string;
  at: string;
}

/** What the remediation worker reports once the action ran. */
export interface ExecutionResult {
  summary: string;
  /** True while actions only run their dry-run: the report must say nothing was changed. */
  dryRun?: boolean;
  details?: Record<string, unknown>;
}

export interface ExecutionFailure {
  error: string;
  details?: Record<string, unknown>;
}

/**
 * An approver the workspace did not know when the gate opened: a group handle or id naming no
 * enabled group, a group with nobody in it, a user id naming nobody, or a deactivated or bot
 * account. Shown on the approval message; it changes nothing about who may approve.
 */
export interface UnresolvedApprover {
  /** As the runbook writes it: `@security-oncall`, `S…`, `U…`. */
  approver: string;
  problem: 'no_such_group' | 'empty_group' | 'no_such_user' | 'deactivated' | 'bot';
}

export interface Approval {
  /** Opaque, unguessable, URL-safe; also the remediation job's id. */
  id: string;
  runId: string;
  runbookId: string;
  stepId: string;
  plan: RemediationPlan;
  policy: StoredApprovalPolicy;
  /** A Slack user id, or `alarm:<name>` / `terminal:<user>`, which no Slack user can be. */
  requestedBy: string;
  message?: SlackMessageRef;
  /** Approvers Slack did not know when the gate opened (absent when all were found, or not checked). */
  unresolvedApprovers?: UnresolvedApprover[];
  state: ApprovalState;
  /** Approve and deny decisions in the order they were recorded (refused clicks are not decisions). */
  decisions: Decision[];
  createdAt: string;
  /** When it left `pending`. */
  closedAt?: string;
  /** When it left `approved`. */
  finishedAt?: string;
  outcome?: ExecutionResult | ExecutionFailure;
}

export interface ApprovalRequest {
  runId: string;
  runbookId: string;
  stepId: string;
  plan: RemediationPlan;
  /** The step's `approval` block; omitted fields take the schema's defaults. */
  policy: Partial<ApprovalPolicy>;
  requestedBy: string;
  /** Usually attached later with `attachMessage`: the buttons need the id before posting. */
  message?: SlackMessageRef;
  /** Approvers the workspace does not know, found when the gate opened (approver-directory.ts). */
  unresolvedApprovers?: UnresolvedApprover[];
  now?: Date;
}

/** Why a click changed nothing. Each comes with a sentence for the person who clicked. */
export type RefusalCode =
  /** No such approval (mistyped, from another deployment, or long since cleaned up). */
  | 'unknown_approval'
  /** Already approved, denied, executed or failed. */
  | 'closed'
  | 'expired'
  | 'already_decided'
  | 'self_approval'
  /** The step names no approvers, so nobody can approve it. */
  | 'no_approvers'
  | 'not_approver'
  | 'bot'
  | 'deactivated'
  /** Slack could not tell us who the clicker is; refusing is the safe answer. */
  | 'lookup_failed';

export type DecisionResult =
  | { outcome: 'recorded'; approval: Approval; votes: number; needed: number }
  /** Returned to exactly one caller per approval: that caller enqueues the remediation. */
  | { outcome: 'approved'; approval: Approval; votes: number; needed: number }
  | { outcome: 'denied'; approval: Approval }
  | { outcome: 'refused'; code: RefusalCode; message: BotText; approval?: Approval };

export type FinishResult =
  | { ok: true; approval: Approval }
  /** Not in `approved` (already executed or failed, still pending...), or unknown: nothing changed. */
  | { ok: false; state: ApprovalState | 'unknown' };
