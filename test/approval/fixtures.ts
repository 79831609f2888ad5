/** Shared pieces of the approval tests: a plan, a request, a store on the test Redis. */
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { ApprovalStore } from '../../src/approval/store.js';
import type { ApprovalRequest } from '../../src/approval/types.js';
import type { RemediationPlan } from '../../src/model/run.js';
import type { TestRedis } from '../support/redis.js';

export const PLAN: RemediationPlan = {
  action: 'iam.deactivate-access-key',
  summary: 'Deactivate access key AKIAIOSFODNN7EXAMPLE of user alice',
  targets: [{ user: 'alice', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }],
  calls: [{ service: 'iam', operation: 'UpdateAccessKey', params: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' } }],
  reversible: true,
  warnings: [],
};

export const T0 = new Date('2025-03-01T14:00:00.000Z');

export function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    runId: 'run-1',
    runbookId: 'leaked-access-key',
    stepId: 'deactivate',
    plan: PLAN,
    policy: { approvers: ['UALICE', 'UBOB', 'UCAROL'], min_approvals: 1 },
    requestedBy: 'UREQUESTER',
    now: T0,
    ...overrides,
  };
}

/** A logger whose lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

export const silent = pino({ level: 'silent' });

/** A store under a fresh prefix, on its own connection unless one is given. */
export function newStore(redis: TestRedis, options: { prefix?: string; logger?: Logger; connection?: Redis } = {}): ApprovalStore {
  return new ApprovalStore(options.connection ?? redis.connect(), {
    prefix: options.prefix ?? redis.prefix(),
    logger: options.logger ?? silent,
  });
}

export const minutes = (n: number, from: Date = T0): Date => new Date(from.getTime() + n * 60_000);
