/**
 * Sentences the bot writes for people, with the mentions it means as real mentions. A plain
 * string is text only: whatever it holds (a parameter, a CloudTrail value, a Slack error) is
 * shown as typed. A mention is a part of its own, so only code that means to mention someone
 * can, and untrusted text can never turn into a ping. slack/render turns parts into mrkdwn.
 */

export interface Mention {
  mention: 'user' | 'usergroup' | 'channel';
  /** The Slack id: U…/W… for a user, S… for a user group, C…/G… for a channel. */
  id: string;
}

export type TextPart = string | Mention;

/** One sentence or a few: text only (a string), or text and mentions. */
export type BotText = string | readonly TextPart[];

export const userMention = (id: string): Mention => ({ mention: 'user', id });
export const usergroupMention = (id: string): Mention => ({ mention: 'usergroup', id });
export const channelMention = (id: string): Mention => ({ mention: 'channel', id });

/**
 * An approver as a policy names it: a user id or a group id (S…) as a mention, a `@handle`
 * as text (a group mention needs the group's id, known only once it is resolved).
 */
export function approverPart(approver: string): TextPart {
  if (approver.startsWith('@')) return approver;
  if (/^S[A-Z0-9]{2,}$/.test(approver)) return usergroupMention(approver);
  return userMention(approver);
}

/** Approvers joined with commas, each as approverPart says; "none named" for none. */
export function approversText(approvers: readonly string[]): TextPart[] {
  if (approvers.length === 0) return ['none named'];
  return approvers.flatMap((a, i) => (i === 0 ? [approverPart(a)] : [', ', approverPart(a)]));
}

export function textParts(text: BotText): readonly TextPart[] {
  return typeof text === 'string' ? [text] : text;
}

/** The same sentence for a log or a terminal: mentions as `@U123`. */
export function plainText(text: BotText): string {
  return textParts(text)
    .map((p) => (typeof p === 'string' ? p : p.mention === 'channel' ? `#${p.id}` : `@${p.id}`))
    .join('');
}
