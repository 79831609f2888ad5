/**
 * A stand-in for the few Slack Web API methods eligibility uses, with a call log so tests
 * can see what was cached.
 */
import type { SlackDirectoryClient } from '../../src/approval/eligibility.js';

export interface FakeUser {
  is_bot?: boolean;
  deleted?: boolean;
}

export class FakeSlack implements SlackDirectoryClient {
  readonly calls: string[] = [];
  /** Method name → error code to answer with (`ok: false`). */
  readonly failing = new Map<string, string>();
  /** Groups whose member list cannot be read. */
  readonly unreadable = new Set<string>();

  constructor(
    readonly people: Record<string, FakeUser>,
    readonly groups: { id: string; handle: string; users: string[] }[],
  ) {}

  users = {
    info: async ({ user }: { user: string }) => {
      this.calls.push(`users.info ${user}`);
      if (this.failing.has('users.info')) return { ok: false, error: this.failing.get('users.info') };
      const person = this.people[user];
      return person ? { ok: true, user: { id: user, ...person } } : { ok: false, error: 'user_not_found' };
    },
  };

  usergroups = {
    list: async () => {
      this.calls.push('usergroups.list');
      if (this.failing.has('usergroups.list')) return { ok: false, error: this.failing.get('usergroups.list') };
      return { ok: true, usergroups: this.groups.map(({ id, handle }) => ({ id, handle })) };
    },
    users: {
      list: async ({ usergroup }: { usergroup: string }) => {
        this.calls.push(`usergroups.users.list ${usergroup}`);
        if (this.failing.has('usergroups.users.list')) return { ok: false, error: this.failing.get('usergroups.users.list') };
        if (this.unreadable.has(usergroup)) return { ok: false, error: 'missing_scope' };
        const group = this.groups.find((g) => g.id === usergroup);
        return group ? { ok: true, users: [...group.users] } : { ok: false, error: 'no_such_subteam' };
      },
    },
  };

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }
}

export function oncallSlack(): FakeSlack {
  return new FakeSlack(
    {
      UALICE: {},
      UBOB: {},
      UCAROL: {},
      UMALLORY: {},
      UFORMER: { deleted: true },
      BOTUSER: { is_bot: true },
      UREQUESTER: {},
    },
    [
      { id: 'SONCALL', handle: 'security-oncall', users: ['UALICE', 'UBOB'] },
      { id: 'SLEADS', handle: 'security-leads', users: ['UCAROL', 'BOTUSER', 'UFORMER'] },
    ],
  );
}
