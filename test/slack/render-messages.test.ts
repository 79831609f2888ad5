import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src/approval/types.js';
import type { RunResult } from '../../src/model/run.js';
import {
  APPROVE_ACTION_ID,
  approvalViewOf,
  DENY_ACTION_ID,
  DENY_MODAL_CALLBACK_ID,
  readDenyReason,
  renderAlarmRecovered,
  renderApprovalMessage,
  renderDenyModal,
  renderHelp,
  renderRefusal,
  renderRunMessage,
  renderRunNotFound,
  renderRunStatus,
  renderStepReply,
  type ApprovalView,
  type HelpRunbook,
} from '../../src/slack/render/index.js';
import { blockKitProblems } from '../fakes/slack-api.js';
import { approvalView, blockText, checkStep, cloudTrailRows, finding, plan, queryStep, runContext } from './builders.js';

type Button = { type: 'button'; action_id: string; value?: string; confirm?: unknown };
const buttonsOf = (blocks: unknown[]): Button[] =>
  (blocks as { type: string; elements?: Button[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('the run parent message', () => {
  const ctx = runContext();

  it('says what runs, for whom, over which window, with which parameters, and that it is running', () => {
    const message = renderRunMessage({ title: 'Leaked access key', context: ctx });
    const text = blockText(message.blocks);
    expect(text).toContain('🔍 Leaked access key');
    expect(text).toContain('⏳ running');
    expect(text).toContain('<@U024BE7LH>');
    expect(text).toContain('2026-11-01 12:00:00 UTC');
    expect(text).toContain('`access_key_id=AKIAIOSFODNN7EXAMPLE` `trusted_cidrs=198.51.100.0/24,203.0.113.0/24`');
    expect(text).not.toContain('since=');
    expect(text).toContain('`r-01JD3Q6Z8K4M2N`');
    expect(message.text).toBe('Leaked access key: ⏳ running');
  });

  it('names the alarm when an alarm started the run', () => {
    const message = renderRunMessage({ title: 'Root activity', context: runContext({ requestedBy: 'alarm:RootAccountUsage', source: 'alarm' }) });
    expect(blockText(message.blocks)).toContain('alarm *RootAccountUsage*');
  });

  it('when finished, says the status and the findings by severity in one line', () => {
    const result: RunResult = {
      context: ctx,
      status: 'completed',
      steps: [],
      findings: [finding(1, 'high'), finding(2, 'critical'), finding(3, 'high')],
      warnings: [],
    };
    const message = renderRunMessage({ title: 'Leaked access key', context: ctx, result });
    expect(blockText(message.blocks)).toContain('*Findings:* 🔴 1 critical · 🟠 2 high');
    expect(message.text).toBe('Leaked access key: ✅ completed: 🔴 1 critical · 🟠 2 high');
  });

  it('says where a failed run failed, and when it waits for an approval', () => {
    const failedStep = queryStep([], { status: 'failed', reason: 'Athena: Access denied to s3://trail-bucket' });
    const failed = renderRunMessage({ title: 'T', context: ctx, result: { context: ctx, status: 'failed', steps: [failedStep], findings: [], warnings: [] } });
    expect(blockText(failed.blocks)).toContain('❌ The run failed at *Calls made with the key*: Athena: Access denied to s3://trail-bucket');
    const waiting = renderRunMessage({ title: 'T', context: ctx, result: { context: ctx, status: 'waiting_approval', steps: [], findings: [], warnings: [] } });
    expect(blockText(waiting.blocks)).toContain('⏸️ waiting for approval');
    expect(blockText(waiting.blocks)).toContain('no findings');
  });
});

describe('a step reply', () => {
  const ctx = runContext();

  it('escapes values from CloudTrail so they cannot mention a channel or fake a link', () => {
    const rows = [{ userAgent: '<!channel> <https://evil.io|aws.com>', eventName: 'A & B' }];
    const text = blockText(renderStepReply(ctx, queryStep(rows)).message.blocks);
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.io|aws.com&gt;');
    expect(text).toContain('A &amp; B');
    expect(text).not.toContain('<!channel>');
  });

  it('says when a query matched nothing', () => {
    const reply = renderStepReply(ctx, queryStep([]));
    expect(blockText(reply.message.blocks)).toContain('No rows matched.');
    expect(reply.csv).toBeUndefined();
  });

  it('gives a skipped or failed step its reason', () => {
    const skipped = renderStepReply(ctx, checkStep([], { status: 'skipped', reason: 'condition not met: size(rows.key_activity) > 0' }));
    expect(blockText(skipped.message.blocks)).toContain('⏭️ *Is the use suspicious?*');
    expect(blockText(skipped.message.blocks)).toContain('Skipped: condition not met: size(rows.key_activity) &gt; 0');
    const failed = renderStepReply(ctx, checkStep([], { status: 'failed', reason: 'no such key: row.mfa' }));
    expect(blockText(failed.message.blocks)).toContain('*Failed:* no such key: row.mfa');
    expect(failed.message.text).toBe('❌ Is the use suspicious?: failed');
  });

  it('says "No findings" for a check that found nothing', () => {
    expect(blockText(renderStepReply(ctx, checkStep([])).message.blocks)).toContain('No findings.');
  });

  it('shows a note as mrkdwn, with links kept but broadcasts defused', () => {
    const note = '*Next:* rotate the key, then call <https://wiki.example/oncall|the on-call lead>.\nUser agent seen: <!here>';
    const step = { ...checkStep([]), kind: 'note' as const, findings: undefined, note };
    const text = blockText(renderStepReply(ctx, step).message.blocks);
    expect(text).toContain('*Next:* rotate the key, then call <https://wiki.example/oncall|the on-call lead>.');
    expect(text).toContain('&lt;!here&gt;');
    expect(text).not.toContain('<!here>');
  });

  it('points from a gated remediation step to the approval message', () => {
    const step = { ...checkStep([]), kind: 'remediate' as const, status: 'gated' as const, findings: undefined, plan: plan() };
    const text = blockText(renderStepReply(ctx, step).message.blocks);
    expect(text).toContain('*Remediation proposed:* `iam.deactivate-access-key`');
    expect(text).toContain('nothing runs until it is approved');
  });
});

describe('the approval message', () => {
  const pending = approvalView();
  const message = renderApprovalMessage(pending);
  const text = blockText(message.blocks);

  it('shows the plan: action, targets, the exact API calls, reversibility', () => {
    expect(text).toContain('Approval needed: iam.deactivate-access-key');
    expect(text).toContain('user `alice`, access_key_id `AKIAIOSFODNN7EXAMPLE`');
    expect(text).toContain('`iam:UpdateAccessKey {"UserName":"alice","AccessKeyId":"AKIAIOSFODNN7EXAMPLE","Status":"Inactive"}`');
    expect(text).toContain('*Reversible*\nyes');
  });

  it('shows the policy: approvers, how many, self-approval, expiry', () => {
    expect(text).toContain('Approvers: <@U0APPROVE1>, <@U0APPROVE2>, @secops-leads');
    expect(text).toContain('needs 2 distinct approvals');
    expect(text).toContain('the requester may not approve');
    expect(text).toContain('2026-11-02 13:00:05 UTC');
  });

  it('has Approve and Deny buttons whose value is only the approval id', () => {
    const buttons = buttonsOf(message.blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([APPROVE_ACTION_ID, DENY_ACTION_ID]);
    for (const b of buttons) expect(b.value).toBe('apr_7Hq2xWv9LkT3');
    expect(JSON.stringify(message.blocks.filter((b) => b.type === 'actions'))).not.toMatch(/alice|AKIA|iam\.|r-01JD/);
  });

  it('asks for confirmation before approving an irreversible action', () => {
    const irreversible = renderApprovalMessage(approvalView({ plan: plan({ reversible: false, warnings: ['Deleting the key breaks the CI pipeline'] }) }));
    expect(buttonsOf(irreversible.blocks)[0]!.confirm).toBeDefined();
    expect(blockText(irreversible.blocks)).toContain('⚠️ *no*: this cannot be undone');
    expect(blockText(irreversible.blocks)).toContain('⚠️ Deleting the key breaks the CI pipeline');
    expect(buttonsOf(message.blocks)[0]!.confirm).toBeUndefined();
  });

  const decided = (overrides: Partial<ApprovalView>) => {
    const m = renderApprovalMessage(approvalView(overrides));
    expect(blockKitProblems(m)).toEqual([]);
    return { text: blockText(m.blocks), buttons: buttonsOf(m.blocks), fallback: m.text };
  };
  const first = { userId: 'U0APPROVE1', decision: 'approve' as const, at: '2026-11-02T12:10:00Z' };
  const second = { userId: 'U0APPROVE2', decision: 'approve' as const, at: '2026-11-02T12:12:30Z' };

  it('after one of two approvals: who and when, the count, buttons still there', () => {
    const m = decided({ decisions: [first] });
    expect(m.text).toContain('1 of 2 approvals');
    expect(m.text).toContain('✅ <@U0APPROVE1> approved <!date^');
    expect(m.text).toContain('2026-11-02 12:10:00 UTC');
    expect(m.buttons).toHaveLength(2);
  });

  it('once executed as a dry run: both approvers, the outcome, no buttons', () => {
    const m = decided({
      status: 'executed',
      decisions: [first, second],
      execution: { dryRun: true, detail: 'Would call iam:UpdateAccessKey for alice' },
    });
    expect(m.text).toContain('*Approved* by <@U0APPROVE1>, <@U0APPROVE2> and *executed* (dry run: nothing was changed in AWS)');
    expect(m.text).toContain('Would call iam:UpdateAccessKey for alice');
    expect(m.buttons).toEqual([]);
    expect(m.fallback).toMatch(/^Executed \(dry run\)/);
  });

  it('once denied: by whom, when and why, no buttons', () => {
    const m = decided({ status: 'denied', decisions: [{ userId: 'U0APPROVE2', decision: 'deny', at: '2026-11-02T12:11:00Z', reason: 'Key belongs to the <prod> CI; rotating first' }] });
    expect(m.text).toContain('🚫 *Denied* by <@U0APPROVE2>');
    expect(m.text).toContain('“Key belongs to the &lt;prod&gt; CI; rotating first”');
    expect(m.buttons).toEqual([]);
  });

  it('once expired or failed: says so, no buttons', () => {
    const expired = decided({ status: 'expired', decisions: [first] });
    expect(expired.text).toContain('⌛ *Expired*');
    expect(expired.text).toContain('with 1 of 2 approvals. Nothing was executed.');
    expect(expired.buttons).toEqual([]);
    const failed = decided({ status: 'failed', decisions: [first, second], execution: { dryRun: false, error: 'AccessDenied: iam:UpdateAccessKey' } });
    expect(failed.text).toContain('*execution failed*: AccessDenied: iam:UpdateAccessKey');
    expect(failed.buttons).toEqual([]);
  });
});

describe('the approval message from an approval store record', () => {
  const record: Approval = {
    id: 'apr_7Hq2xWv9LkT3',
    runId: 'r-01JD3Q6Z8K4M2N',
    runbookId: 'access-key-leak',
    stepId: 'deactivate',
    plan: plan(),
    policy: { approvers: ['U0APPROVE1'], min_approvals: 1, expires_in: '1h', allow_self_approval: true, expires_at: '2026-11-02T13:00:05.000Z' },
    requestedBy: 'U024BE7LH',
    state: 'executed',
    decisions: [{ user: 'U0APPROVE1', decision: 'approve', at: '2026-11-02T12:10:00.000Z' }],
    createdAt: '2026-11-02T12:00:05.000Z',
    outcome: { summary: 'dry run: would deactivate 1 key', dryRun: true },
  };

  it('shows the record as it stands: approvers, votes, outcome, no buttons once decided', () => {
    const message = renderApprovalMessage(approvalViewOf(record));
    const text = blockText(message.blocks);
    expect(text).toContain('needs 1 distinct approval · the requester may approve');
    expect(text).toContain('*Approved* by <@U0APPROVE1> and *executed* (dry run: nothing was changed in AWS)');
    expect(text).toContain('dry run: would deactivate 1 key');
    expect(buttonsOf(message.blocks)).toEqual([]);
  });

  it('shows an execution failure with its error', () => {
    const failed = renderApprovalMessage(approvalViewOf({ ...record, state: 'failed', outcome: { error: 'AccessDenied' } }));
    expect(blockText(failed.blocks)).toContain('*execution failed*: AccessDenied');
  });
});

describe('the Deny modal', () => {
  it('carries the approval id in private_metadata and asks for an optional reason', () => {
    const view = renderDenyModal({ approvalId: 'apr_7Hq2xWv9LkT3', action: 'iam.deactivate-access-key', summary: 'Deactivate key of alice' });
    expect(view.callback_id).toBe(DENY_MODAL_CALLBACK_ID);
    expect(view.private_metadata).toBe('apr_7Hq2xWv9LkT3');
    const input = view.blocks.find((b) => b.type === 'input') as { optional?: boolean } | undefined;
    expect(input?.optional).toBe(true);
    expect(blockKitProblems({ blocks: view.blocks }, 100)).toEqual([]);
    expect((view.title as { text: string }).text.length).toBeLessThanOrEqual(24);
  });

  it('reads the typed reason back from the submission, or none', () => {
    expect(readDenyReason({ deny_reason: { reason: { value: '  not during the freeze  ' } } })).toBe('not during the freeze');
    expect(readDenyReason({ deny_reason: { reason: { value: null } } })).toBeUndefined();
    expect(readDenyReason(undefined)).toBeUndefined();
  });
});

describe('/investigate help and status', () => {
  const runbooks: HelpRunbook[] = [
    {
      id: 'root-activity',
      title: 'Root account activity',
      severity: 'critical',
      params: {},
    },
    {
      id: 'access-key-leak',
      title: 'A leaked access key',
      severity: 'high',
      params: {
        access_key_id: { type: 'access_key_id', required: true, list: false },
        mode: { type: 'enum', required: false, list: false, values: ['quick', 'full'], default: 'quick' },
      },
    },
  ];

  it('shows the usage and every runbook with its parameters', () => {
    const text = blockText(renderHelp(runbooks).blocks);
    expect(text).toContain('`/investigate &lt;runbook&gt; [name=value …]`');
    expect(text).toContain('`/investigate status &lt;run-id&gt;`');
    expect(text).toContain('🟠 `access-key-leak` A leaked access key');
    expect(text).toContain('`access_key_id*=&lt;access_key_id&gt;` `mode=&lt;quick|full&gt;`');
    expect(text.indexOf('access-key-leak')).toBeLessThan(text.indexOf('root-activity` Root'));
  });

  it('shows where a run is, step by step', () => {
    const ctx = runContext();
    const message = renderRunStatus({
      title: 'A leaked access key',
      context: ctx,
      status: 'running',
      steps: [
        { id: 'key_activity', title: 'Calls made with the key' },
        { id: 'checks', title: 'Is the use suspicious?' },
        { id: 'deactivate', title: 'Deactivate the key' },
      ],
      finished: [queryStep(cloudTrailRows(12))],
      threadUrl: 'https://fake-workspace.slack.com/archives/C0SECOPS/p1793620800000100',
    });
    const text = blockText(message.blocks);
    expect(text).toContain('Steps: 1 of 3 finished');
    expect(text).toContain('✅ Calls made with the key `key_activity`: 12 rows');
    expect(text).toContain('▶️ Is the use suspicious? `checks`: running');
    expect(text).toContain('◻️ Deactivate the key `deactivate`');
    expect(text).toContain('<https://fake-workspace.slack.com/archives/C0SECOPS/p1793620800000100|Open the run');
  });

  it('says when a run id is unknown', () => {
    expect(renderRunNotFound('r-nope').text).toBe('No run r-nope is known');
  });
});

describe('notices', () => {
  it('lists every problem of a refused command', () => {
    const message = renderRefusal('Could not start access-key-leak', ['access_key_id: "AKIA1" is not an access key id', 'since: required']);
    expect(blockText(message.blocks)).toBe(
      '⚠️ Could not start access-key-leak\n• access_key_id: "AKIA1" is not an access key id\n• since: required',
    );
  });

  it('notes a recovered alarm with its time', () => {
    const message = renderAlarmRecovered({ alarmName: 'RootAccountUsage', state: 'OK', stateChangeTime: '2026-11-02T12:30:00.000Z', region: 'us-east-1' });
    expect(blockText(message.blocks)).toContain('✅ `RootAccountUsage` is back to *OK* <!date^');
  });
});

describe('a gate closed by a denial', () => {
  it('names the person as a mention and shows their reason as text, never as markup', () => {
    const ctx = { runId: 'r1', runbookId: 'x', params: {}, window: { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z' }, requestedBy: 'U0REQ', source: 'slash' as const };
    const step = {
      stepId: 'deactivate',
      title: 'Deactivate the key',
      kind: 'remediate' as const,
      status: 'skipped' as const,
      startedAt: '2026-11-02T10:00:00Z',
      finishedAt: '2026-11-02T10:05:00Z',
      reason: 'denied by U0CAROL: <!channel> it is the CI key',
      decision: { state: 'denied' as const, by: 'U0CAROL', reason: '<!channel> it is the CI key' },
    };
    const text = JSON.stringify(renderStepReply(ctx, step).message.blocks);
    expect(text).toContain('denied by <@U0CAROL>: &lt;!channel&gt; it is the CI key');
  });
});
