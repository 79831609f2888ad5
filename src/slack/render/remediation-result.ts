/**
 * The result of an executed remediation (or of its undo), posted in the run's thread once the
 * worker has read the state back: per target, the calls made and how each went, then what
 * IAM shows now. When the remediation can be undone, an Undo button: it asks for its own
 * approval, from the same approvers, before anything is put back. An undo that failed on
 * some targets says which were restored and which not, and offers "Undo the rest": a new
 * approval for those left.
 *
 * Targets and AWS messages come from rows and from AWS: escaped like every other value.
 */
import type { types } from '@slack/bolt';
import type { ExecutionReport, TargetOutcome } from '../../remediation/index.js';
import { contextLine, mrkdwnSection, packLines } from './layout.js';
import { fitMessage, SLACK_LIMITS, type Block, type SlackMessage } from './limits.js';
import { escapeMrkdwn, inlineCode, plural } from './mrkdwn.js';

export const UNDO_ACTION_ID = 'remediation_undo';
export const UNDO_ACTIONS_BLOCK_ID = 'remediation_undo_actions';

export interface RemediationResultView {
  /** The approval that allowed this execution; the Undo button carries it. */
  approvalId: string;
  stepId: string;
  report: ExecutionReport;
  /**
   * The Undo button, when offered (a reversible action that changed something, or an undo
   * that left targets as they were): the approval it undoes, and whether it is the rest.
   */
  undo?: { approvalId: string; rest: boolean };
}

/** Blocks kept for the header, the summary, the Undo button and its note. */
const FIXED_BLOCKS = 5;

export function renderRemediationResult(view: RemediationResultView): SlackMessage {
  const { report } = view;
  const undo = report.mode === 'undo';
  const icon = report.ok ? (undo ? '↩️' : '✅') : '❌';
  const restored = report.targets.filter((t) => t.ok).length;
  const partial = undo && !report.ok && restored > 0;
  const headline = partial
    ? `Undo of ${report.action}: ${restored} of ${plural(report.targets.length, 'target')} restored, ${report.targets.length - restored} not`
    : `${undo ? 'Undo of' : 'Remediation'} ${report.action} ${report.ok ? `${undo ? '' : 'executed '}and verified` : 'failed'}`;
  const blocks: Block[] = [
    mrkdwnSection(`${icon} *${escapeMrkdwn(headline)}*  ${inlineCode(view.stepId)}`),
    contextLine(`${escapeMrkdwn(report.summary)} · approval ${inlineCode(view.approvalId)}`),
  ];
  const packed = packLines(report.targets.map((t) => targetText(t, report.mode)), SLACK_LIMITS.blocksPerMessage - FIXED_BLOCKS);
  blocks.push(...packed.texts.map(mrkdwnSection));
  if (packed.omitted > 0) blocks.push(contextLine(`… ${plural(packed.omitted, 'more target')}`));
  if (view.undo) {
    blocks.push(undoButton(view.undo, report.action));
    blocks.push(
      contextLine(
        view.undo.rest
          ? 'Undo the rest asks to put back the targets not restored, and only those. It needs its own approval, from the same approvers.'
          : 'Undo puts back what this remediation changed, and only that. It needs its own approval, from the same approvers.',
      ),
    );
  }
  return fitMessage({ text: `${icon} ${escapeMrkdwn(headline)}`, blocks });
}

function targetText(t: TargetOutcome, mode: ExecutionReport['mode']): string {
  const target = Object.entries(t.target)
    .map(([k, v]) => `${escapeMrkdwn(k)} ${inlineCode(v)}`)
    .join(', ');
  const undone = mode === 'undo' ? (t.ok ? ' restored' : ' not restored') : '';
  const lines = [`${t.ok ? '✅' : '❌'}${undone} ${target}`];
  if (t.error) lines.push(`      *${escapeMrkdwn(t.error)}*`);
  if (t.calls.length === 0 && t.ok) lines.push('      no change needed: IAM already showed this state');
  for (const c of t.calls) {
    const call = inlineCode(`${c.call.service}:${c.call.operation} ${JSON.stringify(c.call.params)}`);
    lines.push(`      ${c.ok ? '✓' : '✗'} ${call}${c.error && !c.ok ? ` ${escapeMrkdwn(c.error)}` : ''}${c.note ? ` _${escapeMrkdwn(c.note)}_` : ''}`);
  }
  const read = t.verification.details.map((d) => escapeMrkdwn(d)).join('; ');
  if (read) lines.push(`      _read back:_ ${read}`);
  return lines.join('\n');
}

function undoButton(undo: NonNullable<RemediationResultView['undo']>, action: string): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: UNDO_ACTIONS_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: UNDO_ACTION_ID,
        text: { type: 'plain_text', text: undo.rest ? 'Undo the rest' : 'Undo' },
        value: undo.approvalId,
        confirm: {
          title: { type: 'plain_text', text: undo.rest ? 'Ask to undo the rest?' : 'Ask to undo this remediation?' },
          text: {
            type: 'plain_text',
            text: `An approval to undo ${undo.rest ? 'the rest of ' : ''}${action} is posted in this thread. Nothing changes until it is approved.`.slice(0, 300),
          },
          confirm: { type: 'plain_text', text: 'Ask for approval' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}
