/**
 * What a runbook's notes may point at in Slack. A note is shown as the author wrote it, so
 * markup in it acts: `<@U…>` notifies a person, `<!subteam^S…>` a whole group, `<#C…>` links a
 * channel, and `<https://evil.example|https://console.aws.amazon.com>` shows one address and
 * opens another. A runbook is reviewed, but a note is easy to miss in review, so each of these
 * must be declared in the runbook's `mentions:` list (user, group or channel id, or the link's
 * real address) or the runbook is refused. Broadcasts (`<!here>`, `<!channel>`,
 * `<!everyone>`) are never allowed. Values interpolated into a note are escaped when shown,
 * whatever they hold (src/slack/render/step-message.ts).
 */

/** The Slack markup in a note's text that needs declaring (or is refused), with what declares it. */
export interface NoteMarkup {
  /** The markup as written. */
  markup: string;
  /** What `mentions:` must list to allow it; absent for what is never allowed. */
  declares?: string;
  what: string;
}

const MARKUP = /<([@#!][^>|]*|https?:\/\/[^>|]*|mailto:[^>|]*)(?:\|([^>]*))?>/g;

/** The markup of `text` (outside `{{ … }}` interpolations) that needs declaring. */
export function noteMarkup(text: string): NoteMarkup[] {
  const authored = text.replace(/\{\{[\s\S]*?\}\}/g, ' ');
  const found: NoteMarkup[] = [];
  for (const match of authored.matchAll(MARKUP)) {
    const [markup, target, label] = match as unknown as [string, string, string | undefined];
    if (target.startsWith('@')) found.push({ markup, declares: target.slice(1), what: 'a user mention' });
    else if (target.startsWith('#')) found.push({ markup, declares: target.slice(1), what: 'a channel link' });
    else if (target.startsWith('!subteam^')) found.push({ markup, declares: target.slice('!subteam^'.length), what: 'a group mention' });
    else if (/^!(here|channel|everyone)$/.test(target)) found.push({ markup, what: 'a broadcast to the whole channel' });
    else if (label !== undefined && looksLikeAddress(label) && !sameAddress(label, target)) {
      found.push({ markup, declares: target, what: `a link shown as ${label} that opens another address` });
    }
  }
  return found;
}

/** Problems of one note: each undeclared markup, as a sentence. */
export function noteMentionProblems(text: string, declared: readonly string[]): string[] {
  const allowed = new Set(declared);
  return noteMarkup(text)
    .filter((m) => m.declares === undefined || !allowed.has(m.declares))
    .map((m) =>
      m.declares === undefined
        ? `${m.markup} is ${m.what}, which a note may not make`
        : `${m.markup} is ${m.what}: list ${JSON.stringify(m.declares)} under the runbook's \`mentions:\` if it is meant`,
    );
}

function looksLikeAddress(label: string): boolean {
  return /^(https?:\/\/|www\.)/i.test(label.trim()) || /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/|$)/i.test(label.trim());
}

function sameAddress(label: string, target: string): boolean {
  const bare = (s: string) => s.trim().replace(/^https?:\/\//i, '').replace(/\/$/, '').toLowerCase();
  return bare(label) === bare(target);
}
