/**
 * Approval ids and the Redis keys they live under.
 *
 * Under the caller's prefix (several deployments can share one Redis):
 *   <prefix>approval:<id>            hash: the record (see store.ts for its fields)
 *   <prefix>approval:<id>:voters     set: users who decided, for "distinct approvers"
 *   <prefix>approval:<id>:decisions  list: decisions as JSON, in order
 *   <prefix>approvals:by-expiry      sorted set: pending ids by expiry time (ms)
 *   <prefix>approvals:awaiting-execution  sorted set: approved ids by approval time (ms)
 *   <prefix>audit                    stream: the audit trail
 */
import { randomBytes } from 'node:crypto';

/** 16 random bytes (128 bits) in base64url: 22 characters. */
const ID_BYTES = 16;
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * A new approval id. URL-safe and free of `:`, so it can be a Slack button value, a
 * BullMQ job id (which may not contain `:`) and a Redis key segment.
 */
export function newApprovalId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/**
 * Whether `id` has the shape of an approval id. Ids arrive from button payloads; checking
 * the shape first keeps anything else (`x:voters`, `*`) out of key names.
 */
export function isApprovalId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export interface ApprovalKeys {
  record: string;
  voters: string;
  decisions: string;
}

export class KeyLayout {
  constructor(readonly prefix: string) {}

  approval(id: string): ApprovalKeys {
    const record = `${this.prefix}approval:${id}`;
    return { record, voters: `${record}:voters`, decisions: `${record}:decisions` };
  }

  get byExpiry(): string {
    return `${this.prefix}approvals:by-expiry`;
  }

  get awaitingExecution(): string {
    return `${this.prefix}approvals:awaiting-execution`;
  }

  get audit(): string {
    return `${this.prefix}audit`;
  }
}
