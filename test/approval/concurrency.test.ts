/**
 * Clicks arriving at once: many approvers, retries and duplicate deliveries, each on its
 * own Redis connection as they would be from several bot processes.
 */
import { describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../src/approval/store.js';
import { useTestRedis } from '../support/redis.js';
import { minutes, newStore, request } from './fixtures.js';

const redis = useTestRedis();
const CLICKS = 50;
const approvers = Array.from({ length: CLICKS }, (_, i) => `UAPPROVER${i}`);

function storesOnSeparateConnections(count: number): ApprovalStore[] {
  const prefix = redis.prefix();
  return Array.from({ length: count }, () => newStore(redis, { prefix }));
}

describe('concurrent approvals', () => {
  for (const minApprovals of [1, 2]) {
    it(`${CLICKS} approvers clicking at once on min_approvals=${minApprovals}: exactly one caller gets "approved"`, async () => {
      const stores = storesOnSeparateConnections(10);
      const { id } = await stores[0]!.createApproval(request({ policy: { approvers, min_approvals: minApprovals } }));

      const results = await Promise.all(
        approvers.map((user, i) => stores[i % stores.length]!.decide(id, user, 'approve', { now: minutes(1) })),
      );
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'approved')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(minApprovals - 1);
      expect(results.filter((r) => r.outcome === 'refused').every((r) => r.outcome === 'refused' && r.code === 'closed')).toBe(true);

      const approval = await stores[0]!.getApproval(id);
      expect(approval?.state).toBe('approved');
      expect(approval?.decisions).toHaveLength(minApprovals);
      expect(new Set(approval?.decisions.map((d) => d.user)).size).toBe(minApprovals);
    });
  }

  it('the same approver clicking 50 times at once (retries, duplicate deliveries) counts once', async () => {
    const stores = storesOnSeparateConnections(10);
    const { id } = await stores[0]!.createApproval(request({ policy: { approvers: ['UALICE', 'UBOB'], min_approvals: 2 } }));
    const results = await Promise.all(
      Array.from({ length: CLICKS }, (_, i) => stores[i % stores.length]!.decide(id, 'UALICE', 'approve', { now: minutes(1) })),
    );
    expect(results.filter((r) => r.outcome === 'recorded')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'refused' && r.code === 'already_decided')).toHaveLength(CLICKS - 1);
    expect((await stores[0]!.getApproval(id))?.state).toBe('pending');
  });

  it('approve and deny racing: the approval ends in exactly one of the two', async () => {
    const stores = storesOnSeparateConnections(10);
    const { id } = await stores[0]!.createApproval(request({ policy: { approvers, min_approvals: 1 } }));
    const results = await Promise.all(
      approvers.map((user, i) => stores[i % stores.length]!.decide(id, user, i % 2 ? 'deny' : 'approve', { now: minutes(1) })),
    );
    const final = results.filter((r) => r.outcome === 'approved' || r.outcome === 'denied');
    expect(final).toHaveLength(1);
    expect((await stores[0]!.getApproval(id))?.state).toBe(final[0]!.outcome);
  });
});

describe('execution', () => {
  it('goes from approved to executed once, however many workers report it', async () => {
    const stores = storesOnSeparateConnections(5);
    const { id } = await stores[0]!.createApproval(request());
    await stores[0]!.decide(id, 'UALICE', 'approve', { now: minutes(1) });

    const reports = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % stores.length]!.markExecuted(id, { summary: 'Deactivated 1 access key', dryRun: true }, { now: minutes(2), by: `worker-${i}` }),
      ),
    );
    expect(reports.filter((r) => r.ok)).toHaveLength(1);
    expect(reports.filter((r) => !r.ok).every((r) => !r.ok && r.state === 'executed')).toBe(true);
    expect(await stores[0]!.markFailed(id, 'too late', { now: minutes(3) })).toEqual({ ok: false, state: 'executed' });

    const approval = await stores[0]!.getApproval(id);
    expect(approval).toMatchObject({
      state: 'executed',
      finishedAt: minutes(2).toISOString(),
      outcome: { summary: 'Deactivated 1 access key', dryRun: true },
    });
  });

  it('records a failure once, and never executes what was not approved', async () => {
    const store = newStore(redis);
    const approved = await store.createApproval(request());
    await store.decide(approved.id, 'UALICE', 'approve', { now: minutes(1) });
    const failed = await store.markFailed(approved.id, { error: 'AccessDenied: iam:UpdateAccessKey' }, { now: minutes(2) });
    expect(failed.ok && failed.approval).toMatchObject({ state: 'failed', outcome: { error: 'AccessDenied: iam:UpdateAccessKey' } });
    expect(await store.markExecuted(approved.id, { summary: 'done' })).toEqual({ ok: false, state: 'failed' });

    const pending = await store.createApproval(request());
    expect(await store.markExecuted(pending.id, { summary: 'done' })).toEqual({ ok: false, state: 'pending' });
    const denied = await store.createApproval(request());
    await store.decide(denied.id, 'UALICE', 'deny', { now: minutes(1) });
    expect(await store.markExecuted(denied.id, { summary: 'done' })).toEqual({ ok: false, state: 'denied' });
    expect(await store.markExecuted('AAAAAAAAAAAAAAAAAAAAAA', { summary: 'done' })).toEqual({ ok: false, state: 'unknown' });
  });

  it('lists approved approvals nobody has reported on, for re-enqueueing after a crash', async () => {
    const store = newStore(redis);
    const stuck = await store.createApproval(request());
    await store.decide(stuck.id, 'UALICE', 'approve', { now: minutes(1) });
    const done = await store.createApproval(request());
    await store.decide(done.id, 'UALICE', 'approve', { now: minutes(1) });
    await store.markExecuted(done.id, { summary: 'done' });
    await store.createApproval(request());

    expect(await store.awaitingExecution(minutes(0))).toEqual([]);
    expect((await store.awaitingExecution(minutes(5))).map((a) => a.id)).toEqual([stuck.id]);
  });
});
