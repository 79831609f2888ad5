/**
 * Reading IAM policy documents in checks. CloudTrail logs a policy as a JSON string inside
 * requestParameters (a trust policy, an inline policy, a new policy version), sometimes
 * URL-encoded; these functions parse it and answer the questions a responder asks of a
 * change: whom does it let in, and does it grant administrator rights?
 */

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export class PolicyDocumentError extends Error {
  override name = 'PolicyDocumentError';
}

/** The statements of a policy document given as text (JSON, or JSON URL-encoded). */
export function policyStatements(text: string): Statement[] {
  const trimmed = text.trim();
  let json = trimmed;
  if (trimmed.startsWith('%7B') || trimmed.startsWith('%7b')) {
    try {
      json = decodeURIComponent(trimmed);
    } catch {
      throw new PolicyDocumentError('not a policy document: the URL encoding is broken');
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new PolicyDocumentError(`not a policy document (JSON expected): ${JSON.stringify(trimmed.slice(0, 60))}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PolicyDocumentError('not a policy document: a JSON object with a Statement is expected');
  const statement = (doc as { Statement?: unknown }).Statement;
  if (statement === undefined) return [];
  const list = Array.isArray(statement) ? statement : [statement];
  return list.filter((s): s is Statement => typeof s === 'object' && s !== null && !Array.isArray(s));
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === 'string');
const allows = (s: Statement): boolean => typeof s.Effect === 'string' && s.Effect.toLowerCase() === 'allow';
const hasCondition = (s: Statement): boolean => typeof s.Condition === 'object' && s.Condition !== null && Object.keys(s.Condition).length > 0;

/** Condition keys that tie a `*` principal to named accounts or an organization. */
const ACCOUNT_BOUND_KEYS = new Set(['aws:principalorgid', 'aws:principalaccount', 'aws:principalorgpaths']);

function conditionKeys(s: Statement): string[] {
  if (!hasCondition(s)) return [];
  return Object.values(s.Condition as Record<string, unknown>).flatMap((block) =>
    typeof block === 'object' && block !== null ? Object.keys(block).map((k) => k.toLowerCase()) : [],
  );
}

interface Admitted {
  kind: 'AWS' | 'Federated' | 'Service' | 'CanonicalUser' | '*';
  value: string;
  statement: Statement;
}

function admitted(statements: Statement[]): Admitted[] {
  const out: Admitted[] = [];
  for (const s of statements.filter(allows)) {
    // Allow with NotPrincipal lets in everyone but the few it names.
    if (s.NotPrincipal !== undefined || s.Principal === '*') {
      out.push({ kind: '*', value: '*', statement: s });
      continue;
    }
    if (typeof s.Principal !== 'object' || s.Principal === null) continue;
    for (const [kind, values] of Object.entries(s.Principal as Record<string, unknown>)) {
      for (const value of asList(values)) {
        const k = value === '*' && kind === 'AWS' ? '*' : (kind as Admitted['kind']);
        out.push({ kind: k, value, statement: s });
      }
    }
  }
  return out;
}

/** Every principal an Allow statement of the document names (`*` for everyone). */
export function policyPrincipals(text: string): string[] {
  return [...new Set(admitted(policyStatements(text)).map((a) => a.value))];
}

/** The account an AWS principal belongs to: an ARN's account field, or a bare account id. */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * The principals the document lets in from outside `ownAccounts`: everyone (`*`, or Allow
 * with NotPrincipal) unless a condition binds them to an organization or accounts; AWS
 * principals of other accounts; and federated identities (SAML, OIDC, Cognito) admitted
 * without any condition, which lets in every identity the provider vouches for.
 */
export function outsidePrincipals(text: string, ownAccounts: readonly string[]): string[] {
  const own = new Set(ownAccounts);
  const out = new Set<string>();
  for (const a of admitted(policyStatements(text))) {
    if (a.kind === '*') {
      if (!conditionKeys(a.statement).some((k) => ACCOUNT_BOUND_KEYS.has(k))) out.add('*');
    } else if (a.kind === 'AWS') {
      const account = accountOf(a.value);
      if (account !== undefined && !own.has(account)) out.add(a.value);
    } else if (a.kind === 'Federated') {
      if (!hasCondition(a.statement)) out.add(a.value);
    }
  }
  return [...out];
}

const lower = (values: string[]) => values.map((v) => v.toLowerCase());
const EVERY_ACTION = new Set(['*', '*:*']);
const PASS_ROLE = new Set(['iam:passrole', 'iam:pass*', 'iam:*role', 'iam:*']);

/**
 * The administrator-equivalent statements of the document, each described in a few words:
 * Allow every action (`*`), every IAM action (`iam:*`) or everything but a few (NotAction), or
 * iam:PassRole, on every resource (`*`, or NotResource). Any of them lets the holder make
 * itself an administrator.
 */
export function adminStatements(text: string): string[] {
  const out: string[] = [];
  for (const s of policyStatements(text).filter(allows)) {
    const everywhere = asList(s.Resource).includes('*') || s.NotResource !== undefined;
    if (!everywhere) continue;
    const actions = lower(asList(s.Action));
    if (actions.some((a) => EVERY_ACTION.has(a))) out.push('Allow * on *');
    else if (s.NotAction !== undefined) out.push(`Allow everything except ${asList(s.NotAction).join(', ')} on *`);
    else if (actions.includes('iam:*')) out.push('Allow iam:* on *');
    else if (actions.some((a) => PASS_ROLE.has(a))) out.push('Allow iam:PassRole on *');
  }
  return out;
}

/** AWS managed policies that are administrator rights by themselves. */
export function isAdminPolicyArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\/(?:AdministratorAccess|IAMFullAccess)$/.test(arn);
}
