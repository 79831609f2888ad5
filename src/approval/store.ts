/**
 * Approval records in Redis and their transitions.
 *
 * The record is a hash (`<prefix>approval:<id>`):
 *   id, state, runId, runbookId, stepId, requestedBy, createdAt, closedAt, finishedAt
 *   plan, policy, outcome        JSON
 *   minApprovals, approverCount, allowSelfApproval ("1"/"0"), expiresAtMs
 *                                copies of policy fields the scripts compare against
 *   channel, messageTs           the approval message, once posted
 * beside a set of the users who decided and a list of their decisions (keys.ts has the
 * full layout). Every transition is one Lua script (scripts.ts).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger } from '../log/logger.js';
import { approvalPolicySchema } from '../runbook/schema.js';
import { parseDuration } from '../model/values/duration.js';
import { AuditTrail, DEFAULT_AUDIT_MAX_LEN, encodeAuditFields, type AuditEntry, type AuditInput, type ReadAuditOptions } from './audit.js';
import { isApprovalId, KeyLayout, newApprovalId } from './keys.js';
import { refusalMessage, type RefusalContext } from './messages.js';
import { plainText } from '../model/text.js';
import { redactSecrets } from './redact.js';
import { defineApprovalScripts, type ScriptName, type ScriptRunner } from './scripts.js';
import type {
  Approval,
  ApprovalRequest,
  ApprovalState,
  Decision,
  DecisionResult,
  ExecutionFailure,
  ExecutionResult,
  FinishResult,
  RefusalCode,
  SlackMessageRef,
  StoredApprovalPolicy,
  Verdict,
} from './types.js';

export interface ApprovalStoreOptions {
  /** Key prefix for this deployment, e.g. `ctrb:`. */
  prefix: string;
  logger?: Logger;
  /** Approximate cap on the audit stream (XADD MAXLEN ~). */
  auditMaxLen?: number;
  /**
   * How long a finished record stays readable after its last transition (for the Slack
   * message and `status`). The audit stream keeps the history beyond that.
   */
  retentionMs?: number;
}

export interface DecideOptions {
  /** The reason given with a deny. */
  reason?: string;
  now?: Date;
}

export interface FinishOptions {
  now?: Date;
  /** Who reports it: a worker's name; `system` by default. */
  by?: string;
}

const DEFAULT_RETENTION_MS = 30 * 86_400_000;
/** Slack's modal inputs stop at 3,000 characters; anything longer did not come from one. */
const MAX_REASON_LENGTH = 3_000;
const EXPIRY_BATCH = 100;

