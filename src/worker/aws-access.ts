/**
 * The worker's IAM access, kept apart by purpose: verify_access steps ask the policy
 * simulator with the query role of the caller's account; approved remediations run with the
 * remediation role of the account acted on, assumed only when one executes. Without a
 * remediation role configured, remediations stay a dry run: the worker's own identity is never
 * used to change IAM.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { awsClientConfig, awsSettingsOf, countingAwsErrors, hasRoles, NoRoleForAccountError, roleArnFor, type CredentialScope } from '../aws/index.js';
import type { RemediationAccess } from '../approval/perform-remediation.js';
import type { Config } from '../config.js';
import { protectedPrincipalsOf } from '../remediation/index.js';
import type { AccessSimulator } from '../verify/index.js';

/** Builds the IAM client for one scope; tests hand in clients aimed at the IAM fake. */
export type IamClientFactory = (scope: CredentialScope) => IAMClient;

/** IAM access for this worker: what remediations need (src/approval/) and what verify_access needs. */
export interface AwsAccess extends RemediationAccess {
  /**
   * Whether verify_access steps may ask IAM: the deployment reaches AWS (a query role, or an
   * AWS engine). A worker reading local logs with no AWS configured lists the calls instead,
   * as the terminal does, rather than searching for credentials that are not there.
   */
  simulatorAvailable: boolean;
  /**
   * Why no remediation role applies to this account (undefined: none named), or undefined
   * when one does or remediations are a dry run: asked at planning, so a plan that could
   * never execute is refused before anyone approves it.
   */
  remediationAccountProblem(accountId: string | undefined): string | undefined;
}

export function awsAccessOf(config: Config, injected?: IamClientFactory): AwsAccess {
  const settings = awsSettingsOf(config);
  const roles = config.aws.roles;
  const configured = hasRoles(roles.remediation);
  return {
    iam: injected ?? ((scope) => countingAwsErrors(new IAMClient(awsClientConfig('iam', scope, settings)))),
    simulatorAvailable: injected !== undefined || hasRoles(roles.query) || config.engine.name !== 'duckdb',
    remediationExecutes: configured || injected !== undefined,
    ...(configured || injected
      ? {}
      : { dryRunReason: 'no remediation role is configured (CTRB_REMEDIATION_ROLES or CTRB_REMEDIATION_ROLE_ARN_TEMPLATE)' }),
    protectedPrincipals: protectedPrincipalsOf(config.remediation.protectedPrincipals, [roles.query, roles.remediation]),
    partitionFor(accountId) {
      try {
        const arn = roleArnFor(accountId, roles.remediation, 'remediation');
        return /^arn:([^:]+):/.exec(arn ?? '')?.[1] ?? 'aws';
      } catch {
        return 'aws';
      }
    },
    remediationAccountProblem(accountId) {
      if (!configured) return undefined;
      try {
        roleArnFor(accountId, roles.remediation, 'remediation');
        return undefined;
      } catch (e) {
        if (!(e instanceof NoRoleForAccountError)) throw e;
        return accountId === undefined
          ? 'this deployment remediates through a role per account (CTRB_REMEDIATION_ROLES or CTRB_REMEDIATION_ROLE_ARN_TEMPLATE), with no single role to fall back on'
          : e.message;
      }
    },
  };
}

/**
 * The verify_access steps' IAM clients for one run: one per account asked about, with the
 * query role, closed when the run's job ends.
 */
export function runSimulator(access: AwsAccess, runId: string): (AccessSimulator & { close(): void }) | undefined {
  if (!access.simulatorAvailable) return undefined;
  const clients = new Map<string, IAMClient>();
  return {
    iamFor(accountId) {
      const key = accountId ?? '';
      let client = clients.get(key);
      if (!client) {
        client = access.iam({ runId, purpose: 'query', ...(accountId ? { accountId } : {}) });
        clients.set(key, client);
      }
      return client;
    },
    close() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
