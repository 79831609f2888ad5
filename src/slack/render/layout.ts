/**
 * Laying lines out into as few sections as the limits allow, and saying how many did not fit.
 */
import { SLACK_LIMITS, truncateMrkdwn, type Block } from './limits.js';

export interface PackedLines {
  /** One mrkdwn text per section, each within the section limit. */
  texts: string[];
  /** Lines left out because the sections ran out. */
  omitted: number;
}

/**
 * `lines` joined with newlines into at most `maxSections` texts of at most `maxChars` each,
 * in order. A line longer than a section on its own is shortened.
 */
export function packLines(lines: readonly string[], maxSections: number, maxChars: number = SLACK_LIMITS.sectionText): PackedLines {
  if (maxSections <= 0) return { texts: [], omitted: lines.length };
  const texts: string[] = [];
  let current = '';
  let placed = 0;
  for (const raw of lines) {
    const lineText = truncateMrkdwn(raw, maxChars);
    const joined = current === '' ? lineText : `${current}\n${lineText}`;
    if (joined.length <= maxChars) {
      current = joined;
      placed++;
      continue;
    }
    if (texts.length + 1 >= maxSections) break;
    texts.push(current);
    current = lineText;
    placed++;
  }
  if (current !== '' && texts.length < maxSections) texts.push(current);
  return { texts, omitted: lines.length - placed };
}

/** mrkdwn split at line boundaries into texts that each fit a section. */
export function splitParagraphs(text: string, maxChars: number = SLACK_LIMITS.sectionText): string[] {
  const lines = text.trimEnd().split('\n');
  return packLines(lines, Number.MAX_SAFE_INTEGER, maxChars).texts;
}

export function mrkdwnSection(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

export function contextLine(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] };
}