export class ApprovalStore {
  readonly audit: AuditTrail;
  readonly keys: KeyLayout;
  private readonly scripts: Record<ScriptName, ScriptRunner>;
  private readonly logger: Logger;
  private readonly auditMaxLen: number;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: Redis,
    options: ApprovalStoreOptions,
  ) {
    this.keys = new KeyLayout(options.prefix);
    this.logger = (options.logger ?? createLogger({ name: 'ctrb' })).child({ component: 'approval' });
    this.auditMaxLen = options.auditMaxLen ?? DEFAULT_AUDIT_MAX_LEN;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.audit = new AuditTrail(redis, this.keys.audit, this.logger, this.auditMaxLen);
    this.scripts = defineApprovalScripts(redis);
  }

  /** Stores a new pending approval, indexes it by expiry and audits the request. */
  async createApproval(request: ApprovalRequest): Promise<Approval> {
    const now = request.now ?? new Date();
    const parsed = approvalPolicySchema.parse(request.policy);
    const expiresInMs = parseDuration(parsed.expires_in);
    if (expiresInMs === undefined) throw new Error(`approval expires_in is not a duration: ${parsed.expires_in}`);
    const expiresAt = new Date(now.getTime() + expiresInMs);
    const policy: StoredApprovalPolicy = { ...parsed, expires_at: expiresAt.toISOString() };
    const approval: Approval = {
      id: newApprovalId(),
      runId: request.runId,
      runbookId: request.runbookId,
      stepId: request.stepId,
      plan: request.plan,
      policy,
      requestedBy: request.requestedBy,
      ...(request.message ? { message: request.message } : {}),
      ...(request.unresolvedApprovers?.length ? { unresolvedApprovers: request.unresolvedApprovers } : {}),
      state: 'pending',
      decisions: [],
      createdAt: now.toISOString(),
    };

    const keys = this.keys.approval(approval.id);
    const requested: AuditInput = {
      event: 'requested',
      approvalId: approval.id,
      runId: approval.runId,
      runbookId: approval.runbookId,
      stepId: approval.stepId,
      actor: approval.requestedBy,
      at: approval.createdAt,
      state: 'pending',
      action: approval.plan.action,
      summary: approval.plan.summary,
      targets: approval.plan.targets,
      approvers: policy.approvers,
      minApprovals: policy.min_approvals,
      allowSelfApproval: policy.allow_self_approval,
      expiresAt: policy.expires_at,
      ...(approval.unresolvedApprovers ? { unresolvedApprovers: approval.unresolvedApprovers.map((u) => `${u.approver} (${u.problem})`) } : {}),
    };
    const auditFields = encodeAuditFields(requested);
    const written = await this.redis
      .multi()
      .hset(keys.record, {
        id: approval.id,
        state: approval.state,
        runId: approval.runId,
        runbookId: approval.runbookId,
        stepId: approval.stepId,
        requestedBy: approval.requestedBy,
        createdAt: approval.createdAt,
        plan: JSON.stringify(approval.plan),
        policy: JSON.stringify(policy),
        minApprovals: String(policy.min_approvals),
        approverCount: String(policy.approvers.length),
        allowSelfApproval: policy.allow_self_approval ? '1' : '0',
        expiresAtMs: String(expiresAt.getTime()),
        ...(request.message ? { channel: request.message.channel, messageTs: request.message.ts } : {}),
        ...(approval.unresolvedApprovers ? { unresolvedApprovers: JSON.stringify(approval.unresolvedApprovers) } : {}),
      })
      // A safety net: the record goes even if no sweeper ever expires it.
      .pexpire(keys.record, expiresInMs + this.retentionMs)
      .zadd(this.keys.byExpiry, expiresAt.getTime(), approval.id)
      .xadd(this.keys.audit, 'MAXLEN', '~', String(this.auditMaxLen), '*', ...auditFields)
      .exec();
    throwOnFailure(written, `storing approval ${approval.id}`);
    this.audit.logAppended(auditFields);
    return approval;
  }

  /** Records where the approval message was posted; false when the approval is unknown. */
  async attachMessage(id: string, message: SlackMessageRef): Promise<boolean> {
    if (!isApprovalId(id)) return false;
    const done = await this.scripts.attachMessage([this.keys.approval(id).record], [message.channel, message.ts]);
    return done === 1;
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    if (!isApprovalId(id)) return undefined;
    const keys = this.keys.approval(id);
    const results = await this.redis.multi().hgetall(keys.record).lrange(keys.decisions, 0, -1).exec();
    throwOnFailure(results, `reading approval ${id}`);
    const [hashResult, decisionsResult] = results ?? [];
    const hash = hashResult?.[1] as Record<string, string> | undefined;
    if (!hash || !hash.state) return undefined;
    return toApproval(hash, (decisionsResult?.[1] as string[] | undefined) ?? []);
  }

  /**
   * One approver's approve or deny. Checks, in one atomic step: the approval exists and
   * is pending; it has not expired (if it has, it becomes `expired` now); the user has not
   * decided already; the user is not the requester while self-approval is off. Who may
   * decide at all (approver, not a bot...) needs Slack: see eligibility.ts and gate.ts.
   */
  async decide(id: string, user: string, verdict: Verdict, options: DecideOptions = {}): Promise<DecisionResult> {
    const now = options.now ?? new Date();
    if (!isApprovalId(id)) return this.refuse(id, user, verdict, 'unknown_approval', { now });
    const reason = options.reason?.trim().slice(0, MAX_REASON_LENGTH) ?? '';
    const decision: Decision = { user, decision: verdict, ...(reason ? { reason } : {}), at: now.toISOString() };
    const keys = this.keys.approval(id);
    const reply = (await this.scripts.decide(
      [keys.record, keys.voters, keys.decisions, this.keys.byExpiry, this.keys.awaitingExecution, this.keys.audit],
      [id, user, verdict, now.getTime(), now.toISOString(), verdict === 'deny' ? reason : '', JSON.stringify(decision), this.auditMaxLen, this.retentionMs],
    )) as [string, string, number, number, string[][]];
    const [outcome, code, votes, needed, entries] = reply;
    for (const entry of entries) this.audit.logAppended(entry);

    const approval = await this.getApproval(id);
    if (outcome === 'refused') {
      return this.refuse(id, user, verdict, code as RefusalCode, { approval, votes, needed, now });
    }
    if (!approval) throw new Error(`approval ${id} vanished right after a decision`);
    if (outcome === 'denied') return { outcome, approval };
    if (outcome === 'approved' || outcome === 'recorded') return { outcome, approval, votes, needed };
    throw new Error(`approval decide script answered ${outcome}`);
  }

  /**
   * A click that changes nothing: audited with its reason, answered with a sentence for
   * the clicker. Used by `decide` and by the gate for eligibility refusals.
   */
  async refuse(
    id: string,
    user: string,
    verdict: Verdict,
    code: RefusalCode,
    context: Omit<RefusalContext, 'now'> & { now?: Date },
  ): Promise<DecisionResult> {
    const now = context.now ?? new Date();
    const approval = context.approval;
    const message = refusalMessage(code, { ...context, now });
    await this.audit.append({
      event: 'refused',
      // The id is whatever the button carried; keep an overlong forgery from bloating the trail.
      approvalId: id.slice(0, 64),
      ...(approval ? { runId: approval.runId, runbookId: approval.runbookId, stepId: approval.stepId, state: approval.state } : {}),
      actor: user,
      at: now.toISOString(),
      decision: verdict,
      code,
      // The trail is text: mentions as @U… (model/text.ts).
      message: plainText(message),
    });
    return { outcome: 'refused', code, message, ...(approval ? { approval } : {}) };
  }

  /** approved → executed, once. */
  markExecuted(id: string, result: ExecutionResult, options: FinishOptions = {}): Promise<FinishResult> {
    return this.finish(id, 'executed', result, options);
  }

  /** approved → failed, once. */
  markFailed(id: string, failure: ExecutionFailure | string, options: FinishOptions = {}): Promise<FinishResult> {
    return this.finish(id, 'failed', typeof failure === 'string' ? { error: failure } : failure, options);
  }

  private async finish(
    id: string,
    state: 'executed' | 'failed',
    outcome: ExecutionResult | ExecutionFailure,
    options: FinishOptions,
  ): Promise<FinishResult> {
    if (!isApprovalId(id)) return { ok: false, state: 'unknown' };
    const now = options.now ?? new Date();
    const keys = this.keys.approval(id);
    const [status, entries] = (await this.scripts.finish(
      [keys.record, keys.voters, keys.decisions, this.keys.awaitingExecution, this.keys.audit],
      [id, state, now.toISOString(), JSON.stringify(redactSecrets(outcome)), options.by ?? 'system', this.auditMaxLen, this.retentionMs],
    )) as [string, string[][]];
    for (const entry of entries) this.audit.logAppended(entry);
    if (status !== 'ok') return { ok: false, state: status as ApprovalState | 'unknown' };
    const approval = await this.getApproval(id);
    if (!approval) throw new Error(`approval ${id} vanished right after it was marked ${state}`);
    return { ok: true, approval };
  }

  /**
   * Moves every pending approval past its expiry to `expired` and returns those this call
   * expired. Safe to run from several workers at once: each approval is returned to one.
   */
  async expireDue(now: Date = new Date()): Promise<Approval[]> {
    const expired: Approval[] = [];
    for (;;) {
      const due = await this.redis.zrangebyscore(this.keys.byExpiry, '-inf', now.getTime(), 'LIMIT', 0, EXPIRY_BATCH);
      if (due.length === 0) break;
      for (const id of due) {
        if (!isApprovalId(id)) {
          await this.redis.zrem(this.keys.byExpiry, id);
          continue;
        }
        const keys = this.keys.approval(id);
        const [changed, entries] = (await this.scripts.expire(
          [keys.record, keys.voters, keys.decisions, this.keys.byExpiry, this.keys.audit],
          [id, now.getTime(), now.toISOString(), this.auditMaxLen, this.retentionMs],
        )) as [number, string[][]];
        for (const entry of entries) this.audit.logAppended(entry);
        if (changed === 1) {
          const approval = await this.getApproval(id);
          if (approval) expired.push(approval);
        }
      }
      // A whole batch that stayed in the index would loop forever; the script removes each id.
      if (due.length < EXPIRY_BATCH) break;
    }
    return expired;
  }

  /** The audit trail in order, optionally from a time on (`ctrb audit --since`). */
  readAudit(options: ReadAuditOptions = {}): Promise<AuditEntry[]> {
    return this.audit.read(options);
  }

  /**
   * Approved approvals whose execution has not been reported, approved before `approvedBefore`.
   * The caller that got `approved` may have died before enqueueing; a sweeper re-enqueues
   * these (the job id is the approval id, so a job that exists is not added twice).
   */
  async awaitingExecution(approvedBefore: Date = new Date()): Promise<Approval[]> {
    const ids = await this.redis.zrangebyscore(this.keys.awaitingExecution, '-inf', approvedBefore.getTime());
    const approvals = await Promise.all(ids.map((id) => this.getApproval(id)));
    // Records past their retention are gone; their index entries go with them.
    const gone = ids.filter((_, i) => approvals[i] === undefined);
    if (gone.length > 0) await this.redis.zrem(this.keys.awaitingExecution, ...gone);
    return approvals.filter((a): a is Approval => a?.state === 'approved');
  }
}

