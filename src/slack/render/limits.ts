/**
 * Slack's Block Kit limits, enforced in one place. Every message the bot sends passes through
 * `fitMessage`, so a result of any size becomes a message Slack accepts, with what was cut
 * said in the message, instead of an `invalid_blocks` or `msg_too_long` error in the middle of
 * an incident. The renderers plan their content to fit (and say what they left out); this is
 * the safety net underneath them.
 *
 * Lengths are measured in UTF-16 code units, which is never less than the characters Slack
 * counts, so a text that fits here fits there.
 */
import type { types } from '@slack/bolt';

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  /** `text` of a message; Slack truncates (or refuses) beyond it. */
  messageText: 40_000,
  sectionText: 3_000,
  fieldsPerSection: 10,
  fieldText: 2_000,
  headerText: 150,
  contextElements: 10,
  /** Not documented separately for context text: kept to the field limit to be safe. */
  contextText: 2_000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3_000,
} as const;

export type Block = types.KnownBlock;

/** What chat.postMessage / chat.update / chat.postEphemeral take. */
export interface SlackMessage {
  /** The notification and screen-reader text; also what clients without blocks show. */
  text: string;
  blocks: Block[];
}

const ELLIPSIS = '…';

/**
 * `text` cut to at most `max` characters, ending in `…`, without splitting a surrogate pair,
 * an HTML entity (`&amp;`) or a Slack link or mention (`<@U123>`), and with an open code
 * fence closed again so the rest of the message is not swallowed into it.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const fence = '\n```';
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length - fence.length));
  cut = dropBrokenTail(cut);
  const fencesOpen = (cut.match(/```/g)?.length ?? 0) % 2 === 1;
  return fencesOpen ? `${cut}${ELLIPSIS}${fence}` : `${cut}${ELLIPSIS}`;
}

/** Plain text (headers, button labels) cut to `max`, ending in `…`. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${dropBrokenSurrogate(text.slice(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

function dropBrokenSurrogate(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

function dropBrokenTail(text: string): string {
  let out = dropBrokenSurrogate(text);
  const amp = out.lastIndexOf('&');
  if (amp !== -1 && !out.slice(amp).includes(';')) out = out.slice(0, amp);
  const open = out.lastIndexOf('<');
  if (open !== -1 && !out.slice(open).includes('>')) out = out.slice(0, open);
  return out;
}

/**
 * The message with every limit applied: text objects cut, surplus fields and context elements
 * folded into a count, and surplus blocks replaced by one "… N more" line. Action blocks
 * (the Approve / Deny buttons) are never the ones dropped.
 */
export function fitMessage(message: SlackMessage, maxBlocks: number = SLACK_LIMITS.blocksPerMessage): SlackMessage {
  return {
    text: truncateMrkdwn(nonEmpty(message.text), SLACK_LIMITS.messageText),
    blocks: fitBlockCount(message.blocks.map(fitBlock), maxBlocks),
  };
}

/** The blocks of a modal or other view, which allows more blocks than a message. */
export function fitBlocks(blocks: Block[], maxBlocks: number): Block[] {
  return fitBlockCount(blocks.map(fitBlock), maxBlocks);
}

function fitBlock(block: Block): Block {
  switch (block.type) {
    case 'header':
      return { ...block, text: { ...block.text, text: truncatePlain(nonEmpty(block.text.text), SLACK_LIMITS.headerText) } };
    case 'section':
      return {
        ...block,
        ...(block.text ? { text: fitText(block.text, SLACK_LIMITS.sectionText) } : {}),
        ...(block.fields ? { fields: fitFields(block.fields) } : {}),
      };
    case 'context':
      return { ...block, elements: fitContextElements(block.elements) };
    case 'actions':
      return {
        ...block,
        elements: block.elements.slice(0, SLACK_LIMITS.actionsElements).map((e) =>
          e.type === 'button' ? { ...e, text: { ...e.text, text: truncatePlain(nonEmpty(e.text.text), SLACK_LIMITS.buttonText) } } : e,
        ),
      };
    default:
      return block;
  }
}

function fitText<T extends types.PlainTextElement | types.MrkdwnElement>(text: T, max: number): T {
  const value = nonEmpty(text.text);
  return { ...text, text: text.type === 'mrkdwn' ? truncateMrkdwn(value, max) : truncatePlain(value, max) };
}

function fitFields(fields: types.TextObject[]): types.TextObject[] {
  const fitted = fields.map((f) => fitText(f, SLACK_LIMITS.fieldText));
  if (fitted.length <= SLACK_LIMITS.fieldsPerSection) return fitted;
  const kept = fitted.slice(0, SLACK_LIMITS.fieldsPerSection - 1);
  return [...kept, { type: 'mrkdwn', text: `${ELLIPSIS} ${fitted.length - kept.length} more` }];
}

function fitContextElements(elements: types.ContextBlockElement[]): types.ContextBlockElement[] {
  const fitted = elements.map((e) => (e.type === 'mrkdwn' || e.type === 'plain_text' ? fitText(e, SLACK_LIMITS.contextText) : e));
  if (fitted.length <= SLACK_LIMITS.contextElements) return fitted;
  const kept = fitted.slice(0, SLACK_LIMITS.contextElements - 1);
  return [...kept, { type: 'mrkdwn', text: `${ELLIPSIS} ${fitted.length - kept.length} more` }];
}

function fitBlockCount(blocks: Block[], max: number): Block[] {
  if (blocks.length <= max) return blocks;
  // Make room for the marker by dropping blocks from the end, skipping the buttons.
  let toDrop = blocks.length - max + 1;
  const keep = blocks.map(() => true);
  for (let i = blocks.length - 1; i >= 0 && toDrop > 0; i--) {
    if (blocks[i]!.type === 'actions') continue;
    keep[i] = false;
    toDrop--;
  }
  const dropped = keep.filter((k) => !k).length;
  const firstDropped = keep.indexOf(false);
  const kept = blocks.filter((_, i) => keep[i]);
  const marker: Block = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${ELLIPSIS} ${dropped} more block${dropped === 1 ? '' : 's'} not shown (Slack allows ${max})` }],
  };
  const at = blocks.slice(0, firstDropped).filter((_, i) => keep[i]).length;
  return [...kept.slice(0, at), marker, ...kept.slice(at)];
}

/** Slack refuses empty (and blank) text objects. */
function nonEmpty(text: string): string {
  return text.trim() === '' ? '—' : text;
}
