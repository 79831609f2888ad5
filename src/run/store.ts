/**
 * Where a run's finished steps are kept. The runner stores each step's result *before* it
 * reports it, so a run picked up again (by another worker, after a crash) starts at the
 * first unfinished step and never repeats a finished one.
 */
import type { StepResult } from '../model/run.js';

export interface RunStore {
  loadSteps(runId: string): Promise<StepResult[]>;
  saveStep(runId: string, result: StepResult): Promise<void>;
}

/** For the terminal: one process, one run, nothing to resume. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, StepResult[]>();

  async loadSteps(runId: string): Promise<StepResult[]> {
    return [...(this.runs.get(runId) ?? [])];
  }

  async saveStep(runId: string, result: StepResult): Promise<void> {
    const steps = this.runs.get(runId) ?? [];
    const at = steps.findIndex((s) => s.stepId === result.stepId);
    if (at >= 0) steps[at] = result;
    else steps.push(result);
    this.runs.set(runId, steps);
  }
}
