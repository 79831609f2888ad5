/**
 * Remediation gates on real workers: a run stops at its gate with an approval and an approval
 * message in the thread; approval, denial and expiry each close the gate once, update the
 * message in place, and let the run continue with the steps after the gate.
 */
import { describe, expect, it } from 'vitest';
import { APPROVE_ACTION_ID, DENY_ACTION_ID } from '../../src/slack/render/index.js';
import { enqueueRemediation } from '../../src/queue/producers.js';
import { recordGateDecision } from '../../src/approval/close-gate.js';
import { useTestRedis } from '../support/redis.js';
import { APPROVER, REQUESTER, stepIdOf, textOf, useFakeSlack, useTestRunbooks, useWorkerScope, type WorkerScope } from '../support/worker.js';

const redis = useTestRedis();
const slack = useFakeSlack();
const runbooks = useTestRunbooks();
const scope = useWorkerScope(redis, slack, runbooks);

/** Starts a worker and a gated run, and returns once the run waits at its gate. */
async function runToGate(w: WorkerScope, runbookId = 'gated-cleanup') {
  const worker = await w.start();
  const runId = await w.enqueue(runbookId);
  const record = await w.waitForStatus(runId, 'waiting_approval');
  const approval = await w.approvals.getApproval(record.approvalId!);
  if (!approval?.message) throw new Error('the gate has no approval message');
  return { worker, runId, approval };
}

