/**
 * The audit trail: every approval request, decision, refused click, expiry and execution
 * result, and every investigation (a run started, a pivot clicked, evidence exported),
 * appended to a Redis stream (`<prefix>audit`) and logged with pino.
 *
 * State changes are appended by the same Lua script that makes them (see scripts.ts), so
 * the stream's order is the order the transitions happened and no transition goes
 * unrecorded. Refused clicks change nothing and are appended from here.
 */
import { metrics } from '../log/metrics.js';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactSecrets } from './redact.js';
import type { ApprovalState, RefusalCode, Verdict } from './types.js';

export type AuditEvent = ApprovalAuditEvent | InvestigationAuditEvent;
export type ApprovalAuditEvent = 'requested' | 'decision' | 'refused' | 'expired' | 'executed' | 'failed';
/** Who investigated what: a run started, a pivot button clicked (started or refused), an evidence bundle exported. */
export type InvestigationAuditEvent = 'run_started' | 'pivot' | 'evidence_exported';
export const AUDIT_EVENTS: readonly AuditEvent[] = ['requested', 'decision', 'refused', 'expired', 'executed', 'failed', 'run_started', 'pivot', 'evidence_exported'];

/** One audit entry as a plain object: what `readAudit` returns and `ctrb audit` prints. */
export interface AuditEntry {
  /** The stream entry id (`<ms>-<seq>`, Redis's clock). */
  id: string;
  /** When Redis appended it (from the entry id). `since` filters on this. */
  recordedAt: string;
  event: AuditEvent;
  /** When it happened, by the clock of the process that acted. */
  at: string;
  /** Approval events: the approval. Investigation events have none. */
  approvalId?: string;
  runId?: string;
  runbookId?: string;
  stepId?: string;
  /** A Slack user id, the requester (`alarm:<name>`...) or `system` (expiry, workers). */
  actor: string;
  /** decision and refused: what the actor clicked. */
  decision?: Verdict;
  /** decision (deny): the reason the approver gave. */
  reason?: string;
  /** refused: why, as a code and as the sentence the clicker saw. */
  code?: RefusalCode;
  message?: string;
  /** The approval's state after the event. */
  state?: ApprovalState;
  votes?: number;
  needed?: number;
  /** requested: the plan and the policy. */
  action?: string;
  summary?: string;
  targets?: Record<string, string>[];
  approvers?: string[];
  /** requested: approvers Slack did not know when the gate opened, e.g. `@security-oncall (no_such_group)`. */
  unresolvedApprovers?: string[];
  minApprovals?: number;
  allowSelfApproval?: boolean;
  expiresAt?: string;
  /** executed and failed: the worker's report. */
  outcome?: unknown;
  /** run_started, pivot: where it was started (a Slack channel id) and how (slash, alarm, pivot). */
  channel?: string;
  source?: string;
  /** run_started, pivot: the run's parameters and window, as the run got them. */
  params?: unknown;
  window?: unknown;
  /** run_started: the engine the deployment runs queries on. */
  engine?: string;
  /** pivot: the run whose button was clicked, and the value it started the runbook on. */
  fromRunId?: string;
  value?: string;
  /** pivot: `started` or `refused` (then `message` says why). */
  result?: string;
  /** evidence_exported: the SHA-256 of manifest.json (which lists every file's hash), and the file count. */
  manifestSha256?: string;
  files?: number;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'recordedAt'>;

const NUMBER_FIELDS = new Set(['votes', 'needed', 'minApprovals', 'files']);
const BOOLEAN_FIELDS = new Set(['allowSelfApproval']);
const JSON_FIELDS = new Set(['targets', 'approvers', 'unresolvedApprovers', 'outcome', 'params', 'window']);

/** Field/value pairs for XADD, secrets redacted. Absent and empty fields are left out. */
export function encodeAuditFields(entry: AuditInput): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined || value === '') continue;
    if (JSON_FIELDS.has(key)) fields.push(key, JSON.stringify(redactSecrets(value)));
    else fields.push(key, String(value));
  }
  return fields;
}

/** An entry from the field/value pairs Redis stores. */
export function decodeAuditFields(id: string, fields: readonly string[]): AuditEntry {
  const entry: Record<string, unknown> = { id, recordedAt: new Date(Number(id.split('-')[0])).toISOString() };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = fields[i] as string;
    const raw = fields[i + 1] as string;
    if (NUMBER_FIELDS.has(key)) entry[key] = Number(raw);
    else if (BOOLEAN_FIELDS.has(key)) entry[key] = raw === 'true';
    else if (JSON_FIELDS.has(key)) entry[key] = parseJson(raw);
    else entry[key] = raw;
  }
  return entry as unknown as AuditEntry;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export interface ReadAuditOptions {
  /** Only entries Redis recorded at or after this time. */
  since?: Date;
  until?: Date;
}

/** A long history: about a million entries (a few hundred MB at most) before the oldest go. */
export const DEFAULT_AUDIT_MAX_LEN = 1_000_000;
const PAGE_SIZE = 1_000;

export class AuditTrail {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly logger: Logger,
    readonly maxLen: number = DEFAULT_AUDIT_MAX_LEN,
  ) {}

  /** Appends an entry made here (a refused click) and logs it. */
  async append(entry: AuditInput): Promise<AuditEntry> {
    const fields = encodeAuditFields(entry);
    const id = await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLen), '*', ...fields);
    const written = decodeAuditFields(id ?? '0-0', fields);
    this.log(written);
    return written;
  }

  /** Logs an entry a script has already appended. */
  logAppended(fields: readonly string[]): void {
    this.log(decodeAuditFields('0-0', fields));
  }

  /** Entries in the order they were appended, read a page at a time. */
  async *entries(options: ReadAuditOptions = {}): AsyncGenerator<AuditEntry> {
    let start = options.since ? String(options.since.getTime()) : '-';
    const end = options.until ? String(options.until.getTime()) : '+';
    for (;;) {
      const page = await this.redis.xrange(this.key, start, end, 'COUNT', PAGE_SIZE);
      for (const [id, fields] of page) yield decodeAuditFields(id, fields);
      const last = page.at(-1);
      if (!last || page.length < PAGE_SIZE) return;
      start = `(${last[0]}`;
    }
  }

  async read(options: ReadAuditOptions = {}): Promise<AuditEntry[]> {
    const all: AuditEntry[] = [];
    for await (const entry of this.entries(options)) all.push(entry);
    return all;
  }

  private log(entry: AuditEntry): void {
    metrics.auditEvents.inc({ event: entry.event, state: entry.state ?? entry.result ?? '' });
    // The stream id and Redis's clock mean nothing in a log line; `at` says when.
    const { id: _id, recordedAt: _recordedAt, ...fields } = entry;
    const level = entry.event === 'refused' || entry.event === 'failed' || entry.result === 'refused' ? 'warn' : 'info';
    const about = entry.approvalId === undefined ? 'investigation' : 'approval';
    this.logger[level]({ audit: fields }, `${about} ${entry.event}`);
  }
}
