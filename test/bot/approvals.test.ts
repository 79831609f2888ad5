/**
 * Approve / Deny clicks through the real Bolt HTTP receiver, against approvals as the worker
 * stores and posts them, no worker running: what the clicker sees, how the approval message
 * changes, and which jobs are enqueued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { eventually, PEOPLE, startBotHarness, textOf, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness(redis);
});
afterAll(async () => {
  await h?.stop();
});

const APPROVE = 'approval_approve';
const DENY = 'approval_deny';

describe('approval buttons', () => {
  it('approve by an approver: the message shows the outcome without buttons, and one remediation job is enqueued', async () => {
    const approval = await h.postApproval({});
    expect((await h.click(APPROVE, approval.id, PEOPLE.alice, approval)).status).toBe(200);

    const update = await h.slack.waitForCall('chat.update');
    expect(update.args).toMatchObject({ channel: approval.channel, ts: approval.ts });
    expect(textOf(update.args as never)).toContain('U0ALICE');
    expect(JSON.stringify(update.args.blocks)).not.toContain(APPROVE);
    const job = await h.remediations.getJob(approval.id);
    expect(job?.data).toEqual({ approvalId: approval.id });
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('approved');
  });

  it('counts votes until the quorum: the message shows each vote, the second approver enqueues the job', async () => {
    const approval = await h.postApproval({ policy: { approvers: ['@ir-team', PEOPLE.alice], min_approvals: 2 } });
    await h.click(APPROVE, approval.id, PEOPLE.bob, approval);
    const first = await h.slack.waitForCall('chat.update');
    expect(textOf(first.args as never)).toContain('U0BOB');
    expect(JSON.stringify(first.args.blocks)).toContain(APPROVE);
    expect(await h.remediations.getJob(approval.id)).toBeUndefined();

    await h.click(APPROVE, approval.id, PEOPLE.carol, approval);
    await h.slack.waitForCall('chat.update', 2);
    expect(await eventually(() => h.remediations.getJob(approval.id))).toBeDefined();
  });

  it('refuses a non-approver, the requester and a second click with an ephemeral reason, and changes nothing', async () => {
    const approval = await h.postApproval({ policy: { approvers: [PEOPLE.alice, PEOPLE.requester, '@ir-team'], min_approvals: 2 } });
    await h.click(APPROVE, approval.id, PEOPLE.bob, approval);
    await h.slack.waitForCall('chat.update');

    const refusals: [string, string][] = [
      [PEOPLE.mallory, 'not'],
      [PEOPLE.requester, 'requested'],
      [PEOPLE.bob, 'already'],
    ];
    for (const [n, [user, why]] of refusals.entries()) {
      await h.click(APPROVE, approval.id, user, approval);
      const ephemeral = await h.slack.waitForCall('chat.postEphemeral', n + 1);
      expect(ephemeral.args).toMatchObject({ channel: approval.channel, user });
      expect(textOf(ephemeral.args as never).toLowerCase()).toContain(why);
    }
    const stored = await h.approvals.getApproval(approval.id);
    expect(stored?.state).toBe('pending');
    expect(stored?.decisions.map((d) => d.user)).toEqual([PEOPLE.bob]);
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    expect(await h.remediations.getJob(approval.id)).toBeUndefined();
  });

  it('refuses a click after expiry, and the message stops offering buttons', async () => {
    const approval = await h.postApproval({ policy: { approvers: [PEOPLE.alice], expires_in: '1m' }, now: new Date(Date.now() - 5 * 60_000) });
    await h.click(APPROVE, approval.id, PEOPLE.alice, approval);

    const ephemeral = await h.slack.waitForCall('chat.postEphemeral');
    expect(textOf(ephemeral.args as never).toLowerCase()).toContain('expired');
    const update = await h.slack.waitForCall('chat.update');
    expect(JSON.stringify(update.args.blocks)).not.toContain(APPROVE);
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('expired');
    expect(await h.remediations.getJob(approval.id)).toBeUndefined();
  });

  it('deny opens a modal; its reason is shown in the message, audited, and the run goes on past the gate', async () => {
    const runId = '6b0c2f4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';
    await h.runStore.createRecord({
      context: { runId, runbookId: 'key-usage', params: {}, window: { start: '2026-11-02T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' }, requestedBy: PEOPLE.requester, source: 'slash' },
      status: 'waiting_approval',
      slack: { channel: 'C0SECOPS', threadTs: '1793620000.000001', parentTs: '1793620000.000001' },
      updatedAt: new Date().toISOString(),
    });
    const approval = await h.postApproval({ runId });
    // The run waits at its gate, as the worker leaves it.
    await h.runStore.saveStep(runId, {
      stepId: 'deactivate',
      title: 'Deactivate the key',
      kind: 'remediate',
      status: 'gated',
      startedAt: '2026-11-03T00:00:01.000Z',
      finishedAt: '2026-11-03T00:00:01.000Z',
    });
    await h.runStore.claimGate(runId, 'deactivate', approval.id);

    await h.click(DENY, approval.id, PEOPLE.carol, approval);
    const opened = await h.slack.waitForCall('views.open');
    const view = opened.args.view as { private_metadata: string; callback_id: string };
    expect(view.private_metadata).toBe(approval.id);
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('pending');

    expect((await h.submitDeny(approval.id, PEOPLE.carol, 'False positive: the key is the CI runner\'s')).status).toBe(200);
    const update = await h.slack.waitForCall('chat.update');
    expect(textOf(update.args as never)).toContain("False positive: the key is the CI runner's");
    expect(JSON.stringify(update.args.blocks)).not.toContain(DENY);
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('denied');
    expect(await h.remediations.getJob(approval.id)).toBeUndefined();

    const continuation = await h.runs.getJob(`continue-${runId}-${approval.id}`);
    expect(continuation?.data).toMatchObject({ runId, runbookId: 'key-usage', slack: { channel: 'C0SECOPS' } });
    const gate = (await h.runStore.loadSteps(runId)).find((s) => s.stepId === 'deactivate');
    expect(gate).toMatchObject({
      status: 'skipped',
      reason: "denied by U0CAROL: False positive: the key is the CI runner's",
      decision: { state: 'denied', by: 'U0CAROL', reason: "False positive: the key is the CI runner's" },
    });
    const audit = await h.approvals.readAudit();
    expect(audit.filter((e) => e.approvalId === approval.id).at(-1)).toMatchObject({
      event: 'decision',
      actor: PEOPLE.carol,
      decision: 'deny',
      reason: "False positive: the key is the CI runner's",
    });
  });

  it('20 approvers clicking at once enqueue one remediation job', async () => {
    const approvers = Array.from({ length: 20 }, (_, i) => `U0APPROVER${i}`);
    for (const id of approvers) h.slack.addUser({ id });
    const approval = await h.postApproval({ policy: { approvers, min_approvals: 3 } });

    const responses = await Promise.all(approvers.map((user) => h.click(APPROVE, approval.id, user, approval)));
    expect(responses.every((r) => r.status === 200)).toBe(true);

    await eventually(async () => ((await h.approvals.getApproval(approval.id))?.state === 'approved' ? true : undefined));
    await eventually(() => (h.slack.callsTo('chat.update').length + h.slack.callsTo('chat.postEphemeral').length >= 20 ? true : undefined), 60_000);
    const jobs = (await h.remediations.getJobs(['waiting', 'active', 'completed', 'failed'])).filter((j) => j.data.approvalId === approval.id);
    expect(jobs).toHaveLength(1);
    const decided = (await h.approvals.getApproval(approval.id))?.decisions ?? [];
    expect(decided).toHaveLength(3);
    // The message's last word is the approved state, not an earlier vote count.
    const last = h.slack.callsTo('chat.update').at(-1)!;
    expect(JSON.stringify(last.args.blocks)).not.toContain(APPROVE);
  });

  it('honours Slack 429 Retry-After when telling a clicker why a click was refused', async () => {
    const approval = await h.postApproval({});
    h.slack.rateLimit('chat.postEphemeral', { times: 1, retryAfterSeconds: 1 });
    await h.click(APPROVE, approval.id, PEOPLE.mallory, approval);

    const delivered = await h.slack.waitForCall('chat.postEphemeral', 1, { timeoutMs: 5_000 });
    const limited = h.slack.callsTo('chat.postEphemeral', { all: true }).find((c) => c.outcome === 'rate_limited')!;
    expect(delivered.at - limited.at).toBeGreaterThanOrEqual(1_000);
    expect(delivered.args).toMatchObject({ user: PEOPLE.mallory });
  });
});
