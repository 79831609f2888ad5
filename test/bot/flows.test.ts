/**
 * Whole flows, as a responder lives them: signed requests through the real Bolt HTTP receiver,
 * the fake Slack Web API, real Redis, a real BullMQ worker and the DuckDB engine on the
 * bundled sample logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/model/run.js';
import { stepIdOf } from '../support/worker.js';
import { useTestRedis } from '../support/redis.js';
import { ALARM_CHANNEL, alarmPost, eventually, PEOPLE, startBotHarness, textOf, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;
const APPROVERS = Array.from({ length: 20 }, (_, i) => `U0ONCALL${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  h = await startBotHarness(redis);
  for (const id of APPROVERS) h.slack.addUser({ id });
  h.slack.addUserGroup({ id: 'S0IRTEAM', handle: 'ir-team', users: [PEOPLE.bob, PEOPLE.carol, ...APPROVERS] });
  await h.startWorker();
});
afterAll(async () => {
  await h?.stop();
});

async function startRun(text: string, user = PEOPLE.requester): Promise<string> {
  const answer = await h.slash(text, { user, channel: 'C0SECOPS' });
  const runId = /run `([0-9a-f-]{36})`/.exec(textOf(answer.body))?.[1];
  if (!runId) throw new Error(`not started: ${textOf(answer.body)}`);
  return runId;
}

async function runReaches(runId: string, status: RunRecord['status'], timeoutMs = 60_000): Promise<RunRecord> {
  return eventually(async () => {
    const record = await h.runStore.getRecord(runId);
    return record?.status === status ? record : undefined;
  }, timeoutMs);
}

const stepReplies = (channel: string, threadTs: string) =>
  h.slack
    .threadReplies(channel, threadTs)
    .map(stepIdOf)
    .filter((id): id is string => id !== undefined);

describe('with a worker', () => {
  it('slash command → a parent message in the channel and one threaded reply per step', async () => {
    const runId = await startRun('root-logins');
    const record = await runReaches(runId, 'completed');

    const parent = h.slack.message('C0SECOPS', record.slack.parentTs!);
    expect(textOf(parent)).toContain('Root sign-ins');
    expect(textOf(parent)).toContain('completed');
    expect(stepReplies('C0SECOPS', record.slack.parentTs!)).toEqual(['logins', 'next']);
  });

  it('alarm post → the run in a thread under the alarm post', async () => {
    const ts = '1793630000.000100';
    h.slack.messages.set(`${ALARM_CHANNEL}:${ts}`, { channel: ALARM_CHANNEL, ts, text: 'RootLogin alarm', updates: 0 });
    await h.event(alarmPost({ name: 'prod-RootLogin', state: 'ALARM', ts, changedAt: '2026-11-02T11:59:12Z' }));

    await eventually(() => (stepReplies(ALARM_CHANNEL, ts).length === 2 ? true : undefined), 60_000);
    expect(stepReplies(ALARM_CHANNEL, ts)).toEqual(['logins', 'next']);
    expect(textOf(h.slack.threadReplies(ALARM_CHANNEL, ts)[0])).toContain('prod-RootLogin');
  });

  it('approve → the remediation is executed once (dry run) and the run finishes after the gate', async () => {
    const runId = await startRun('password-cleanup');
    const waiting = await runReaches(runId, 'waiting_approval');
    const approval = (await h.approvals.getApproval(waiting.approvalId!))!;
    expect(approval.message).toBeDefined();
    expect(textOf(h.slack.message(approval.message!.channel, approval.message!.ts))).toContain('vendor-support');

    await h.click('approval_approve', approval.id, PEOPLE.alice, approval.message!);
    await eventually(async () => ((await h.approvals.getApproval(approval.id))?.state === 'executed' ? true : undefined), 60_000);
    const finished = await runReaches(runId, 'completed');
    expect(stepReplies('C0SECOPS', finished.slack.parentTs!)).toContain('after');

    const executed = (await h.approvals.readAudit()).filter((e) => e.approvalId === approval.id && e.event === 'executed');
    expect(executed).toHaveLength(1);
    const message = h.slack.message(approval.message!.channel, approval.message!.ts);
    expect(textOf(message).toLowerCase()).toContain('dry run');
    expect(JSON.stringify(message?.blocks)).not.toContain('approval_approve');
  });

  it('deny with a reason in the modal → nothing is executed, the gate says who denied and why, the run goes on', async () => {
    const runId = await startRun('password-cleanup');
    const waiting = await runReaches(runId, 'waiting_approval');
    const approval = (await h.approvals.getApproval(waiting.approvalId!))!;

    await h.click('approval_deny', approval.id, PEOPLE.bob, approval.message!);
    await eventually(() => h.slack.callsTo('views.open').find((c) => (c.args.view as { private_metadata?: string }).private_metadata === approval.id));
    await h.submitDeny(approval.id, PEOPLE.bob, 'vendor-support is the break-glass account');

    const finished = await runReaches(runId, 'completed');
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('denied');
    const gate = (await h.runStore.loadSteps(runId)).find((s) => s.stepId === 'remove');
    expect(gate?.reason).toContain('vendor-support is the break-glass account');
    expect(stepReplies('C0SECOPS', finished.slack.parentTs!)).toContain('after');
    expect(await h.remediations.getJob(approval.id)).toBeUndefined();
  });

  it('an approval that expires: the message says so, and a late click is refused with the reason', async () => {
    const runId = await startRun('password-cleanup-expiring');
    const waiting = await runReaches(runId, 'waiting_approval');
    const approval = (await h.approvals.getApproval(waiting.approvalId!))!;
    await eventually(async () => ((await h.approvals.getApproval(approval.id))?.state === 'expired' ? true : undefined), 60_000);
    await eventually(() => (!JSON.stringify(h.slack.message(approval.message!.channel, approval.message!.ts)?.blocks).includes('approval_approve') ? true : undefined));

    const before = h.slack.callsTo('chat.postEphemeral').length;
    await h.click('approval_approve', approval.id, PEOPLE.alice, approval.message!);
    const refusal = await h.slack.waitForCall('chat.postEphemeral', before + 1);
    expect(refusal.args).toMatchObject({ user: PEOPLE.alice });
    expect(textOf(refusal.args as never).toLowerCase()).toContain('expired');
    expect(await h.remediations.getJob(approval.id)).toBeUndefined();
  });

  it('20 approvers clicking Approve at once → one remediation job and one execution', async () => {
    const runId = await startRun('password-cleanup');
    const waiting = await runReaches(runId, 'waiting_approval');
    const approval = (await h.approvals.getApproval(waiting.approvalId!))!;

    const responses = await Promise.all(APPROVERS.map((user) => h.click('approval_approve', approval.id, user, approval.message!)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await runReaches(runId, 'completed');

    const jobs = (await h.remediations.getJobs(['waiting', 'active', 'completed', 'failed'])).filter((j) => j.data.approvalId === approval.id);
    expect(jobs).toHaveLength(1);
    const trail = (await h.approvals.readAudit()).filter((e) => e.approvalId === approval.id);
    expect(trail.filter((e) => e.event === 'executed')).toHaveLength(1);
    expect(trail.filter((e) => e.event === 'decision')).toHaveLength(1);
  });
});
