/**
 * Who may decide on an approval: someone the step's policy names (directly or through a
 * Slack user group) who is a person with an active account. Checked before `decide`,
 * because it needs Slack.
 *
 * Group membership is cached for a short while: 50 clicks in a burst make one
 * `usergroups.users.list` call, and a person removed from on-call stops being an approver
 * within the TTL. The clicker's own account is looked up on every click, so a deactivated
 * account is refused at once. When Slack cannot answer, the click is refused: an
 * approval gate that fails open is not a gate.
 */
import type { BotText } from '../model/text.js';
import type { Logger } from 'pino';
import { refusalMessage } from './messages.js';
import type { RefusalCode } from './types.js';

/**
 * The Slack Web API methods this needs; Bolt's `client` (a WebClient) fits it. The Web API
 * client throws on `ok: false`; fakes may return it instead, and both are handled.
 */
export interface SlackDirectoryClient {
  users: {
    info(args: { user: string }): Promise<{ ok?: boolean; error?: string; user?: { id?: string; is_bot?: boolean; deleted?: boolean } }>;
  };
  usergroups: {
    list(args?: { include_disabled?: boolean; include_users?: boolean }): Promise<{ ok?: boolean; error?: string; usergroups?: { id?: string; handle?: string; users?: string[] }[] }>;
    users: {
      list(args: { usergroup: string }): Promise<{ ok?: boolean; error?: string; users?: string[] }>;
    };
  };
}

export type EligibilityRefusal = Extract<RefusalCode, 'no_approvers' | 'not_approver' | 'bot' | 'deactivated' | 'lookup_failed'>;

export type Eligibility =
  | { eligible: true }
  | { eligible: false; code: EligibilityRefusal; message: BotText; detail?: string; advice?: string; unknownGroups?: readonly string[] };

export interface EligibilityOptions {
  /** How long group handles and memberships are trusted (default 5 minutes). */
  cacheTtlMs?: number;
  /** Milliseconds since the epoch; tests move it forward. */
  clock?: () => number;
  logger?: Logger;
  /**
   * A Slack failure as a sentence for the clicker: Slack's code and what to do about it
   * (slack/api-errors.ts, handed in by the bot). Without it, the code alone is shown.
   */
  explainSlackError?: (error: unknown) => string;
}

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
const USER_ID = /^[UW][A-Z0-9]+$/;
const GROUP_ID = /^S[A-Z0-9]+$/;

interface Cached<T> {
  value: Promise<T>;
  expiresAt: number;
}

class SlackLookupError extends Error {
  /** Where the Web API client puts Slack's code, so both kinds of failure read the same. */
  readonly data: { error?: string };

  constructor(method: string, code: string | undefined) {
    super(`${method}: ${code ?? 'failed'}`);
    this.data = { ...(code ? { error: code } : {}) };
  }
}

export class ApproverEligibility {
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private handles: Cached<Map<string, string>> | undefined;
  private readonly members = new Map<string, Cached<Set<string>>>();

  constructor(
    private readonly slack: SlackDirectoryClient,
    private readonly options: EligibilityOptions = {},
  ) {
    this.ttlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.clock = options.clock ?? Date.now;
  }

  /** Whether `userId` may approve or deny under a policy naming `approvers`. */
  async check(userId: string, approvers: readonly string[]): Promise<Eligibility> {
    if (approvers.length === 0) return this.refusal('no_approvers', approvers);

    let account: { is_bot?: boolean; deleted?: boolean } | undefined;
    try {
      account = (await call(() => this.slack.users.info({ user: userId }), 'users.info')).user;
    } catch (e) {
      return this.lookupFailed(approvers, e);
    }
    if (!account) return this.lookupFailed(approvers, new Error('users.info returned no user'));
    if (account.deleted) return this.refusal('deactivated', approvers);
    if (account.is_bot) return this.refusal('bot', approvers);

    if (approvers.some((a) => USER_ID.test(a) && a === userId)) return { eligible: true };
    let failure: unknown;
    const unknownGroups: string[] = [];
    for (const entry of approvers.filter((a) => !USER_ID.test(a))) {
      try {
        const members = await this.groupMembers(entry);
        if (members?.has(userId)) return { eligible: true };
        if (!members) unknownGroups.push(entry);
      } catch (e) {
        // Another group may still name the user; only refuse for the failure if none does.
        failure ??= e;
      }
    }
    if (failure) return this.lookupFailed(approvers, failure);
    // An unknown group widens nothing: its would-be members are refused like anyone else, told why.
    return this.refusal('not_approver', approvers, undefined, unknownGroups);
  }

