/** Run results and approvals as the runner and the approval store produce them, for render tests. */
import type { Row } from '../../src/model/query.js';
import type { Finding, RemediationPlan, RunContext, StepResult } from '../../src/model/run.js';
import type { Severity } from '../../src/model/severity.js';
import type { ApprovalView } from '../../src/slack/render/index.js';

export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    runId: 'r-01JD3Q6Z8K4M2N',
    runbookId: 'access-key-leak',
    params: { since: '24h', access_key_id: 'AKIAIOSFODNN7EXAMPLE', trusted_cidrs: ['198.51.100.0/24', '203.0.113.0/24'] },
    window: { start: '2026-11-01T12:00:00.000Z', end: '2026-11-02T12:00:00.000Z' },
    requestedBy: 'U024BE7LH',
    source: 'slash',
    ...overrides,
  };
}

const STEP_TIMES = { startedAt: '2026-11-02T12:00:01.000Z', finishedAt: '2026-11-02T12:00:02.200Z' };

/** CloudTrail-like rows: eventTime, eventName, sourceIPAddress, userAgent, eventID. */
export function cloudTrailRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    eventTime: new Date(Date.UTC(2026, 10, 2, 11, 0, 0) - i * 1_000).toISOString(),
    eventName: i % 3 === 0 ? 'ListBuckets' : 'GetCallerIdentity',
    sourceIPAddress: `203.0.113.${i % 250}`,
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3.ls',
    eventID: `6f0b7a52-${String(i).padStart(4, '0')}-4c1e-9a57-0d1f3e5b2c11`,
  }));
}

export function queryStep(rows: Row[], overrides: Partial<StepResult> = {}): StepResult {
  const columns = Object.keys(rows[0] ?? { eventTime: '', eventName: '' });
  return {
    stepId: 'key_activity',
    title: 'Calls made with the key',
    kind: 'query',
    status: 'ok',
    ...STEP_TIMES,
    query: {
      engine: 'athena',
      statement: 'SELECT …',
      params: [],
      columns,
      rows,
      stats: { elapsedMs: 4_230, bytesScanned: 3_400_000, eventsScanned: 52_000, costUsd: 0.000017, engineQueryId: 'a1b2c3d4-5678' },
    },
    ...overrides,
  };
}

export function finding(i: number, severity: Severity = 'high', overrides: Partial<Finding> = {}): Finding {
  return {
    check: 'foreign_ip',
    severity,
    message: `Key used from 203.0.113.${i} outside the trusted networks`,
    eventIDs: [`ev-${i}-a`, `ev-${i}-b`, `ev-${i}-c`, `ev-${i}-d`],
    stepId: 'checks',
    ...overrides,
  };
}

export function checkStep(findings: Finding[], overrides: Partial<StepResult> = {}): StepResult {
  return { stepId: 'checks', title: 'Is the use suspicious?', kind: 'check', status: 'ok', ...STEP_TIMES, findings, ...overrides };
}

export function plan(overrides: Partial<RemediationPlan> = {}): RemediationPlan {
  return {
    action: 'iam.deactivate-access-key',
    summary: 'Deactivate access key AKIAIOSFODNN7EXAMPLE of IAM user alice',
    targets: [{ user: 'alice', access_key_id: 'AKIAIOSFODNN7EXAMPLE' }],
    calls: [
      {
        service: 'iam',
        operation: 'UpdateAccessKey',
        params: { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' },
      },
    ],
    reversible: true,
    warnings: [],
    ...overrides,
  };
}

export function approvalView(overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    approvalId: 'apr_7Hq2xWv9LkT3',
    runId: 'r-01JD3Q6Z8K4M2N',
    runbookId: 'access-key-leak',
    stepId: 'deactivate',
    requestedBy: 'U024BE7LH',
    plan: plan(),
    policy: { approvers: ['U0APPROVE1', 'U0APPROVE2', '@secops-leads'], minApprovals: 2, allowSelfApproval: false },
    createdAt: '2026-11-02T12:00:05.000Z',
    expiresAt: '2026-11-02T13:00:05.000Z',
    status: 'pending',
    decisions: [],
    ...overrides,
  };
}

/** All the mrkdwn and plain text of a message's blocks, joined, for "does it say X" checks. */
export function blockText(blocks: unknown[]): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(blocks);
  return out.join('\n');
}
