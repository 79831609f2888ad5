/**
 * `/investigate status <run-id>`: where a run is, step by step, shown to the person who asked.
 */
import type { RunContext, RunStatus, StepResult } from '../../model/run.js';
import { contextLine, mrkdwnSection, packLines } from './layout.js';
import { fitMessage, type Block, type SlackMessage } from './limits.js';
import { escapeMrkdwn, inlineCode, plural, requesterMrkdwn, slackTime } from './mrkdwn.js';
import { RUN_STATUS_LABEL } from './run-message.js';
import { findingsSummary } from './severity.js';
import { STEP_STATUS_ICON } from './step-message.js';

export interface RunStatusInput {
  title: string;
  context: RunContext;
  status: RunStatus;
  /** Every step of the runbook, in order. */
  steps: { id: string; title: string }[];
  /** The steps that have finished, as stored. */
  finished: StepResult[];
  /** A permalink to the run's thread, when known. */
  threadUrl?: string;
}

export function renderRunStatus(input: RunStatusInput): SlackMessage {
  const { context: ctx } = input;
  const done = new Map(input.finished.map((s) => [s.stepId, s]));
  const nextId = input.steps.find((s) => !done.has(s.id))?.id;
  const lines = input.steps.map((s) => stepLine(s, done.get(s.id), input.status === 'running' && s.id === nextId));
  const findings = input.finished.flatMap((s) => s.findings ?? []);

  const head = [
    `*${escapeMrkdwn(input.title)}* · run ${inlineCode(ctx.runId)} · ${RUN_STATUS_LABEL[input.status]}`,
    `Started by ${requesterMrkdwn(ctx.requestedBy)} · window ${slackTime(ctx.window.start)} → ${slackTime(ctx.window.end)}`,
    `Steps: ${done.size} of ${input.steps.length} finished · findings so far: ${findingsSummary(findings)}`,
  ].join('\n');
  const blocks: Block[] = [mrkdwnSection(head)];
  const packed = packLines(lines, 45);
  blocks.push(...packed.texts.map(mrkdwnSection));
  if (packed.omitted > 0) blocks.push(contextLine(`… ${plural(packed.omitted, 'more step')}`));
  if (input.threadUrl) blocks.push(contextLine(`<${input.threadUrl}|Open the run's thread>`));

  return fitMessage({ text: `${escapeMrkdwn(`${input.title} (run ${ctx.runId})`)}: ${RUN_STATUS_LABEL[input.status]}`, blocks });
}

export function renderRunNotFound(runId: string): SlackMessage {
  const text = `No run ${inlineCode(runId)} is known. Run ids are shown under each run's message; runs are kept for a limited time.`;
  return fitMessage({ text: `No run ${escapeMrkdwn(runId)} is known`, blocks: [mrkdwnSection(text)] });
}

function stepLine(step: { id: string; title: string }, result: StepResult | undefined, isNext: boolean): string {
  const name = `${escapeMrkdwn(step.title)} ${inlineCode(step.id)}`;
  if (!result) return isNext ? `▶️ ${name}: running` : `◻️ ${name}`;
  return `${STEP_STATUS_ICON[result.status]} ${name}${detail(result)}`;
}

function detail(result: StepResult): string {
  if (result.status === 'skipped') return `: skipped (${escapeMrkdwn(result.reason ?? 'no reason given')})`;
  if (result.status === 'failed') return `: failed (${escapeMrkdwn(result.reason ?? 'unknown error')})`;
  if (result.status === 'gated') return ': waiting for approval';
  if (result.query) return `: ${plural(result.query.rows.length, 'row')}`;
  if (result.findings) return `: ${findingsSummary(result.findings)}`;
  return '';
}
