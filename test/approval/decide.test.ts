import { describe, expect, it } from 'vitest';
import { isApprovalId } from '../../src/approval/keys.js';
import { useTestRedis } from '../support/redis.js';
import { minutes, newStore, PLAN, request, T0 } from './fixtures.js';

const redis = useTestRedis();

describe('createApproval', () => {
  it('stores a pending approval with its plan, policy defaults and deadline', async () => {
    const store = newStore(redis);
    const created = await store.createApproval(request({ policy: { approvers: ['@security-oncall'] } }));
    expect(isApprovalId(created.id)).toBe(true);
    const stored = await store.getApproval(created.id);
    expect(stored).toEqual(created);
    expect(stored).toMatchObject({
      runId: 'run-1',
      runbookId: 'leaked-access-key',
      stepId: 'deactivate',
      plan: PLAN,
      requestedBy: 'UREQUESTER',
      state: 'pending',
      decisions: [],
      createdAt: T0.toISOString(),
      policy: {
        approvers: ['@security-oncall'],
        min_approvals: 1,
        expires_in: '1h',
        expires_at: '2025-03-01T15:00:00.000Z',
        allow_self_approval: false,
      },
    });
  });

  it('gives every approval a different id of at least 128 bits, URL-safe', async () => {
    const store = newStore(redis);
    const ids = await Promise.all(Array.from({ length: 20 }, () => store.createApproval(request()).then((a) => a.id)));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(id, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
  });

  it('refuses a malformed policy instead of storing an approval nobody can reason about', async () => {
    const store = newStore(redis);
    await expect(store.createApproval(request({ policy: { approvers: ['alice'], min_approvals: 1 } }))).rejects.toThrow(/Slack user id/);
  });

  it('keeps deployments that share a Redis apart by prefix', async () => {
    const conn = redis.connect();
    const blue = newStore(redis, { connection: conn });
    const green = newStore(redis, { connection: conn });
    const approval = await blue.createApproval(request());
    expect(await green.getApproval(approval.id)).toBeUndefined();
    expect((await green.decide(approval.id, 'UALICE', 'approve', { now: T0 })).outcome).toBe('refused');
    expect((await blue.getApproval(approval.id))?.state).toBe('pending');
  });

  it('records where the approval message was posted', async () => {
    const store = newStore(redis);
    const approval = await store.createApproval(request());
    expect(await store.attachMessage(approval.id, { channel: 'C123', ts: '1700000000.000100' })).toBe(true);
    expect((await store.getApproval(approval.id))?.message).toEqual({ channel: 'C123', ts: '1700000000.000100' });
    expect(await store.attachMessage('AAAAAAAAAAAAAAAAAAAAAA', { channel: 'C1', ts: '1.2' })).toBe(false);
  });
});

describe('decide', () => {
  it('needs two distinct approvers when min_approvals is 2', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ policy: { approvers: ['UALICE', 'UBOB'], min_approvals: 2 } }));

    const first = await store.decide(id, 'UALICE', 'approve', { now: minutes(1) });
    expect(first).toMatchObject({ outcome: 'recorded', votes: 1, needed: 2 });
    expect(first.outcome === 'recorded' && first.approval.state).toBe('pending');

    const second = await store.decide(id, 'UBOB', 'approve', { now: minutes(2) });
    expect(second).toMatchObject({ outcome: 'approved', votes: 2, needed: 2 });
    const approval = await store.getApproval(id);
    expect(approval?.state).toBe('approved');
    expect(approval?.closedAt).toBe(minutes(2).toISOString());
    expect(approval?.decisions).toEqual([
      { user: 'UALICE', decision: 'approve', at: minutes(1).toISOString() },
      { user: 'UBOB', decision: 'approve', at: minutes(2).toISOString() },
    ]);
  });

  it('refuses the same person approving twice, and tells them how many more are needed', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ policy: { approvers: ['UALICE', 'UBOB'], min_approvals: 2 } }));
    await store.decide(id, 'UALICE', 'approve', { now: minutes(1) });
    const before = await store.getApproval(id);

    const again = await store.decide(id, 'UALICE', 'approve', { now: minutes(2) });
    expect(again).toMatchObject({
      outcome: 'refused',
      code: 'already_decided',
      message: 'You have already approved this; it needs 1 more approver.',
    });
    expect(await store.getApproval(id)).toEqual(before);
    // Nor can they turn their approval into a deny.
    expect(await store.decide(id, 'UALICE', 'deny', { now: minutes(3) })).toMatchObject({ outcome: 'refused', code: 'already_decided' });
    expect(await store.getApproval(id)).toEqual(before);
  });

  it('refuses the requester while self-approval is off, whatever they click', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ requestedBy: 'UALICE' }));
    const before = await store.getApproval(id);
    for (const verdict of ['approve', 'deny'] as const) {
      expect(await store.decide(id, 'UALICE', verdict, { now: minutes(1) })).toMatchObject({
        outcome: 'refused',
        code: 'self_approval',
        message: 'You requested this run; self-approval is off for this step.',
      });
    }
    expect(await store.getApproval(id)).toEqual(before);
    expect((await store.decide(id, 'UBOB', 'approve', { now: minutes(2) })).outcome).toBe('approved');
  });

  it('lets the requester approve when the step allows self-approval', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(
      request({ requestedBy: 'UALICE', policy: { approvers: ['UALICE'], allow_self_approval: true } }),
    );
    expect((await store.decide(id, 'UALICE', 'approve', { now: minutes(1) })).outcome).toBe('approved');
  });

  it('treats an alarm as a requester no person can be', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ requestedBy: 'alarm:RootLogin' }));
    expect((await store.decide(id, 'UALICE', 'approve', { now: minutes(1) })).outcome).toBe('approved');
  });

  it('denies at once on one deny, keeping the reason, even with approvals recorded', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ policy: { approvers: ['UALICE', 'UBOB'], min_approvals: 2 } }));
    await store.decide(id, 'UALICE', 'approve', { now: minutes(1) });
    const denied = await store.decide(id, 'UBOB', 'deny', { reason: '  the key belongs to the backup job  ', now: minutes(2) });
    expect(denied.outcome).toBe('denied');
    const approval = await store.getApproval(id);
    expect(approval?.state).toBe('denied');
    expect(approval?.decisions.at(-1)).toEqual({
      user: 'UBOB',
      decision: 'deny',
      reason: 'the key belongs to the backup job',
      at: minutes(2).toISOString(),
    });
  });

  it('refuses every decision once approved, denied or expired, and changes nothing', async () => {
    const store = newStore(redis);
    const approved = await store.createApproval(request());
    await store.decide(approved.id, 'UALICE', 'approve', { now: minutes(1) });
    const denied = await store.createApproval(request());
    await store.decide(denied.id, 'UALICE', 'deny', { now: minutes(1) });
    const expired = await store.createApproval(request());
    await store.expireDue(minutes(61));

    const cases = [
      { id: approved.id, code: 'closed', message: /already approved/ },
      { id: denied.id, code: 'closed', message: /was denied/ },
      { id: expired.id, code: 'expired', message: 'This approval expired at 15:00 UTC. Start the runbook again to request a new one.' },
    ];
    for (const { id, code, message } of cases) {
      const before = await store.getApproval(id);
      for (const verdict of ['approve', 'deny'] as const) {
        const result = await store.decide(id, 'UCAROL', verdict, { now: minutes(62) });
        expect(result).toMatchObject({ outcome: 'refused', code });
        expect(result.outcome === 'refused' && result.message).toMatch(message);
      }
      expect(await store.getApproval(id)).toEqual(before);
    }
  });

  it('refuses an unknown or malformed approval id', async () => {
    const store = newStore(redis);
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'x:voters', '*', '']) {
      expect(await store.decide(id, 'UALICE', 'approve', { now: T0 })).toMatchObject({
        outcome: 'refused',
        code: 'unknown_approval',
        message: expect.stringMatching(/not known/),
      });
    }
  });

  it('refuses everyone when the step names no approvers', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ policy: { approvers: [] } }));
    expect(await store.decide(id, 'UALICE', 'approve', { now: minutes(1) })).toMatchObject({
      outcome: 'refused',
      code: 'no_approvers',
      message: expect.stringMatching(/names no approvers/),
    });
    expect((await store.getApproval(id))?.state).toBe('pending');
  });
});
