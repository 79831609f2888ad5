/**
 * The run's parent message: what is running, for whom, over which window, and where it stands.
 * Posted when the run starts and updated in place when it finishes; each step's result goes in
 * the thread beneath it.
 */
import { engineSkipSummary } from '../../run/engine-skips.js';
import type { Finding, RunContext, RunResult, RunStatus } from '../../model/run.js';
import { fitMessage, type Block, type SlackMessage } from './limits.js';
import { escapeMrkdwn, inlineCode, requesterMrkdwn, slackTime } from './mrkdwn.js';
import { findingsSummary } from './severity.js';

export interface RunMessageInput {
  /** The runbook's title. */
  title: string;
  context: RunContext;
  /** Absent while the run is going; the runner's result once it stops. */
  result?: RunResult;
  /** While the run is going: how far it is, so the channel sees it move. */
  progress?: RunProgress;
}

export interface RunProgress {
  /** Steps with a result. */
  done: number;
  total: number;
  findings: readonly Finding[];
}

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  running: '⏳ running',
  completed: '✅ completed',
  failed: '❌ failed',
  waiting_approval: '⏸️ waiting for approval',
};

/** The "Export evidence" button of an ended run's parent message; its value is the run id. */
export const EVIDENCE_ACTION_ID = 'evidence_export';

/** The window parameters are shown as the window, not repeated as parameters. */
const WINDOW_PARAMS = new Set(['since', 'until']);

export function renderRunMessage(input: RunMessageInput): SlackMessage {
  const { title, context: ctx, result } = input;
  const status = result?.status ?? 'running';
  const progress = result ? undefined : input.progress;
  const at = progress ? ` · step ${Math.min(progress.done + 1, progress.total)} of ${progress.total}` : '';
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: `🔍 ${title}`, emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Status*\n${RUN_STATUS_LABEL[status]}${at}` },
        { type: 'mrkdwn', text: `*Started by*\n${requesterMrkdwn(ctx.requestedBy)}` },
        { type: 'mrkdwn', text: `*Window*\n${slackTime(ctx.window.start)} → ${slackTime(ctx.window.end)}` },
        { type: 'mrkdwn', text: `*Parameters*\n${parametersMrkdwn(ctx)}` },
      ],
    },
  ];
  const outcome = result ? outcomeMrkdwn(result) : progress ? `*Findings so far:* ${findingsSummary(progress.findings)} (${progress.done} of ${progress.total} steps done)` : undefined;
  if (outcome) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: outcome, verbatim: true } });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Run ${inlineCode(ctx.runId)} · runbook ${inlineCode(ctx.runbookId)} · step results in the thread`,
        verbatim: true,
      },
    ],
  });

  // A run that has ended can be exported as an evidence bundle (a zip in the thread).
  if (result && result.status !== 'waiting_approval' && result.status !== 'running') {
    blocks.push({
      type: 'actions',
      block_id: 'run_actions',
      elements: [{ type: 'button', action_id: EVIDENCE_ACTION_ID, text: { type: 'plain_text', text: '📦 Export evidence', emoji: true }, value: ctx.runId }],
    });
  }

  const skipped = result ? engineSkipSummary(result.steps) : undefined;
  const summary = result
    ? `: ${findingsSummary(result.findings)}${skipped ? ` · ${skipped}` : ''}`
    : progress
      ? `${at}, findings so far: ${findingsSummary(progress.findings)}`
      : '';
  return fitMessage({ text: `${escapeMrkdwn(title)}: ${RUN_STATUS_LABEL[status]}${summary}`, blocks });
}

function parametersMrkdwn(ctx: RunContext): string {
  const shown = Object.entries(ctx.params).filter(([name]) => !WINDOW_PARAMS.has(name));
  if (shown.length === 0) return 'none';
  return shown.map(([name, value]) => inlineCode(`${name}=${Array.isArray(value) ? value.join(',') : value}`)).join(' ');
}

function outcomeMrkdwn(result: RunResult): string {
  const skipped = engineSkipSummary(result.steps);
  // What could not be looked at stands beside the findings: "no findings" must not read as "nothing there".
  const findings = `*Findings:* ${findingsSummary(result.findings)}${skipped ? `\n⏭️ ${escapeMrkdwn(skipped)}: the thread says which and why` : ''}`;
  if (result.status === 'failed') {
    const failed = result.steps.find((s) => s.status === 'failed');
    const where = failed ? ` at *${escapeMrkdwn(failed.title)}*: ${escapeMrkdwn(failed.reason ?? 'unknown error')}` : '';
    return `❌ The run failed${where}\n${findings}`;
  }
  if (result.status === 'waiting_approval') {
    return `${findings}\n⏸️ A remediation is waiting for approval in the thread; the run continues once it is decided.`;
  }
  return findings;
}
