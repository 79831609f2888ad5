import { describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { minutes, newStore, request } from './fixtures.js';

const redis = useTestRedis();

describe('expiry', () => {
  it('refuses a click after the deadline and turns the approval expired', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ policy: { approvers: ['UALICE'], expires_in: '30m' } }));

    const late = await store.decide(id, 'UALICE', 'approve', { now: minutes(30) });
    expect(late).toMatchObject({ outcome: 'refused', code: 'expired', message: expect.stringContaining('expired at 14:30 UTC') });
    const approval = await store.getApproval(id);
    expect(approval?.state).toBe('expired');
    expect(approval?.decisions).toEqual([]);
    // Already expired: a sweep has nothing left to announce.
    expect(await store.expireDue(minutes(31))).toEqual([]);
  });

  it('accepts a click a moment before the deadline', async () => {
    const store = newStore(redis);
    const { id } = await store.createApproval(request({ policy: { approvers: ['UALICE'], expires_in: '30m' } }));
    const justInTime = new Date(minutes(30).getTime() - 1);
    expect((await store.decide(id, 'UALICE', 'approve', { now: justInTime })).outcome).toBe('approved');
  });

  it('expireDue expires the pending approvals that are due, and only those', async () => {
    const store = newStore(redis);
    const short = await store.createApproval(request({ policy: { approvers: ['UALICE'], expires_in: '10m' } }));
    const long = await store.createApproval(request({ policy: { approvers: ['UALICE'], expires_in: '2h' } }));
    const decided = await store.createApproval(request({ policy: { approvers: ['UALICE'], expires_in: '10m' } }));
    await store.decide(decided.id, 'UALICE', 'approve', { now: minutes(1) });
    await store.attachMessage(short.id, { channel: 'C1', ts: '1700000000.000200' });

    expect(await store.expireDue(minutes(9))).toEqual([]);
    const expired = await store.expireDue(minutes(11));
    expect(expired.map((a) => a.id)).toEqual([short.id]);
    // What the worker needs to update the Slack message in place.
    expect(expired[0]).toMatchObject({ state: 'expired', message: { channel: 'C1', ts: '1700000000.000200' }, closedAt: minutes(11).toISOString() });
    expect((await store.getApproval(long.id))?.state).toBe('pending');
    expect((await store.getApproval(decided.id))?.state).toBe('approved');
    expect(await store.expireDue(minutes(12))).toEqual([]);
  });

  it('hands each expired approval to one sweeper when several run at once', async () => {
    const prefix = redis.prefix();
    const stores = Array.from({ length: 4 }, () => newStore(redis, { prefix }));
    const created = await Promise.all(
      Array.from({ length: 30 }, () => stores[0]!.createApproval(request({ policy: { approvers: ['UALICE'], expires_in: '5m' } }))),
    );
    const sweeps = await Promise.all(stores.map((s) => s.expireDue(minutes(6))));
    const announced = sweeps.flat().map((a) => a.id);
    expect(announced).toHaveLength(30);
    expect(new Set(announced)).toEqual(new Set(created.map((a) => a.id)));
  });
});