describe('a run at a remediation gate', () => {
  it('waits with an approval (the step policy) and its message, then runs the remediation once however often it is enqueued', async () => {
    const w = scope();
    const { runId, approval } = await runToGate(w);

    expect(approval).toMatchObject({
      state: 'pending',
      runId,
      stepId: 'remove',
      requestedBy: REQUESTER,
      plan: { action: 'iam.delete-login-profile', targets: [{ user_name: 'vendor-support' }] },
      policy: { approvers: [APPROVER], min_approvals: 1, allow_self_approval: false },
    });
    expect(Date.parse(approval.policy.expires_at) - Date.parse(approval.createdAt)).toBe(3_600_000);

    const before = await w.thread(runId);
    expect(before.replies.map(stepIdOf).filter(Boolean)).toEqual(['users', 'remove']);
    const message = w.slack.message(approval.message!.channel, approval.message!.ts)!;
    expect(message.threadTs).toBe(before.parent.ts);
    const actions = message.blocks?.find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string; value: string }[] };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      [APPROVE_ACTION_ID, approval.id],
      [DENY_ACTION_ID, approval.id],
    ]);
    expect(before.parent.text).toContain('waiting for approval');

    expect((await w.approvals.decide(approval.id, APPROVER, 'approve')).outcome).toBe('approved');
    await Promise.all(Array.from({ length: 5 }, () => enqueueRemediation(w.queues, approval.id)));
    await w.waitForStatus(runId, 'completed');

    const executed = await w.approvals.getApproval(approval.id);
    expect(executed?.state).toBe('executed');
    expect(executed?.outcome).toMatchObject({ dryRun: true });
    const audit = await w.approvals.readAudit();
    expect(audit.filter((e) => e.approvalId === approval.id && e.event === 'executed')).toHaveLength(1);
    expect(await w.queues.remediations.getJobCounts('completed', 'failed', 'waiting', 'active')).toEqual({ completed: 1, failed: 0, waiting: 0, active: 0 });

    // The approval message, updated in place: executed as a dry run, buttons gone.
    const updated = w.slack.message(approval.message!.channel, approval.message!.ts)!;
    expect(updated.updates).toBeGreaterThanOrEqual(1);
    expect(updated.text).toContain('Executed (dry run)');
    expect(textOf(updated)).toContain('nothing was changed in AWS');
    expect(updated.blocks?.some((b) => (b as { type: string }).type === 'actions')).toBe(false);

    // The gate's outcome, then the steps after it; nothing before the gate again.
    const after = await w.thread(runId);
    expect(after.replies.map(stepIdOf).filter(Boolean)).toEqual(['users', 'remove', 'remove', 'after']);
    const decided = after.replies.filter((m) => stepIdOf(m) === 'remove')[1];
    expect(textOf(decided)).toContain('executed (dry run)');
    expect(after.parent.text).toContain('completed');
    const steps = await w.runs.loadSteps(runId);
    expect(steps.find((s) => s.stepId === 'remove')).toMatchObject({ status: 'ok', note: expect.stringMatching(/^executed \(dry run\): iam.delete-login-profile on 1 target/) });
  });

  it('is skipped when denied: recordGateDecision stores the reason once and the run goes on', async () => {
    const w = scope();
    const { worker, runId, approval } = await runToGate(w);

    // What the bot does after a deny click.
    const denied = await w.approvals.decide(approval.id, APPROVER, 'deny', { reason: 'not during the change freeze' });
    if (denied.outcome !== 'denied') throw new Error(`expected a denial, got ${denied.outcome}`);
    await worker.context.notifier.updateApprovalMessage(denied.approval);
    const gate = { runs: w.runs, queues: w.queues };
    const [first, second] = [await recordGateDecision(gate, denied.approval), await recordGateDecision(gate, denied.approval)];
    expect(first).toMatchObject({ outcome: 'continued', applied: true });
    expect(second).toMatchObject({ outcome: 'continued', applied: false, continuationJobId: (first as { continuationJobId: string }).continuationJobId });

    await w.waitForStatus(runId, 'completed');
    const step = (await w.runs.loadSteps(runId)).find((s) => s.stepId === 'remove');
    expect(step).toMatchObject({ status: 'skipped', reason: `denied by ${APPROVER}: not during the change freeze` });
    const { replies } = await w.thread(runId);
    // The thread names who denied it as a real mention, not as escaped text.
    const gateReplies = JSON.stringify(replies.filter((m) => stepIdOf(m) === 'remove'));
    expect(gateReplies).toContain(`denied by <@${APPROVER}>: not during the change freeze`);
    expect(gateReplies).not.toContain('&lt;@');
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['users', 'remove', 'remove', 'after']);
    const message = w.slack.message(approval.message!.channel, approval.message!.ts)!;
    expect(message.text).toContain('Denied');
    expect(textOf(message)).toContain('not during the change freeze');
    expect((await w.approvals.getApproval(approval.id))?.state).toBe('denied');
  });

  it('is skipped when it expires: the sweep closes the approval, updates its message and the run goes on', async () => {
    const w = scope();
    const { runId, approval } = await runToGate(w, 'gated-expiring');

    await w.waitForStatus(runId, 'completed');
    expect((await w.approvals.getApproval(approval.id))?.state).toBe('expired');
    const step = (await w.runs.loadSteps(runId)).find((s) => s.stepId === 'remove');
    expect(step).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^expired/) });
    const message = w.slack.message(approval.message!.channel, approval.message!.ts)!;
    expect(message.text).toContain('Expired');
    expect(message.blocks?.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    const audit = await w.approvals.readAudit();
    expect(audit.filter((e) => e.approvalId === approval.id && e.event === 'expired')).toHaveLength(1);
    const { replies } = await w.thread(runId);
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['users', 'remove', 'remove', 'after']);
  });

  it('executes an approval whose remediation job was never enqueued (the sweep enqueues it)', async () => {
    const w = scope();
    const { runId, approval } = await runToGate(w);
    // Approved, but the bot died before enqueueing the remediation.
    expect((await w.approvals.decide(approval.id, APPROVER, 'approve')).outcome).toBe('approved');

    await w.waitForStatus(runId, 'completed');
    expect((await w.approvals.getApproval(approval.id))?.state).toBe('executed');
  });

  it('is retried for as long as a Slack outage lasts: ten attempts, backing off from 2 s', async () => {
    const w = scope();
    const jobId = await enqueueRemediation(w.queues, 'an-approval-id');
    expect((await w.queues.remediations.getJob(jobId))?.opts).toMatchObject({ attempts: 10, backoff: { type: 'exponential', delay: 2_000 } });
  });

  it('lets the run go on when Slack stays down past the remediation job\'s last attempt', async () => {
    const w = scope();
    const { runId, approval } = await runToGate(w);
    expect((await w.approvals.decide(approval.id, APPROVER, 'approve')).outcome).toBe('approved');
    const updatesBefore = w.slack.message(approval.message!.channel, approval.message!.ts)!.updates;
    // Slack refuses the approval message's update on the job's one (and last) attempt.
    w.slack.failWith('chat.update', 'internal_error');
    await w.queues.remediations.add('remediation', { approvalId: approval.id }, { jobId: approval.id, attempts: 1 });

    // The action ran once; its report could not be posted; the gate is closed and the run goes on.
    await w.waitForStatus(runId, 'completed');
    expect((await w.queues.remediations.getJob(approval.id))?.failedReason).toContain('internal_error');
    expect((await w.approvals.getApproval(approval.id))?.state).toBe('executed');
    const steps = await w.runs.loadSteps(runId);
    expect(steps.find((s) => s.stepId === 'remove')).toMatchObject({ status: 'ok', note: expect.stringMatching(/^executed \(dry run\)/) });
    const { replies } = await w.thread(runId);
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['users', 'remove', 'remove', 'after']);
    expect(w.slack.message(approval.message!.channel, approval.message!.ts)!.updates).toBe(updatesBefore);
  });

  it('stops the run when the remediation fails, and says so in the thread', async () => {
    const w = scope();
    const { runId, approval } = await runToGate(w);
    expect((await w.approvals.decide(approval.id, APPROVER, 'approve')).outcome).toBe('approved');
    // The execution failed before its job could report it (e.g. AWS refused the call).
    await w.approvals.markFailed(approval.id, 'AccessDenied: not allowed to call iam:DeleteLoginProfile');
    await enqueueRemediation(w.queues, approval.id);

    await w.waitForStatus(runId, 'failed');
    const { parent, replies } = await w.thread(runId);
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['users', 'remove', 'remove']);
    expect(textOf(replies.filter((m) => stepIdOf(m) === 'remove')[1])).toContain('remediation failed: AccessDenied');
    expect(parent.text).toContain('failed');
    expect(textOf(parent)).toContain('AccessDenied');
    const message = w.slack.message(approval.message!.channel, approval.message!.ts)!;
    expect(message.text).toContain('Execution failed');
    expect((await w.runs.loadSteps(runId)).map((s) => s.stepId)).not.toContain('after');
  });
});
