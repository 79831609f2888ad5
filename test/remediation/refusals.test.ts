/**
 * What a responder sees when a remediation cannot run as asked: a protected principal refused
 * when the run plans it, a dry run that says why nothing changed, and an account no
 * remediation role covers, refused before anything is called.
 */
import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src/approval/types.js';
import { loadConfig } from '../../src/config.js';
import type { QueryEngine } from '../../src/query/engine.js';
import { getAction, ProtectedPrincipals } from '../../src/remediation/index.js';
import type { RedisRunStore } from '../../src/run/redis-store.js';
import { newRunContext } from '../../src/run/context.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { awsAccessOf } from '../../src/worker/aws-access.js';
import { performRemediation } from '../../src/approval/perform-remediation.js';

const RUNBOOK = `
id: quarantine
title: Quarantine the users who did it
summary: A query and a gated quarantine.
severity: high
steps:
  - id: users
    query:
      where: { userIdentity.type: IAMUser }
      group: { by: [userIdentity.userName as user], count: calls }
  - id: quarantine
    remediate:
      action: iam.quarantine-user
      for_each: users
      inputs: { user_name: row.user }
      approval: { approvers: [U0APPROVER] }
`;

const engine: QueryEngine = {
  name: 'duckdb',
  async open() {
    return {
      async run() {
        return { columns: ['user', 'calls'], rows: [{ user: 'break-glass-1', calls: 3 }], stats: { elapsedMs: 1 } };
      },
      async close() {},
    };
  },
};

describe('a protected principal', () => {
  it('is refused when the run plans the remediation, with the pattern that protects it', async () => {
    const ctx = newRunContext({
      runbookId: 'quarantine',
      params: {},
      window: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z') },
      requestedBy: 'U0RESPONDER',
      source: 'slash',
    });
    const result = await runRunbook(prepareRunbook(parseRunbook(RUNBOOK, 'quarantine.yaml')), ctx, {
      engine,
      reporter: { runStarted() {}, stepFinished() {}, runFinished() {} },
      gates: 'pause',
      protectedPrincipals: new ProtectedPrincipals(['user/break-glass-*']),
    });
    const step = result.steps.find((s) => s.stepId === 'quarantine')!;
    expect(step.status).toBe('failed');
    expect(step.reason).toBe(
      'row 1: iam.quarantine-user: input user_name: IAM user break-glass-1 is protected (CTRB_PROTECTED_PRINCIPALS: "user/break-glass-*"): the bot never restricts its own roles or break-glass principals. If it must be restricted, do it by hand.',
    );
    expect(result.status).toBe('failed');
  });
});

describe('performing an approved remediation', () => {
  const approval = (): Approval => ({
    id: 'approval-1',
    runId: 'run-1',
    runbookId: 'quarantine',
    stepId: 'quarantine',
    plan: getAction('iam.quarantine-user').plan({ user_name: 'alice' }),
    policy: { approvers: ['U0APPROVER'], min_approvals: 1, expires_in: '1h', allow_self_approval: false, expires_at: '2026-11-02T00:00:00Z' },
    requestedBy: 'U0RESPONDER',
    state: 'approved',
    decisions: [],
    createdAt: '2026-11-01T23:00:00Z',
  });
  const deps = (env: Record<string, string>) => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', LOG_LEVEL: 'silent', ...env }, { role: 'worker' });
    const runs = { getRecord: async () => undefined } as unknown as RedisRunStore;
    return { config, aws: awsAccessOf(config), runs, approvals: { getApproval: async () => undefined } as never, redis: undefined as never, keyPrefix: config.redis.prefix };
  };

  it('is a dry run that says why when no remediation role is configured', async () => {
    const done = await performRemediation(deps({}), approval());
    expect(done).toMatchObject({
      ok: true,
      result: { dryRun: true, summary: expect.stringMatching(/none was sent to AWS \(no remediation role is configured \(CTRB_REMEDIATION_ROLES or CTRB_REMEDIATION_ROLE_ARN_TEMPLATE\)\)$/) },
    });
  });

  it('is refused, with nothing called, when no remediation role covers the run\'s account', async () => {
    const done = await performRemediation(deps({ CTRB_REMEDIATION_ROLES: '444455556666=arn:aws:iam::444455556666:role/ctrb-remediation' }), approval());
    expect(done).toEqual({ ok: false, failure: { error: expect.stringMatching(/^no remediation role applies to .*; nothing was changed$/) } });
  });
});
