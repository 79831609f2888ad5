/**
 * A verify_access step's result in its threaded reply: each answer with its decision, the
 * statements behind it and what the simulator lacked, then its blind spots. Principals,
 * resources and context values come from CloudTrail rows, so every one is escaped.
 */
import type { AccessAnswer, AccessCheck } from '../../model/run.js';
import { answerDetails, DECISION_LABEL } from '../../verify/index.js';
import { contextLine, mrkdwnSection, packLines } from './layout.js';
import { SLACK_LIMITS, type Block } from './limits.js';
import { escapeMrkdwn, inlineCode, plural } from './mrkdwn.js';

export const DECISION_EMOJI: Record<AccessAnswer['decision'], string> = {
  allowed: '✅',
  explicitDeny: '⛔',
  implicitDeny: '🚫',
  'not-simulated': '➖',
  error: '⚠️',
};

/** Sections for the answers; `room` is how many blocks they may take. */
export function accessBlocks(check: AccessCheck, room: number): Block[] {
  const blocks: Block[] = [];
  const lines =
    check.mode === 'planned'
      ? [
          '*Would ask IAM* (not asked: no AWS access here):',
          ...check.calls.map((c) => `• ${inlineCode(`${c.service}:${c.operation} ${JSON.stringify(c.params)}`)}`),
          ...check.answers.filter((a) => a.note).map((a) => `➖ ${inlineCode(a.principal)}: ${escapeMrkdwn(a.note!)}`),
        ]
      : check.answers.map(answerText);
  const packed = packLines(lines, Math.max(1, room - 2), SLACK_LIMITS.sectionText);
  blocks.push(...packed.texts.map(mrkdwnSection));
  const omitted = packed.omitted + check.omitted;
  if (omitted > 0) blocks.push(contextLine(`… ${plural(omitted, 'more question')} not shown`));
  blocks.push(contextLine(`*What the simulator does not see:*\n${check.blindSpots.map((b) => `• ${escapeMrkdwn(b)}`).join('\n')}`));
  return blocks;
}

function answerText(a: AccessAnswer): string {
  const head = `${DECISION_EMOJI[a.decision]} *${escapeMrkdwn(DECISION_LABEL[a.decision])}*: ${inlineCode(a.principal)} → ${inlineCode(a.action)} on ${inlineCode(a.resource)}`;
  return [head, ...answerDetails(a).map((d) => `      ${escapeMrkdwn(d)}`)].join('\n');
}

/** One line for the reply's fallback text: how many of each decision. */
export function accessSummary(check: AccessCheck): string {
  if (check.mode === 'planned') return `${plural(check.calls.length, 'simulator call')} planned, not made`;
  const counts = new Map<string, number>();
  for (const a of check.answers) counts.set(DECISION_LABEL[a.decision], (counts.get(DECISION_LABEL[a.decision]) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${n} ${label.split(' (')[0]}`).join(', ') || 'nothing asked';
}
