/**
 * The state behind the IAM fake, one per account: users with their access keys, login profiles, inline and
 * attached policies and groups; roles with theirs; groups with their members and policies;
 * managed policies. Each operation behaves as IAM does for the cases the product meets
 * (idempotent attach and put, NoSuchEntity for a missing user, key, profile or policy, a
 * detach of a policy that is not attached), so tests read real state back after each action.
 */

/** An IAM error as the service returns it; the server turns it into an `<ErrorResponse>`. */
export class IamFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = 'IamFault';
  }
}

export const ACCOUNT_ID = '111122223333';

export interface AccessKey {
  id: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

export interface IamUser {
  name: string;
  id: string;
  createDate: string;
  accessKeys: AccessKey[];
  loginProfile?: { createDate: string; passwordResetRequired: boolean };
  inlinePolicies: Map<string, string>;
  attachedPolicies: Set<string>;
}

export interface IamRole {
  name: string;
  id: string;
  path: string;
  createDate: string;
  inlinePolicies: Map<string, string>;
  attachedPolicies: Set<string>;
}

export interface IamGroup {
  name: string;
  id: string;
  createDate: string;
  members: Set<string>;
  attachedPolicies: Set<string>;
}

/** Seeds for a fresh state. */
export interface IamSeed {
  users?: Array<{
    name: string;
    accessKeys?: Array<{ id: string; status?: AccessKey['status'] }>;
    loginProfile?: boolean;
    inlinePolicies?: Record<string, unknown>;
    attachedPolicies?: string[];
    groups?: string[];
  }>;
  roles?: Array<{ name: string; path?: string; inlinePolicies?: Record<string, unknown>; attachedPolicies?: string[] }>;
  groups?: Array<{ name: string; attachedPolicies?: string[] }>;
  /** Customer managed policy ARNs that exist besides the AWS managed ones. */
  managedPolicies?: string[];
  /**
   * The accounts this fake answers for, each with its own IAM, seeded alike from this seed
   * (unless `byAccount` seeds it); default ACCOUNT_ID. The first is the one calls made with
   * credentials the fake does not know land in.
   */
  accounts?: string[];
  /** Accounts seeded with their own principals instead of this seed's. */
  byAccount?: Record<string, Omit<IamSeed, 'accounts' | 'byAccount'>>;
}

const CREATED = '2026-01-15T09:30:00Z';

/** AWS managed policies are always there; any `arn:<partition>:iam::aws:policy/...` counts as one. */
const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/.+$/;

export class IamState {
  readonly users = new Map<string, IamUser>();
  readonly roles = new Map<string, IamRole>();
  readonly groups = new Map<string, IamGroup>();
  readonly managedPolicies = new Set<string>();
  private seq = 0;

  /** One account's IAM: its principals live in no other account. */
  constructor(
    seed: Omit<IamSeed, 'accounts' | 'byAccount'> = {},
    readonly accountId: string = ACCOUNT_ID,
  ) {
    for (const arn of seed.managedPolicies ?? []) this.managedPolicies.add(arn);
    for (const g of seed.groups ?? []) {
      this.groups.set(g.name, { name: g.name, id: this.newId('AGPA'), createDate: CREATED, members: new Set(), attachedPolicies: new Set(g.attachedPolicies ?? []) });
    }
    for (const u of seed.users ?? []) {
      const user: IamUser = {
        name: u.name,
        id: this.newId('AIDA'),
        createDate: CREATED,
        accessKeys: (u.accessKeys ?? []).map((k) => ({ id: k.id, status: k.status ?? 'Active', createDate: CREATED })),
        ...(u.loginProfile ? { loginProfile: { createDate: CREATED, passwordResetRequired: false } } : {}),
        inlinePolicies: new Map(Object.entries(u.inlinePolicies ?? {}).map(([name, doc]) => [name, JSON.stringify(doc)])),
        attachedPolicies: new Set(u.attachedPolicies ?? []),
      };
      this.users.set(u.name, user);
      for (const group of u.groups ?? []) this.group(group).members.add(u.name);
    }
    for (const r of seed.roles ?? []) {
      this.roles.set(r.name, {
        name: r.name,
        id: this.newId('AROA'),
        path: r.path ?? '/',
        createDate: CREATED,
        inlinePolicies: new Map(Object.entries(r.inlinePolicies ?? {}).map(([name, doc]) => [name, JSON.stringify(doc)])),
        attachedPolicies: new Set(r.attachedPolicies ?? []),
      });
    }
  }

  user(name: string): IamUser {
    const user = this.users.get(name);
    if (!user) throw new IamFault('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);
    return user;
  }

  role(name: string): IamRole {
    const role = this.roles.get(name);
    if (!role) throw new IamFault('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  group(name: string): IamGroup {
    const group = this.groups.get(name);
    if (!group) throw new IamFault('NoSuchEntity', `The group with name ${name} cannot be found.`, 404);
    return group;
  }

  accessKey(userName: string, keyId: string): AccessKey {
    const key = this.user(userName).accessKeys.find((k) => k.id === keyId);
    if (!key) throw new IamFault('NoSuchEntity', `The Access Key with id ${keyId} cannot be found.`, 404);
    return key;
  }

  /** Attaching needs a policy that exists; AWS managed ones always do. */
  checkAttachable(arn: string): void {
    if (!AWS_MANAGED.test(arn) && !this.managedPolicies.has(arn)) {
      throw new IamFault('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
    }
  }

  /** DetachXPolicy of a policy that is not attached. */
  static notAttached(arn: string): IamFault {
    return new IamFault('NoSuchEntity', `Policy ${arn} was not found.`, 404);
  }

  static noInlinePolicy(kind: 'user' | 'role', name: string, policy: string): IamFault {
    return new IamFault('NoSuchEntity', `The ${kind} policy with name ${policy} cannot be found.`, 404);
  }

  /** The whole state as text, to tell whether a call changed anything. */
  snapshot(): string {
    const plain = (v: unknown): unknown => (v instanceof Map ? [...v.entries()].sort() : v instanceof Set ? [...v].sort() : v);
    return JSON.stringify([...this.users.values(), ...this.roles.values(), ...this.groups.values()], (_k, v: unknown) => plain(v));
  }

  groupsOf(userName: string): IamGroup[] {
    this.user(userName);
    return [...this.groups.values()].filter((g) => g.members.has(userName));
  }

  arnOf(kind: 'user' | 'role' | 'group', name: string): string {
    const path = kind === 'role' ? (this.roles.get(name)?.path ?? '/') : '/';
    return `arn:aws:iam::${this.accountId}:${kind}${path}${name}`;
  }

  private newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(17, '0')}`;
  }
}

/** Every account's IAM, as the seed describes them. */
export function accountStates(seed: IamSeed): Map<string, IamState> {
  const accounts = [...new Set([...(seed.accounts ?? [ACCOUNT_ID]), ...Object.keys(seed.byAccount ?? {})])];
  return new Map(accounts.map((account) => [account, new IamState(seed.byAccount?.[account] ?? seed, account)]));
}
