/**
 * Clicks whose Slack calls fail: the clicker is told, only for them, Slack's code and what to
 * do, and what still stands (a recorded vote stays recorded; a form that did not open denied
 * nothing). Through the real Bolt HTTP receiver, against the fake Slack Web API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunContext } from '../../src/run/context.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE, startBotHarness, textOf, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness(redis);
});
afterAll(async () => {
  await h?.stop();
});

/** The ephemeral answer `user` got to `click`: the first one sent after it. */
async function answerTo(user: string, click: () => Promise<unknown>): Promise<string> {
  const before = h.slack.callsTo('chat.postEphemeral').length;
  await click();
  const call = await h.slack.waitForCall('chat.postEphemeral', before + 1);
  expect(call.args).toMatchObject({ user });
  return textOf(call.args as never);
}

describe('a Slack call a click needs fails', () => {
  // First in the file: the bot caches the workspace's groups once it has read them (a failed read is not kept).
  it('a group look-up Slack refuses (missing_scope): the click is refused, naming the permission to add', async () => {
    const approval = await h.postApproval({ policy: { approvers: ['@ir-team'], min_approvals: 1 } });
    h.slack.failWith('usergroups.list', 'missing_scope', 1, { extra: { needed: 'usergroups:read', provided: 'chat:write,commands' } });
    expect(await answerTo(PEOPLE.bob, () => h.click('approval_approve', approval.id, PEOPLE.bob, approval))).toContain(
      'Slack could not confirm that you are an approver, so nothing was changed. Slack answered missing_scope: the Slack app lacks the usergroups:read permission: add it to the app (slack/manifest.yaml lists every permission the bot uses) and reinstall it, then try again.',
    );
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('pending');
  });

  it('a /investigate start whose group look-up Slack refuses: nothing starts, and the person is told which permission to add', async () => {
    h.slack.failWith('usergroups.list', 'missing_scope', 1, { extra: { needed: 'usergroups:read' } });
    const answer = await h.slash('restricted', { user: PEOPLE.bob, channel: 'C0SECOPS' });
    expect(textOf(answer.body)).toContain(
      'Slack could not say whether you belong to its groups. Slack answered missing_scope: the Slack app lacks the usergroups:read permission: add it to the app (slack/manifest.yaml lists every permission the bot uses) and reinstall it, then try again.',
    );
    expect(await h.runs.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 });
  });

  it('Deny when Slack will not open the form (expired_trigger_id): nothing is denied, and the clicker is told to click again', async () => {
    const approval = await h.postApproval({});
    h.slack.failWith('views.open', 'expired_trigger_id');
    expect(await answerTo(PEOPLE.alice, () => h.click('approval_deny', approval.id, PEOPLE.alice, approval))).toContain(
      'The Deny form could not be opened, so nothing was denied. Slack answered expired_trigger_id: Slack allows 3 seconds between a click and the form it opens: click again',
    );
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('pending');
  });

  it('Approve when the message cannot be updated (message_not_found): the approval stands, and the approver is told', async () => {
    const approval = await h.postApproval({});
    h.slack.failWith('chat.update', 'message_not_found');
    expect(await answerTo(PEOPLE.alice, () => h.click('approval_approve', approval.id, PEOPLE.alice, approval))).toContain(
      'Your approval is recorded and the remediation is on its way, but the approval message could not be updated. Slack answered message_not_found: the message was deleted meanwhile',
    );
    expect((await h.approvals.getApproval(approval.id))?.state).toBe('approved');
    expect(await h.remediations.getJob(approval.id)).toBeDefined();
  });

  it('Export evidence when Slack refuses the upload (missing_scope): the clicker is told which permission to add', async () => {
    const ctx = newRunContext({
      runbookId: 'root-logins',
      params: {},
      window: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z') },
      requestedBy: PEOPLE.alice,
      source: 'slash',
    });
    const parent = await fetch(`${h.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.config.slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0SECOPS', text: 'a finished run' }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    await h.runStore.createRecord({ context: ctx, status: 'completed', slack: { channel: 'C0SECOPS', parentTs: parent.ts, threadTs: parent.ts }, updatedAt: new Date().toISOString() });
    h.slack.failWith('files.getUploadURLExternal', 'missing_scope', 1, { extra: { needed: 'files:write' } });
    const said = await answerTo(PEOPLE.alice, () => h.click('evidence_export', ctx.runId, PEOPLE.alice, { channel: 'C0SECOPS', ts: parent.ts }));
    expect(said).toContain('The evidence bundle could not be exported.');
    expect(said).toContain(
      'Slack answered missing_scope: the Slack app lacks the files:write permission: add it to the app (slack/manifest.yaml lists every permission the bot uses) and reinstall it, then click Export evidence again',
    );
  });
});
