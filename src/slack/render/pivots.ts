/**
 * The pivot buttons under a step's reply: the runbooks its rows or findings offer next, on
 * the values they name. A handful of buttons (the most relevant: the worst findings' values
 * come first), the rest in an overflow menu; Slack lays out no more than that usefully, and
 * an overflow menu holds at most five options.
 *
 * A button carries only where its pivot is stored (run, step, index): the click's handler
 * reads the pivot from the run's stored step, so nothing in the button is trusted.
 */
import type { Pivot } from '../../model/run.js';
import { SLACK_LIMITS, truncatePlain, type Block } from './limits.js';

export const PIVOT_BUTTONS = 4;
export const PIVOT_OVERFLOW_OPTIONS = 5;
/** Every pivot element's action_id starts so; one listener takes them all. */
export const PIVOT_ACTION_PREFIX = 'pivot:';
export const PIVOT_ACTION_PATTERN = /^pivot:/;
const OVERFLOW_TEXT_MAX = 75;

/** Where a pivot is stored: the value of its button or overflow option. */
export interface PivotRef {
  runId: string;
  stepId: string;
  index: number;
}

export function pivotRefValue(ref: PivotRef): string {
  return `${ref.runId}/${ref.stepId}/${ref.index}`;
}

/** A button's value back as a reference; undefined for anything we did not make. */
export function readPivotRef(value: string | undefined): PivotRef | undefined {
  const m = /^([A-Za-z0-9-]{1,64})\/([a-z][a-z0-9_-]{0,63})\/(\d{1,3})$/.exec(value ?? '');
  return m ? { runId: m[1]!, stepId: m[2]!, index: Number(m[3]) } : undefined;
}

/** "AKIA… → access-key-activity": the value, then the runbook it starts. */
export function pivotLabel(pivot: Pivot, max: number = SLACK_LIMITS.buttonText): string {
  const suffix = ` → ${pivot.runbookId}`;
  const room = Math.max(12, max - suffix.length);
  return truncatePlain(`${shortValue(pivot.value, room)}${suffix}`, max);
}

/** An ARN is read by its end (user/bob), so a long one keeps its tail. */
function shortValue(value: string, max: number): string {
  if (value.length <= max) return value;
  return `…${value.slice(value.length - (max - 1))}`;
}

/** The actions block of a step's pivots, or nothing when it has none. */
export function pivotBlocks(runId: string, stepId: string, pivots: readonly Pivot[] | undefined): Block[] {
  if (!pivots || pivots.length === 0) return [];
  const value = (index: number): string => pivotRefValue({ runId, stepId, index });
  const buttons = pivots.slice(0, PIVOT_BUTTONS).map((pivot, index) => ({
    type: 'button' as const,
    action_id: `${PIVOT_ACTION_PREFIX}${index}`,
    text: { type: 'plain_text' as const, text: pivotLabel(pivot), emoji: false },
    value: value(index),
  }));
  const rest = pivots.slice(PIVOT_BUTTONS, PIVOT_BUTTONS + PIVOT_OVERFLOW_OPTIONS);
  const overflow = rest.length
    ? [
        {
          type: 'overflow' as const,
          action_id: `${PIVOT_ACTION_PREFIX}more`,
          options: rest.map((pivot, i) => ({
            text: { type: 'plain_text' as const, text: pivotLabel(pivot, OVERFLOW_TEXT_MAX) },
            value: value(PIVOT_BUTTONS + i),
          })),
        },
      ]
    : [];
  return [{ type: 'actions', block_id: `pivots:${stepId}`, elements: [...buttons, ...overflow] }];
}
