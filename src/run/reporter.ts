/**
 * The reporter interface the runner speaks to. The runner knows this interface only; the
 * terminal and Slack each implement it.
 */
import type { EmptyWindow, LoadProgress } from '../model/query.js';
import type { RunContext, RunResult, StepResult } from '../model/run.js';

export interface Reporter {
  runStarted(ctx: RunContext): Promise<void> | void;
  progress?(p: LoadProgress): void;
  warning?(message: string): void;
  /** The run's window holds no event of its logs: say so, with the span they cover. */
  emptyWindow?(ctx: RunContext, empty: EmptyWindow): void;
  stepFinished(ctx: RunContext, result: StepResult): Promise<void> | void;
  runFinished(result: RunResult): Promise<void> | void;
}