/** MULTI replies carry per-command errors instead of throwing them. */
function throwOnFailure(results: [Error | null, unknown][] | null, doing: string): void {
  if (!results) throw new Error(`${doing}: the transaction was aborted`);
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw new Error(`${doing}: ${failed[0].message}`, { cause: failed[0] });
}

function toApproval(hash: Record<string, string>, decisions: string[]): Approval {
  const approval: Approval = {
    id: hash.id ?? '',
    runId: hash.runId ?? '',
    runbookId: hash.runbookId ?? '',
    stepId: hash.stepId ?? '',
    plan: JSON.parse(hash.plan ?? 'null'),
    policy: JSON.parse(hash.policy ?? 'null'),
    requestedBy: hash.requestedBy ?? '',
    state: hash.state as ApprovalState,
    decisions: decisions.map((d) => JSON.parse(d) as Decision),
    createdAt: hash.createdAt ?? '',
  };
  if (hash.channel && hash.messageTs) approval.message = { channel: hash.channel, ts: hash.messageTs };
  if (hash.closedAt) approval.closedAt = hash.closedAt;
  if (hash.finishedAt) approval.finishedAt = hash.finishedAt;
  if (hash.outcome) approval.outcome = JSON.parse(hash.outcome);
  if (hash.unresolvedApprovers) approval.unresolvedApprovers = JSON.parse(hash.unresolvedApprovers);
  return approval;
}
