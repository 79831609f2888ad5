import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { auditCommand, parseSince } from '../../src/approval/audit-command.js';
import { ApproverEligibility } from '../../src/approval/eligibility.js';
import { decideClick } from '../../src/approval/decide.js';
import { useTestRedis } from '../support/redis.js';
import { oncallSlack } from './fake-slack.js';
import { capturedLogger, minutes, newStore, PLAN, request } from './fixtures.js';

const redis = useTestRedis();

describe('the audit trail', () => {
  it('records the request, every decision and refusal, and the execution, in order', async () => {
    const store = newStore(redis);
    const click = (userId: string, decision: 'approve' | 'deny', at: number) =>
      decideClick(store, new ApproverEligibility(oncallSlack()), { approvalId: id, userId, decision, now: minutes(at) });
    const { id } = await store.createApproval(request({ policy: { approvers: ['@security-oncall'], min_approvals: 2 } }));
    await click('UMALLORY', 'approve', 1);
    await click('UALICE', 'approve', 2);
    await click('UALICE', 'approve', 3);
    await click('UBOB', 'approve', 4);
    await store.markExecuted(id, { summary: 'Dry run: would call iam:UpdateAccessKey', dryRun: true }, { now: minutes(5), by: 'worker-1' });

    const entries = await store.readAudit();
    expect(entries.map((e) => [e.event, e.actor, e.decision ?? e.code ?? '', e.state])).toEqual([
      ['requested', 'UREQUESTER', '', 'pending'],
      ['refused', 'UMALLORY', 'approve', 'pending'],
      ['decision', 'UALICE', 'approve', 'pending'],
      ['refused', 'UALICE', 'approve', 'pending'],
      ['decision', 'UBOB', 'approve', 'approved'],
      ['executed', 'worker-1', '', 'executed'],
    ]);
    expect(entries.every((e) => e.approvalId === id && e.runId === 'run-1' && e.stepId === 'deactivate')).toBe(true);
    expect(entries[0]).toMatchObject({
      action: PLAN.action,
      targets: PLAN.targets,
      approvers: ['@security-oncall'],
      minApprovals: 2,
      allowSelfApproval: false,
      expiresAt: minutes(60).toISOString(),
    });
    expect(entries[1]).toMatchObject({ code: 'not_approver', message: expect.stringMatching(/not an approver/) });
    expect(entries[3]).toMatchObject({ code: 'already_decided', message: 'You have already approved this; it needs 1 more approver.' });
    expect(entries[4]).toMatchObject({ votes: 2, needed: 2, at: minutes(4).toISOString() });
    expect(entries[5]).toMatchObject({ outcome: { summary: 'Dry run: would call iam:UpdateAccessKey', dryRun: true } });
  });

  it('records a deny with its reason, an expiry and a failure', async () => {
    const store = newStore(redis);
    const denied = await store.createApproval(request());
    await store.decide(denied.id, 'UALICE', 'deny', { reason: 'that key is the break-glass key', now: minutes(1) });
    const expired = await store.createApproval(request());
    await store.expireDue(minutes(61));
    const failed = await store.createApproval(request({ now: minutes(62) }));
    await store.decide(failed.id, 'UBOB', 'approve', { now: minutes(63) });
    await store.markFailed(failed.id, 'AccessDenied', { now: minutes(64) });

    const events = (await store.readAudit()).filter((e) => e.event !== 'requested');
    expect(events).toMatchObject([
      { event: 'decision', approvalId: denied.id, decision: 'deny', reason: 'that key is the break-glass key', state: 'denied' },
      { event: 'expired', approvalId: expired.id, actor: 'system', state: 'expired', at: minutes(61).toISOString() },
      { event: 'decision', approvalId: failed.id, decision: 'approve', state: 'approved' },
      { event: 'failed', approvalId: failed.id, state: 'failed', outcome: { error: 'AccessDenied' } },
    ]);
  });

  it('readAudit({ since }) returns only what was recorded from then on', async () => {
    const conn = redis.connect();
    const store = newStore(redis, { connection: conn });
    const early = await store.createApproval(request());
    // Redis stamps entries with its own clock; take the boundary from it too.
    const [seconds, micros] = await conn.time();
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date(Number(seconds) * 1000 + Math.ceil(Number(micros) / 1000) + 2);
    const late = await store.createApproval(request());
    await store.decide(late.id, 'UALICE', 'approve', { now: minutes(1) });

    expect((await store.readAudit()).map((e) => e.approvalId)).toEqual([early.id, late.id, late.id]);
    const recent = await store.readAudit({ since });
    expect(recent.map((e) => [e.event, e.approvalId])).toEqual([
      ['requested', late.id],
      ['decision', late.id],
    ]);
    expect(recent.every((e) => Date.parse(e.recordedAt) >= since.getTime())).toBe(true);
  });

  it('logs every entry it appends, with pino', async () => {
    const { logger, lines } = capturedLogger();
    const store = newStore(redis, { logger });
    const { id } = await store.createApproval(request());
    await store.decide(id, 'UREQUESTER', 'approve', { now: minutes(1) });
    await store.decide(id, 'UALICE', 'approve', { now: minutes(2) });

    const logged = lines.map((l) => JSON.parse(l) as { msg: string; audit: { event: string; actor: string } });
    expect(logged.map((l) => [l.msg, l.audit.actor])).toEqual([
      ['approval requested', 'UREQUESTER'],
      ['approval refused', 'UREQUESTER'],
      ['approval decision', 'UALICE'],
    ]);
  });

  it('keeps credentials out of the stream and the logs', async () => {
    const { logger, lines } = capturedLogger();
    const store = newStore(redis, { logger });
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const plan = { ...PLAN, targets: [{ user: 'alice', SecretAccessKey: secret, note: 'xoxb-1234-5678-abcdefghijkl' }] };
    const { id } = await store.createApproval(request({ plan }));
    await store.decide(id, 'UALICE', 'approve', { now: minutes(1) });
    await store.markExecuted(id, { summary: 'rotated', details: { SessionToken: 'FwoGZXIvYXdzEBYaD' } });

    const written = JSON.stringify(await store.readAudit()) + lines.join('');
    expect(written).toContain('alice');
    for (const leaked of [secret, 'xoxb-1234', 'FwoGZXIvYXdzEBYaD']) expect(written).not.toContain(leaked);
    expect(written).toContain('[redacted]');
  });
});

