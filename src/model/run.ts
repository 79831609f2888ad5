/**
 * A run and its results: who asked for what over which window, each step's result, the
 * findings, and the remediation plans that wait at approval gates.
 */
import type { BoundParam, EngineName, QueryStats, Row } from './query.js';
import type { Severity } from './severity.js';

export type ParamValue = string | number | string[];
export type ResolvedParams = Record<string, ParamValue>;

export interface RunContext {
  runId: string;
  runbookId: string;
  params: ResolvedParams;
  window: { start: string; end: string };
  /** Who asked: a Slack user id, `terminal:<user>` or `alarm:<name>`. */
  requestedBy: string;
  source: 'terminal' | 'slash' | 'alarm' | 'sweep';
}

export interface Finding {
  check: string;
  severity: Severity;
  message: string;
  /** The CloudTrail events behind the finding. */
  eventIDs: string[];
  stepId: string;
  /** For a finding raised on a row: the row's time (eventTime, else first_seen), for the timeline. */
  at?: string;
  /** For a finding raised on a row: the values its columns name (the runbook's `columns`), to pivot on. */
  subjects?: Subject[];
}

/** What a column value names: see `columns` in the runbook format. */
export type SubjectKind = 'principal' | 'access_key_id' | 'ip' | 'arn';

export interface Subject {
  kind: SubjectKind;
  value: string;
}

/** The next runbook a result offers on one of its values: start `runbookId` with `param=value`. */
export interface Pivot {
  runbookId: string;
  /** The runbook's title, for the button's hover text and the terminal. */
  title: string;
  param: string;
  value: string;
  kind: SubjectKind;
}

export interface ApiCall {
  service: string;
  operation: string;
  params: Record<string, unknown>;
}

export interface RemediationPlan {
  action: string;
  summary: string;
  targets: Record<string, string>[];
  calls: ApiCall[];
  reversible: boolean;
  warnings: string[];
  /** On the plan of an undo: the approval whose executed remediation it puts back. */
  undoOf?: string;
  /**
   * The account the remediation acts in, decided at planning (src/remediation/account.ts) so
   * the approvers read it and the worker executes there. Absent when nothing named one.
   */
  accountId?: string;
  /** Where `accountId` came from: the alarm, the run's `account` parameter, or the rows acted on. */
  accountFrom?: PlanAccountSource;
}

export type PlanAccountSource = 'alarm' | 'parameter' | 'rows';

/** What IAM's policy simulator said of one (caller, action, resource); see src/verify/. */
export type AccessDecision = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'not-simulated' | 'error';

export interface MatchedStatement {
  /** The policy the statement is in, as the simulator names it (a policy name or ARN). */
  policyId: string;
  /** user, group, role, aws-managed, user-managed, resource, none. */
  policyType?: string;
  start?: { line: number; column: number };
  end?: { line: number; column: number };
}

export interface AccessAnswer {
  /** The caller as the rows name it (e.g. an assumed-role session ARN). */
  principal: string;
  /** How many distinct callers asked the same question (the sessions of one role); 1 when only `principal`. */
  callers: number;
  /** The user or role simulated (PolicySourceArn), when one could be. */
  simulated?: string;
  action: string;
  resource: string;
  context: Array<{ key: string; type: string; value: string }>;
  decision: AccessDecision;
  /** The statements that decided: the allowing ones, or the denying one. */
  statements: MatchedStatement[];
  /** Condition keys the policies use that the request context did not have. */
  missingContext: string[];
  allowedByOrganizations?: boolean;
  allowedByBoundary?: boolean;
  /** Why it was not simulated, or the error IAM answered. */
  note?: string;
  /** How many rows asked this same question. */
  rows: number;
}

export interface AccessCheck {
  /** `simulated`: IAM answered; `planned`: no AWS access here (the terminal): `calls` are what would be asked. */
  mode: 'simulated' | 'planned';
  calls: ApiCall[];
  answers: AccessAnswer[];
  /** Questions past the step's limit, not asked. */
  omitted: number;
  /** What the simulator cannot see, stated with every result. */
  blindSpots: string[];
}

export type StepStatus = 'ok' | 'skipped' | 'failed' | 'gated';

export interface StepResult {
  stepId: string;
  title: string;
  kind: 'query' | 'check' | 'remediate' | 'verify_access' | 'note';
  status: StepStatus;
  startedAt: string;
  finishedAt: string;
  /** Why a step was skipped or failed. */
  reason?: string;
  /** How a remediation gate was closed without executing, for reporters that name people. */
  decision?: { state: 'denied' | 'expired'; by?: string; reason?: string };
  /**
   * On a step skipped because the deployment's engines cannot answer it (or read the rows of
   * one that was): the engines that could (src/run/engine-skips.ts).
   */
  needsEngine?: EngineName[];
  /** The error class behind a failure (e.g. NoCloudTrailFilesError), so callers can tell bad input from a fault. */
  errorName?: string;
  /** Problems that did not stop the step, e.g. a check that could not be evaluated on some rows. */
  warnings?: string[];
  query?: {
    engine: EngineName;
    statement: string;
    params: BoundParam[];
    columns: string[];
    rows: Row[];
    stats: QueryStats;
  };
  findings?: Finding[];
  plan?: RemediationPlan;
  access?: AccessCheck;
  note?: string;
  /** The note in parts: the runbook author's text, and each value interpolated from the logs. */
  noteParts?: Array<{ text: string; value?: true }>;
  /** The runbooks this step's rows or findings offer next (most relevant first), for Slack buttons and the terminal. */
  pivots?: Pivot[];
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'waiting_approval';

export interface RunResult {
  context: RunContext;
  status: RunStatus;
  steps: StepResult[];
  findings: Finding[];
  warnings: string[];
}

/** Where a run reports in Slack. */
export interface SlackTarget {
  channel: string;
  /** The thread the run posts into: the alarm post for alarm runs; absent until the parent exists. */
  threadTs?: string;
}

/** The alarm that started a run, carried into the jobs that continue it. */
export interface AlarmRef {
  name: string;
  region?: string;
  accountId?: string;
  stateChangeTime: string;
}

/** The run's state as kept in Redis (for resuming, for `/investigate status`). */
export interface RunRecord {
  context: RunContext;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'waiting_approval';
  slack: SlackTarget & {
    /** The run's parent message (slash runs) — its ts is the thread the steps go into. */
    parentTs?: string;
  };
  /** The approval the run waits on, when status is waiting_approval. */
  approvalId?: string;
  /** Alarm runs: the alarm that started the run (carried into the jobs that continue it). */
  alarm?: AlarmRef;
  updatedAt: string;
}