  /** Drops cached groups and memberships, e.g. after an on-call rotation. */
  forget(): void {
    this.handles = undefined;
    this.members.clear();
  }

  /** The members of a group named by `@handle` or `S…` id; undefined when no such group exists. */
  private async groupMembers(entry: string): Promise<Set<string> | undefined> {
    const groupId = GROUP_ID.test(entry) ? entry : (await this.handleToId()).get(entry.replace(/^@/, '').toLowerCase());
    if (!groupId) {
      this.options.logger?.warn({ approver: entry }, 'approver group handle not found in Slack (or disabled)');
      return undefined;
    }
    return this.cached(this.members, groupId, async () => {
      const reply = await call(() => this.slack.usergroups.users.list({ usergroup: groupId }), 'usergroups.users.list');
      return new Set(reply.users ?? []);
    });
  }

  private async handleToId(): Promise<Map<string, string>> {
    const now = this.clock();
    if (!this.handles || this.handles.expiresAt <= now) {
      const value = call(() => this.slack.usergroups.list({ include_disabled: false }), 'usergroups.list').then(
        (reply) => new Map((reply.usergroups ?? []).flatMap((g) => (g.id && g.handle ? [[g.handle.toLowerCase(), g.id] as const] : []))),
      );
      const entry = { value, expiresAt: now + this.ttlMs };
      this.handles = entry;
      // A failed look-up is not cached: the next click asks Slack again.
      value.catch(() => {
        if (this.handles === entry) this.handles = undefined;
      });
    }
    return this.handles.value;
  }

  private cached<T>(cache: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const entry = { value: load(), expiresAt: now + this.ttlMs };
    cache.set(key, entry);
    entry.value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return entry.value;
  }

  private refusal(code: EligibilityRefusal, approvers: readonly string[], detail?: string, unknownGroups: readonly string[] = [], advice?: string): Eligibility {
    const extra = { ...(detail ? { detail } : {}), ...(advice ? { advice } : {}), ...(unknownGroups.length > 0 ? { unknownGroups } : {}) };
    return { eligible: false, code, message: refusalMessage(code, { approvers, ...extra, now: new Date(this.clock()) }), ...extra };
  }

  private lookupFailed(approvers: readonly string[], error: unknown): Eligibility {
    const detail = slackErrorCode(error);
    const advice = this.options.explainSlackError?.(error);
    this.options.logger?.warn({ err: detail, ...(advice ? { advice } : {}) }, 'Slack look-up for an approval click failed; refusing the click');
    return this.refusal('lookup_failed', approvers, detail, [], advice);
  }
}

/** Calls a Slack method and turns an `ok: false` reply into an error, as WebClient does. */
async function call<T extends { ok?: boolean; error?: string }>(request: () => Promise<T>, method: string): Promise<T> {
  const reply = await request();
  if (reply.ok === false) throw new SlackLookupError(method, reply.error);
  return reply;
}

/**
 * A short description of a Slack failure for the clicker and the log: the API error code
 * (`missing_scope`, `ratelimited`), never the request, which carries the token.
 */
function slackErrorCode(error: unknown): string {
  const e = error as { code?: string; data?: { error?: string }; message?: string };
  if (error instanceof SlackLookupError) return error.message;
  if (e?.data?.error) return e.data.error;
  return e?.code ?? 'Slack did not answer';
}