describe('ctrb audit', () => {
  function collector() {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    return { out, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('prints the trail as JSON lines, oldest first', async () => {
    const prefix = redis.prefix();
    const store = newStore(redis, { prefix });
    const { id } = await store.createApproval(request());
    await store.decide(id, 'UALICE', 'approve', { now: minutes(1) });

    const { out, lines } = collector();
    expect(await auditCommand({ url: redis.url, prefix }, { out, since: '1h' })).toBe(2);
    expect(lines().map((l) => [l.event, l.approvalId])).toEqual([
      ['requested', id],
      ['decision', id],
    ]);
    const far = collector();
    expect(await auditCommand({ url: redis.url, prefix }, { out: far.out, since: '1h', now: new Date(Date.now() + 2 * 3_600_000) })).toBe(0);
  });

  it('refuses a --since it cannot read, saying what it expects', async () => {
    await expect(auditCommand({ url: redis.url, prefix: 'ctrb:' }, { since: 'yesterday' })).rejects.toThrow(/a duration such as 24h.*ISO 8601/);
    expect(parseSince('2025-03-01T00:00:00Z', new Date())).toEqual(new Date('2025-03-01T00:00:00Z'));
    expect(parseSince('24h', new Date('2025-03-02T00:00:00Z'))).toEqual(new Date('2025-03-01T00:00:00Z'));
  });
});
