/**
 * Principals the bot must never restrict: its own roles (a remediation that locks the bot out
 * cannot be undone by the bot), break-glass users, whatever else the deployment names in
 * `CTRB_PROTECTED_PRINCIPALS`. Checked when a remediation is planned and again right before
 * it executes (the list may have changed in between, and the executing worker's list counts).
 *
 * A pattern is one of (`*` matches any run of characters, `?` one character):
 * - an ARN: `arn:aws:iam::111122223333:role/ctrb-*`; the path is ignored (IAM names are unique
 *   in an account whatever their path), and a target whose account is not known yet matches
 *   the pattern in any account, so planning errs on the side of refusing;
 * - `user/<name>`, `role/<name>` or `group/<name>`: that kind of principal in any account;
 * - `<name>`: a user or a role of that name in any account.
 */

export type PrincipalKind = 'user' | 'role' | 'group';

/** A principal an action would change, as its inputs name it. */
export interface PrincipalRef {
  kind: PrincipalKind;
  name: string;
  /** The input that names it, for messages. */
  input: string;
}

interface Pattern {
  source: string;
  kinds: readonly PrincipalKind[];
  name: RegExp;
  account?: RegExp;
  partition?: RegExp;
}

const ARN = /^arn:([^:]+):iam::([^:]+):(user|role|group)\/(.*)$/;
const KIND_PREFIX = /^(user|role|group)\/(.+)$/;

export class ProtectedPrincipals {
  private readonly patterns: Pattern[];

  constructor(readonly sources: readonly string[] = []) {
    this.patterns = sources.map(parsePattern);
  }

  static readonly none = new ProtectedPrincipals();

  /** The pattern that protects `ref`, if any. */
  match(ref: Pick<PrincipalRef, 'kind' | 'name'>, where: { accountId?: string; partition?: string } = {}): string | undefined {
    for (const p of this.patterns) {
      if (!p.kinds.includes(ref.kind) || !p.name.test(ref.name)) continue;
      if (p.account && where.accountId !== undefined && !p.account.test(where.accountId)) continue;
      if (p.partition && where.partition !== undefined && !p.partition.test(where.partition)) continue;
      return p.source;
    }
    return undefined;
  }

  /** The refusal sentence for each protected principal among `refs`. */
  refusals(refs: readonly PrincipalRef[], where: { accountId?: string; partition?: string } = {}): Array<{ input: string; message: string }> {
    const out: Array<{ input: string; message: string }> = [];
    for (const ref of refs) {
      const pattern = this.match(ref, where);
      if (pattern === undefined) continue;
      out.push({
        input: ref.input,
        message: `${KIND_NOUN[ref.kind]} ${ref.name} is protected (CTRB_PROTECTED_PRINCIPALS: ${JSON.stringify(pattern)}): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.`,
      });
    }
    return out;
  }
}

const KIND_NOUN: Record<PrincipalKind, string> = { user: 'IAM user', role: 'IAM role', group: 'IAM group' };

/** Whether a pattern is well formed; the configuration reports the ones that are not. */
/**
 * `CTRB_PROTECTED_PRINCIPALS` as written: comma-separated patterns, blanks and repeats dropped.
 * The problems name each pattern that is not one (an empty list when all are).
 */
export function parseProtectedPatterns(text: string): { patterns: string[]; problems: string[] } {
  const patterns = [...new Set(text.split(',').map((p) => p.trim()).filter((p) => p !== ''))];
  return { patterns, problems: patterns.map(protectedPatternProblem).filter((p): p is string => p !== undefined) };
}

export function protectedPatternProblem(source: string): string | undefined {
  if (source.startsWith('arn:') && !ARN.test(source)) {
    return `"${source}" is not an IAM user, role or group ARN (arn:aws:iam::<account>:role/<name>)`;
  }
  if (!source.startsWith('arn:') && !/^(?:(?:user|role|group)\/)?[\w+=,.@*?-]+$/.test(source)) {
    return `"${source}" is not a principal name or pattern (e.g. ctrb-*, role/ctrb-remediation, user/break-glass)`;
  }
  return undefined;
}

function parsePattern(source: string): Pattern {
  const arn = ARN.exec(source);
  if (arn) {
    const [, partition, account, kind, path] = arn;
    // The last path segment is the name; the path before it does not make a principal.
    const name = path!.split('/').pop()!;
    return { source, kinds: [kind as PrincipalKind], name: glob(name), account: glob(account!), partition: glob(partition!) };
  }
  const prefixed = KIND_PREFIX.exec(source);
  if (prefixed) return { source, kinds: [prefixed[1] as PrincipalKind], name: glob(prefixed[2]!) };
  return { source, kinds: ['user', 'role'], name: glob(source) };
}

/** IAM names are case-insensitive for uniqueness, so matching is too. */
function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Where the bot's own roles are configured (the shape of src/aws's RoleSource). */
interface OwnRoles {
  byAccount?: Readonly<Record<string, string>>;
  template?: string;
  arn?: string;
}

/**
 * The deployment's protected principals: the configured patterns plus every role the bot
 * itself runs as, so no remediation can lock the bot out of an account.
 */
export function protectedPrincipalsOf(patterns: readonly string[], ownRoles: readonly (OwnRoles | undefined)[]): ProtectedPrincipals {
  const own = ownRoles.flatMap((r) => [
    ...Object.values(r?.byAccount ?? {}),
    ...(r?.template ? [r.template.replaceAll('{account}', '*')] : []),
    ...(r?.arn ? [r.arn] : []),
  ]);
  return new ProtectedPrincipals([...new Set([...patterns, ...own])]);
}
