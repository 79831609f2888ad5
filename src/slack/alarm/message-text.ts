/**
 * Every piece of text in a Slack message, with Slack's formatting undone: the message text,
 * each attachment's parts, and the text of its blocks (rich text joined back into the string
 * that was posted). Alarm posts put the same facts in any of these places.
 */
import type { SlackMessageEvent } from './types.js';

export function messageTexts(event: SlackMessageEvent): string[] {
  const texts: (string | undefined)[] = [event.text];
  for (const a of event.attachments ?? []) {
    texts.push(a.pretext, a.title, a.title_link, a.text, a.footer, a.fallback);
    // "Current State: ALARM" reads as one fact only with its label.
    for (const f of a.fields ?? []) texts.push([f.title, f.value].filter(Boolean).join(': '));
    texts.push(...blockTexts(a.blocks));
  }
  texts.push(...blockTexts(event.blocks));
  return texts.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map(unslack);
}

/**
 * Text as it was posted, before Slack formatted it: `&lt;` `&gt;` `&amp;` unescaped, and
 * `<https://…|label>` links turned back into their URL (and label, when it says something else).
 */
export function unslack(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>/g, (_, url: string, label?: string) =>
      label === undefined || label === url ? url : `${url} ${label}`,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const RICH_TEXT_CONTAINERS = new Set(['rich_text_section', 'rich_text_preformatted', 'rich_text_quote']);

function blockTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(blockTexts);
  if (node === null || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  if (typeof obj.type === 'string' && RICH_TEXT_CONTAINERS.has(obj.type)) return [richText(obj.elements)];
  const out: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if ((key === 'text' || key === 'url') && typeof value === 'string') out.push(value);
    else out.push(...blockTexts(value));
  }
  return out;
}

/** A rich-text run joined back into one string (a posted JSON document comes back whole). */
function richText(elements: unknown): string {
  if (!Array.isArray(elements)) return '';
  return elements
    .map((e) => {
      const el = e as Record<string, unknown>;
      if (el.type === 'link') return String(el.url ?? el.text ?? '');
      if (el.type === 'emoji') return `:${String(el.name ?? '')}:`;
      if (el.type === 'user') return `<@${String(el.user_id ?? '')}>`;
      return typeof el.text === 'string' ? el.text : '';
    })
    .join('');
}
