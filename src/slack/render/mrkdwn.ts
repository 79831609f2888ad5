/**
 * Slack mrkdwn for values that come from CloudTrail, parameters or people. CloudTrail fields
 * such as `userAgent` are attacker-controlled: escaped, a value like `<!channel>` or
 * `<https://evil|aws.amazon.com>` shows as typed instead of paging a channel or faking a link.
 */

import type { BotText, Mention } from '../../model/text.js';
import { textParts } from '../../model/text.js';

/** The three characters Slack asks to be escaped in message text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The ids each kind of mention takes: anything else is shown as text, never as a mention. */
const MENTION_ID: Record<Mention['mention'], RegExp> = {
  user: /^[UW][A-Z0-9]{2,}$/,
  usergroup: /^S[A-Z0-9]{2,}$/,
  channel: /^[CG][A-Z0-9]{2,}$/,
};

/**
 * A sentence the bot wrote: its text escaped (it may quote untrusted values), its mentions
 * real mentions (`<@U…>`, `<!subteam^S…>`, `<#C…>`), so people are notified and names shown.
 */
export function botTextMrkdwn(text: BotText): string {
  return textParts(text)
    .map((part) => {
      if (typeof part === 'string') return escapeMrkdwn(part);
      if (!MENTION_ID[part.mention].test(part.id)) return escapeMrkdwn(part.id);
      if (part.mention === 'user') return `<@${part.id}>`;
      if (part.mention === 'usergroup') return `<!subteam^${part.id}>`;
      return `<#${part.id}>`;
    })
    .join('');
}

/** Inline code: escaped, with backticks swapped for a look-alike so they cannot end the span. */
export function inlineCode(text: string): string {
  const clean = text.replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ');
  return `\`${escapeMrkdwn(clean)}\``;
}

/**
 * Runbook-authored mrkdwn (notes), which may carry interpolated CloudTrail values: links and
 * user mentions stay, but channel-wide broadcasts (`<!here>`, `<!channel>`, `<!everyone>`) are
 * shown as text, because an interpolated value must never page a whole channel.
 */
export function authoredMrkdwn(text: string): string {
  return text.replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '&lt;!$1&gt;');
}

/** `<@U123>` for a Slack user, `alarm *name*` for an alarm, the name for a terminal user. */
export function requesterMrkdwn(requestedBy: string): string {
  if (/^[UW][A-Z0-9]{2,}$/.test(requestedBy)) return `<@${requestedBy}>`;
  if (requestedBy.startsWith('alarm:')) return `alarm *${escapeMrkdwn(requestedBy.slice('alarm:'.length))}*`;
  if (requestedBy.startsWith('terminal:')) return `${escapeMrkdwn(requestedBy.slice('terminal:'.length))} (terminal)`;
  return escapeMrkdwn(requestedBy);
}

/**
 * An approver entry from a policy: a user id as a mention, a group id (`S…`) as a group
 * mention, a `@handle` as text (its id is only known once resolved).
 */
export function approverMrkdwn(approver: string): string {
  if (/^[UW][A-Z0-9]{2,}$/.test(approver)) return `<@${approver}>`;
  if (/^S[A-Z0-9]{2,}$/.test(approver)) return `<!subteam^${approver}>`;
  return escapeMrkdwn(approver);
}

/**
 * A time every reader sees in their own time zone (Slack's date formatting), with the UTC
 * time as the fallback for clients that cannot format it.
 */
export function slackTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${utcTime(iso)}>`;
}

/** The same instant as plain UTC text, for `text` fallbacks and plain_text objects. */
export function utcTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** `850 ms`, `4.2 s`, `3 min 5 s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** `512 B`, `3.4 MB`, `1.2 GB` (decimal units, as the AWS consoles show them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1_000 && unit < units.length - 1) {
    value /= 1_000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
