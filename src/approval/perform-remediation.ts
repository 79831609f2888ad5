/**
 * What an approved remediation does in this deployment: with a remediation role configured,
 * execute (or undo) it against IAM as that role and verify; without one, the dry run, which
 * sends nothing to AWS and says so. Returns what the approval records: the report on success,
 * or the error with whatever was done before it.
 */
import type { Approval, ExecutionFailure, ExecutionResult } from './types.js';
import { AssumeRoleError } from '../aws/index.js';
import { executeRemediation, undoRemediation, type ExecutionReport } from '../remediation/index.js';
import { beforeJournal } from './before-journal.js';
import { remediationClaims } from './remediation-claims.js';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Redis } from 'ioredis';
import type { CredentialScope } from '../aws/index.js';
import type { ProtectedPrincipals } from '../remediation/index.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { ApprovalStore } from './store.js';
import { dryRunRemediation } from './dry-run.js';

export type Performed = { ok: true; result: ExecutionResult } | { ok: false; failure: ExecutionFailure };

/** What remediations need of AWS in this deployment (the worker builds it from its configuration). */
export interface RemediationAccess {
  /** Builds the IAM client for one scope (the remediation role of the account acted in). */
  iam(scope: CredentialScope): IAMClient;
  /** True when approved remediations change IAM for real; false: a dry run that says so. */
  remediationExecutes: boolean;
  /** Why remediations are a dry run, for the approval message. */
  dryRunReason?: string;
  protectedPrincipals: ProtectedPrincipals;
  /** The partition of the account acted on (`aws`, `aws-us-gov`, `aws-cn`), from its remediation role. */
  partitionFor(accountId: string | undefined): string;
}

export interface PerformDeps {
  aws: RemediationAccess;
  approvals: Pick<ApprovalStore, 'getApproval'>;
  runs: Pick<RedisRunStore, 'getRecord'>;
  redis: Redis;
  /** The deployment's Redis key prefix, under which the state before each change is journaled. */
  keyPrefix: string;
}

type Deps = PerformDeps;

export async function performRemediation(w: Deps, approval: Approval, now: Date = new Date()): Promise<Performed> {
  const undoing = approval.plan.undoOf;
  let executed: ExecutionReport | undefined;
  if (undoing !== undefined) {
    executed = executionOf(await w.approvals.getApproval(undoing));
    if (!executed) return { ok: false, failure: { error: `the remediation to undo (approval ${undoing}) is no longer known; nothing was changed` } };
  }

  if (!w.aws.remediationExecutes) {
    const dry = dryRunRemediation(approval.plan);
    if (!dry.ok) return { ok: false, failure: { error: dry.error } };
    return { ok: true, result: { summary: `${dry.summary} (${w.aws.dryRunReason ?? 'dry run'})`, dryRun: true, details: { calls: dry.calls } } };
  }

  // The account the approved plan names, which its approvers read; a plan naming none acts in the run's.
  const accountId = approval.plan.accountId ?? (await runAccount(w, approval.runId));
  let iam;
  try {
    iam = w.aws.iam({ runId: approval.runId, purpose: 'remediation', ...(accountId ? { accountId } : {}) });
  } catch (e) {
    return { ok: false, failure: { error: `${(e as Error).message}; nothing was changed` } };
  }
  try {
    // Credentials first: a role that cannot be assumed is one clear failure, not one per target.
    await iam.config.credentials();
  } catch (e) {
    const why = e instanceof AssumeRoleError ? e.message : `could not get the remediation role's credentials: ${(e as Error).message}`;
    iam.destroy();
    return { ok: false, failure: { error: `${why}; nothing was changed` } };
  }

  try {
    const ctx = {
      iam,
      now,
      partition: w.aws.partitionFor(accountId),
      runId: approval.runId,
      approvalId: approval.id,
      ...(accountId ? { accountId } : {}),
      protectedPrincipals: w.aws.protectedPrincipals,
      rememberBefore: beforeJournal(w.redis, w.keyPrefix, approval.id),
      // An undo releases what the remediation it undoes holds: the holder is that approval.
      claims: remediationClaims(w.redis, w.keyPrefix, { approvalId: undoing ?? approval.id, runId: approval.runId }, accountId),
    };
    // An undo undoes the targets its own plan names: all of them, or the rest of an earlier undo.
    const report = executed ? await undoRemediation(executed, ctx, { targets: approval.plan.targets }) : await executeRemediation(approval.plan, ctx);
    const details = { execution: report };
    return report.ok ? { ok: true, result: { summary: report.summary, details } } : { ok: false, failure: { error: report.summary, details } };
  } finally {
    iam.destroy();
  }
}

/** The execution report an approval's outcome holds, if it was executed for real. */
export function executionOf(approval: Approval | undefined): ExecutionReport | undefined {
  const details = approval?.outcome?.details as { execution?: ExecutionReport } | undefined;
  return details?.execution;
}

/** The account the run acted in: the alarm's, or its `account` parameter. */
async function runAccount(w: Pick<Deps, 'runs'>, runId: string): Promise<string | undefined> {
  const record = await w.runs.getRecord(runId);
  const param = record?.context.params.account;
  return record?.alarm?.accountId ?? (typeof param === 'string' ? param : undefined);
}
