/**
 * One threaded reply per finished step: a query's rows as a table with its cost, a check's
 * findings worst first with the events behind them, a proposed remediation in one line (the
 * approval message carries the detail), a note as written, and why a step was skipped or
 * failed. What does not fit is counted in the message, and a query result that was cut comes
 * with its full CSV for the caller to upload into the thread.
 */
import { engineNames } from '../../run/engine-skips.js';
import type { Finding, RemediationPlan, RunContext, StepResult, StepStatus } from '../../model/run.js';
import { stepResultCsv, type CsvFile } from './csv.js';
import { contextLine, mrkdwnSection, packLines, splitParagraphs } from './layout.js';
import { fitMessage, SLACK_LIMITS, type Block, type SlackMessage } from './limits.js';
import { authoredMrkdwn, escapeMrkdwn, requesterMrkdwn, formatBytes, formatElapsed, inlineCode, plural } from './mrkdwn.js';
import { findingsSummary, SEVERITY_EMOJI, worstFirst } from './severity.js';
import { renderTable } from './table.js';
import { accessBlocks, accessSummary } from './access.js';
import { pivotBlocks } from './pivots.js';

export interface StepReply {
  message: SlackMessage;
  /** The full query result, when the message shows only part of it. */
  csv?: CsvFile;
}

export const STEP_STATUS_ICON: Record<StepStatus, string> = {
  ok: '✅',
  skipped: '⏭️',
  failed: '❌',
  gated: '⏸️',
};

/** eventIDs shown per finding; the rest are counted. */
const EVENT_IDS_SHOWN = 3;
/** A finding's sentence comes from a template over row values: keep one finding to a few lines. */
const FINDING_MESSAGE_MAX = 600;

export function renderStepReply(ctx: RunContext, step: StepResult): StepReply {
  const blocks: Block[] = [mrkdwnSection(`${STEP_STATUS_ICON[step.status]} *${escapeMrkdwn(step.title)}*  ${inlineCode(step.stepId)}`)];
  let csv: CsvFile | undefined;

  if (step.status === 'skipped') blocks.push(contextLine(`Skipped${step.needsEngine ? ` (needs ${engineNames(step.needsEngine)})` : ''}: ${skipReason(step)}`));
  for (const warning of step.warnings ?? []) blocks.push(contextLine(`⚠️ ${escapeMrkdwn(warning)}`));
  if (step.status === 'failed') blocks.push(mrkdwnSection(`*Failed:* ${escapeMrkdwn(step.reason ?? 'unknown error')}`));

  if (step.query) {
    const query = queryBlocks(step.query);
    blocks.push(...query.blocks);
    if (query.attachCsv) csv = stepResultCsv(ctx, step);
  }
  if (step.findings) blocks.push(...findingBlocks(step, blocks.length));
  if (step.plan) blocks.push(planBlock(step));
  // Room is kept for a note after the answers.
  if (step.access) blocks.push(...accessBlocks(step.access, SLACK_LIMITS.blocksPerMessage - blocks.length - 2));
  if (step.note !== undefined) {
    // The author's markup is kept (its mentions and links were checked when the runbook was
    // loaded); a value from the logs is always text, whatever it holds.
    const mrkdwn = step.noteParts ? step.noteParts.map((p) => (p.value ? escapeMrkdwn(p.text) : authoredMrkdwn(p.text))).join('') : authoredMrkdwn(step.note);
    for (const text of splitParagraphs(mrkdwn)) blocks.push(mrkdwnSection(text));
  }
  // The next runbooks on the values above (fitMessage keeps an actions block when it cuts).
  blocks.push(...pivotBlocks(ctx.runId, step.stepId, step.pivots));

  return { message: fitMessage({ text: fallbackText(step), blocks }), csv };
}

/** A denial names the person as a mention (built from a checked user id); free text stays escaped. */
function skipReason(step: StepResult): string {
  const d = step.decision;
  if (d?.state === 'denied') {
    return `denied${d.by ? ` by ${requesterMrkdwn(d.by)}` : ''}${d.reason ? `: ${escapeMrkdwn(d.reason)}` : ''}`;
  }
  return escapeMrkdwn(step.reason ?? 'no reason given');
}

