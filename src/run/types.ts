/**
 * A run and its results, and the reporter interface the runner speaks to. The runner
 * knows this interface only; the terminal and Slack each implement it.
 */
import type { BoundParam, EngineName, LoadProgress, QueryStats, Row } from '../query/engine.js';
import type { Severity } from '../runbook/schema.js';

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
}

export type StepStatus = 'ok' | 'skipped' | 'failed' | 'gated';

export interface StepResult {
  stepId: string;
  title: string;
  kind: 'query' | 'check' | 'remediate' | 'note';
  status: StepStatus;
  startedAt: string;
  finishedAt: string;
  /** Why a step was skipped or failed. */
  reason?: string;
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
  note?: string;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'waiting_approval';

export interface RunResult {
  context: RunContext;
  status: RunStatus;
  steps: StepResult[];
  findings: Finding[];
  warnings: string[];
}

export interface Reporter {
  runStarted(ctx: RunContext): Promise<void> | void;
  progress?(p: LoadProgress): void;
  warning?(message: string): void;
  stepFinished(ctx: RunContext, result: StepResult): Promise<void> | void;
  runFinished(result: RunResult): Promise<void> | void;
}
