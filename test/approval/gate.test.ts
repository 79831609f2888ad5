/** A click from start to finish: Slack eligibility, then the atomic decision. */
import { describe, expect, it } from 'vitest';
import { ApproverEligibility } from '../../src/approval/eligibility.js';
import { decideClick } from '../../src/approval/decide.js';
import { useTestRedis } from '../support/redis.js';
import { oncallSlack } from './fake-slack.js';
import { minutes, newStore, request } from './fixtures.js';

const redis = useTestRedis();

function setup() {
  const slack = oncallSlack();
  const store = newStore(redis);
  const eligibility = new ApproverEligibility(slack);
  return { slack, store, click: (c: Parameters<typeof decideClick>[2]) => decideClick(store, eligibility, c) };
}

describe('decideClick', () => {
  it('lets a member of the approver group approve', async () => {
    const { store, click } = setup();
    const { id } = await store.createApproval(request({ policy: { approvers: ['@security-oncall'] } }));
    expect((await click({ approvalId: id, userId: 'UBOB', decision: 'approve', now: minutes(1) })).outcome).toBe('approved');
  });

  it('refuses non-approvers, bots and deactivated accounts, and changes nothing', async () => {
    const { store, click } = setup();
    const { id } = await store.createApproval(request({ policy: { approvers: ['@security-oncall', '@security-leads'] } }));
    const before = await store.getApproval(id);
    const refusals = [];
    for (const userId of ['UMALLORY', 'BOTUSER', 'UFORMER']) {
      const result = await click({ approvalId: id, userId, decision: 'approve', now: minutes(1) });
      refusals.push(result.outcome === 'refused' ? result.code : result.outcome);
    }
    expect(refusals).toEqual(['not_approver', 'bot', 'deactivated']);
    expect(await store.getApproval(id)).toEqual(before);
  });

  it('refuses the requester even when they are in the approver group', async () => {
    const { store, click } = setup();
    const { id } = await store.createApproval(request({ requestedBy: 'UALICE', policy: { approvers: ['@security-oncall'] } }));
    expect(await click({ approvalId: id, userId: 'UALICE', decision: 'approve', now: minutes(1) })).toMatchObject({
      outcome: 'refused',
      code: 'self_approval',
    });
  });

  it('answers a click on a decided approval without asking Slack', async () => {
    const { slack, store, click } = setup();
    const { id } = await store.createApproval(request({ policy: { approvers: ['@security-oncall'] } }));
    await click({ approvalId: id, userId: 'UALICE', decision: 'deny', reason: 'false positive', now: minutes(1) });
    const calls = slack.calls.length;
    expect(await click({ approvalId: id, userId: 'UMALLORY', decision: 'approve', now: minutes(2) })).toMatchObject({
      outcome: 'refused',
      code: 'closed',
    });
    expect(slack.calls.length).toBe(calls);
    expect((await store.getApproval(id))?.decisions).toEqual([
      { user: 'UALICE', decision: 'deny', reason: 'false positive', at: minutes(1).toISOString() },
    ]);
  });

  it('tells a late clicker when it expired, and expires it', async () => {
    const { store, click } = setup();
    const { id } = await store.createApproval(request({ policy: { approvers: ['@security-oncall'], expires_in: '5m' } }));
    expect(await click({ approvalId: id, userId: 'UALICE', decision: 'approve', now: minutes(6) })).toMatchObject({
      outcome: 'refused',
      code: 'expired',
      message: 'This approval expired at 14:05 UTC. Start the runbook again to request a new one.',
    });
    expect((await store.getApproval(id))?.state).toBe('expired');
  });
});