function queryBlocks(query: NonNullable<StepResult['query']>): { blocks: Block[]; attachCsv: boolean } {
  const rows = query.rows.length;
  const blocks: Block[] = [contextLine(statsLine(query))];
  if (rows === 0) return { blocks: [...blocks, contextLine('No rows matched.')], attachCsv: false };

  const table = renderTable(query.columns, query.rows, { maxChars: SLACK_LIMITS.sectionText });
  if (table.mrkdwn) blocks.push(mrkdwnSection(table.mrkdwn));
  const attachCsv = table.omittedRows > 0 || table.cellsCut;
  if (table.shownRows === 0) {
    blocks.push(contextLine(`The result is too wide to show here (${plural(query.columns.length, 'column')}); full result attached as CSV.`));
  } else if (table.omittedRows > 0) {
    blocks.push(contextLine(`… ${plural(table.omittedRows, 'more row')}; full result attached as CSV.`));
  } else if (table.cellsCut) {
    blocks.push(contextLine('Long values are shortened; full result attached as CSV.'));
  }
  return { blocks, attachCsv };
}

function statsLine(query: NonNullable<StepResult['query']>): string {
  const s = query.stats;
  const parts = [plural(query.rows.length, 'row'), query.engine, formatElapsed(s.elapsedMs)];
  if (s.eventsScanned !== undefined) parts.push(`${plural(s.eventsScanned, 'event')} scanned`);
  if (s.bytesScanned !== undefined) parts.push(`${formatBytes(s.bytesScanned)} scanned`);
  if (s.costUsd !== undefined) parts.push(s.costUsd < 0.0001 ? '< $0.0001' : `≈ $${s.costUsd.toFixed(4)}`);
  if (s.engineQueryId !== undefined) parts.push(`query ${inlineCode(s.engineQueryId)}`);
  return parts.join(' · ');
}

function findingBlocks(step: StepResult, blocksSoFar: number): Block[] {
  const findings = step.findings ?? [];
  if (findings.length === 0) return step.status === 'ok' ? [contextLine('No findings.')] : [];
  // Leave room for the plan, a note and the "… more" line after the findings.
  const room = SLACK_LIMITS.blocksPerMessage - blocksSoFar - 3;
  const packed = packLines(worstFirst(findings).map(findingLine), room);
  const blocks = packed.texts.map(mrkdwnSection);
  if (packed.omitted > 0) blocks.push(contextLine(`… ${plural(packed.omitted, 'more finding')} (${findingsSummary(findings)} in all)`));
  return blocks;
}

export function findingLine(f: Finding): string {
  const message = f.message.length > FINDING_MESSAGE_MAX ? `${f.message.slice(0, FINDING_MESSAGE_MAX - 1)}…` : f.message;
  const shown = f.eventIDs.slice(0, EVENT_IDS_SHOWN).map(inlineCode).join(' ');
  const more = f.eventIDs.length > EVENT_IDS_SHOWN ? ` +${f.eventIDs.length - EVENT_IDS_SHOWN} more` : '';
  const events = f.eventIDs.length > 0 ? `\n      events ${shown}${more}` : '';
  return `${SEVERITY_EMOJI[f.severity]} *${f.severity}* ${escapeMrkdwn(message)}${events}`;
}

function planBlock(step: StepResult): Block {
  const plan = step.plan as RemediationPlan;
  const where = plan.accountId ? ` in account ${inlineCode(plan.accountId)}` : '';
  const what = `${inlineCode(plan.action)} ${escapeMrkdwn(plan.summary)} (${plural(plan.targets.length, 'target')}${where})`;
  if (step.status === 'gated') return mrkdwnSection(`*Remediation proposed:* ${what}\nApproval requested in the next message; nothing runs until it is approved.`);
  return mrkdwnSection(`*Remediation:* ${what}`);
}

function fallbackText(step: StepResult): string {
  const head = `${STEP_STATUS_ICON[step.status]} ${escapeMrkdwn(step.title)}`;
  if (step.status === 'skipped') return `${head}: skipped${step.needsEngine ? ` (needs ${engineNames(step.needsEngine)})` : ''}`;
  if (step.status === 'failed') return `${head}: failed`;
  if (step.query) return `${head}: ${plural(step.query.rows.length, 'row')}`;
  if (step.findings) return `${head}: ${findingsSummary(step.findings)}`;
  if (step.plan) return `${head}: remediation proposed, waiting for approval`;
  if (step.access) return `${head}: ${accessSummary(step.access)}`;
  return head;
}
