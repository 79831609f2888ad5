/**
 * Which of a policy's approvers the workspace does not know: a user-group handle or id that
 * names no (enabled) group, a group nobody is in, a user id that names nobody, or a person
 * who cannot approve (a deactivated account, a bot). Said when a gate opens (the approval
 * message, and the requester is told how to fix it) and by `ctrb validate --slack`.
 *
 * This only informs: who may approve is still decided at each click by eligibility.ts, from
 * the policy as written. Nothing here widens it.
 *
 * One `usergroups.list` (with members) per directory, one `users.info` per distinct user id;
 * a Slack error other than "no such user" is thrown, so the caller can say it could not check.
 */
import type { SlackDirectoryClient } from './eligibility.js';
import type { UnresolvedApprover } from './types.js';

const USER_ID = /^[UW][A-Z0-9]+$/;
const GROUP_ID = /^S[A-Z0-9]+$/;

interface Group {
  id: string;
  handle: string;
  users: readonly string[];
}

export class ApproverDirectory {
  private groups: Promise<Group[]> | undefined;
  private readonly users = new Map<string, Promise<UnresolvedApprover['problem'] | undefined>>();

  constructor(private readonly slack: SlackDirectoryClient) {}

  /** The approvers (as the runbook writes them) that cannot approve, in the order given. */
  async unresolved(approvers: readonly string[]): Promise<UnresolvedApprover[]> {
    const out: UnresolvedApprover[] = [];
    for (const approver of new Set(approvers)) {
      const problem = USER_ID.test(approver) ? await this.userProblem(approver) : await this.groupProblem(approver);
      if (problem) out.push({ approver, problem });
    }
    return out;
  }

  private async groupProblem(entry: string): Promise<UnresolvedApprover['problem'] | undefined> {
    const groups = await this.allGroups();
    const handle = entry.replace(/^@/, '').toLowerCase();
    const group = GROUP_ID.test(entry) ? groups.find((g) => g.id === entry) : groups.find((g) => g.handle.toLowerCase() === handle);
    if (!group) return 'no_such_group';
    return group.users.length === 0 ? 'empty_group' : undefined;
  }

  private allGroups(): Promise<Group[]> {
    this.groups ??= answered(this.slack.usergroups.list({ include_disabled: false, include_users: true }), 'usergroups.list').then((reply) =>
      (reply.usergroups ?? []).flatMap((g) => (g.id && g.handle ? [{ id: g.id, handle: g.handle, users: g.users ?? [] }] : [])),
    );
    return this.groups;
  }

  private userProblem(id: string): Promise<UnresolvedApprover['problem'] | undefined> {
    let known = this.users.get(id);
    if (!known) {
      known = answered(this.slack.users.info({ user: id }), 'users.info').then(
        (reply) => (reply.user?.deleted ? 'deactivated' : reply.user?.is_bot ? 'bot' : undefined),
        (e: unknown) => {
          if (slackCode(e) === 'user_not_found') return 'no_such_user';
          throw e;
        },
      );
      this.users.set(id, known);
    }
    return known;
  }
}

/** A fake (or a proxy) may answer `ok: false` without throwing; the Web API client throws. */
async function answered<T extends { ok?: boolean; error?: string }>(reply: Promise<T>, method: string): Promise<T> {
  const r = await reply;
  if (r.ok === false) throw Object.assign(new Error(`${method}: ${r.error ?? 'failed'}`), { data: { ok: false, error: r.error } });
  return r;
}

function slackCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/** Why an approver cannot approve, in words: "no user group has this handle in this workspace (or it is disabled)". */
export function unresolvedReason(u: UnresolvedApprover): string {
  switch (u.problem) {
    case 'no_such_group':
      return `no user group has this ${u.approver.startsWith('@') ? 'handle' : 'id'} in this workspace (or it is disabled)`;
    case 'empty_group':
      return 'this user group has nobody in it';
    case 'no_such_user':
      return 'no user has this id in this workspace';
    case 'deactivated':
      return 'this account is deactivated';
    case 'bot':
      return 'this is a bot, and bots cannot approve';
  }
}
