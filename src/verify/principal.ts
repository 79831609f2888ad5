/**
 * Which IAM principal to ask the simulator about, from the caller ARN CloudTrail recorded
 * (`userIdentity.arn`). The simulator knows users, groups and roles, never sessions: an
 * assumed-role session (`arn:aws:sts::111122223333:assumed-role/Role/session`) is simulated
 * as its role (`arn:aws:iam::111122223333:role/Role`), the role's permission boundary
 * included; the root user, federated users and AWS services are not simulated at all.
 */

export type CallerKind = 'user' | 'role' | 'assumed-role' | 'root' | 'federated-user' | 'service' | 'unknown';

export interface SimulatedPrincipal {
  kind: CallerKind;
  accountId?: string;
  /** The user or role whose policies are simulated (PolicySourceArn). */
  policySourceArn?: string;
  /** Only IAM users can be the simulated caller (CallerArn). */
  callerArn?: string;
  /** Why this caller cannot be simulated. */
  notSimulated?: string;
}

const IAM_PRINCIPAL = /^arn:(aws[a-z-]*):iam::(\d{12}):(user|role)\/(.+)$/;
const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/;
const ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const FEDERATED = /^arn:aws[a-z-]*:sts::(\d{12}):federated-user\//;

/**
 * `issuer` is the session's role ARN when the rows have it
 * (`userIdentity.sessionContext.sessionIssuer.arn`): unlike the session ARN, it keeps the
 * role's path.
 */
export function principalToSimulate(callerArn: string, issuer?: string): SimulatedPrincipal {
  const iam = IAM_PRINCIPAL.exec(callerArn);
  if (iam) {
    const [, , accountId, kind] = iam;
    return kind === 'user'
      ? { kind: 'user', accountId, policySourceArn: callerArn, callerArn }
      : { kind: 'role', accountId, policySourceArn: callerArn };
  }
  const session = ASSUMED_ROLE.exec(callerArn);
  if (session) {
    const [, partition, accountId, role] = session;
    const issued = issuer && IAM_PRINCIPAL.exec(issuer)?.[3] === 'role' && issuer.endsWith(`/${role}`) ? issuer : undefined;
    return { kind: 'assumed-role', accountId, policySourceArn: issued ?? `arn:${partition}:iam::${accountId}:role/${role}` };
  }
  const root = ROOT.exec(callerArn);
  if (root) {
    return {
      kind: 'root',
      accountId: root[1],
      notSimulated: 'the root user is not simulated: no IAM policy restricts it; only SCPs (and resource policies that deny it by name) can',
    };
  }
  const federated = FEDERATED.exec(callerArn);
  if (federated) {
    return {
      kind: 'federated-user',
      accountId: federated[1],
      notSimulated: 'a federated user (GetFederationToken) is not simulated: simulate the IAM user who federated, whose policies, cut by the session policy, applied',
    };
  }
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(callerArn)) {
    return { kind: 'service', notSimulated: `${callerArn} is an AWS service acting on its own behalf, which the simulator cannot simulate` };
  }
  return { kind: 'unknown', notSimulated: `"${callerArn}" is not an IAM user, role or assumed-role session ARN` };
}
