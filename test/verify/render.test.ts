/**
 * A verify_access result as its threaded reply in Slack: decisions, statements, missing
 * context and blind spots shown; CloudTrail values escaped; within Block Kit's limits however
 * many answers there are.
 */
import { describe, expect, it } from 'vitest';
import type { AccessAnswer, AccessCheck, StepResult } from '../../src/model/run.js';
import { renderStepReply } from '../../src/slack/render/index.js';
import { SIMULATOR_BLIND_SPOTS } from '../../src/verify/index.js';
import { blockKitProblems } from '../fakes/slack-api.js';
import { blockText, runContext } from '../slack/builders.js';

const answer = (overrides: Partial<AccessAnswer> = {}): AccessAnswer => ({
  principal: 'arn:aws:sts::111122223333:assumed-role/DataPipelineRole/s1',
  callers: 1,
  simulated: 'arn:aws:iam::111122223333:role/DataPipelineRole',
  action: 's3:DeleteBucket',
  resource: 'arn:aws:s3:::acme-prod-backups',
  context: [{ key: 'aws:SourceIp', type: 'ip', value: '192.0.2.77' }],
  decision: 'explicitDeny',
  statements: [{ policyId: 'protect-backups', policyType: 'role', start: { line: 12, column: 9 } }],
  missingContext: ['aws:MultiFactorAuthPresent'],
  rows: 1,
  ...overrides,
});

function step(access: AccessCheck, status: StepResult['status'] = 'ok'): StepResult {
  return { stepId: 'verify-access', title: 'Was the caller allowed to?', kind: 'verify_access', status, startedAt: '2026-11-02T03:00:00Z', finishedAt: '2026-11-02T03:00:01Z', access };
}

const simulated = (answers: AccessAnswer[]): AccessCheck => ({ mode: 'simulated', calls: [], answers, omitted: 0, blindSpots: [...SIMULATOR_BLIND_SPOTS] });

describe('the verify_access reply', () => {
  it('shows each decision with the statement, the role simulated, the missing context and the blind spots', () => {
    const reply = renderStepReply(runContext(), step(simulated([answer(), answer({ action: 's3:DeleteObject', resource: 'arn:aws:s3:::acme-prod-backups/*', decision: 'allowed', statements: [], missingContext: [] })])));
    const text = blockText(reply.message.blocks ?? []);
    expect(text).toContain('⛔ *explicitly denied*: `arn:aws:sts::111122223333:assumed-role/DataPipelineRole/s1` → `s3:DeleteBucket` on `arn:aws:s3:::acme-prod-backups`');
    expect(text).toContain('simulated as arn:aws:iam::111122223333:role/DataPipelineRole');
    expect(text).toContain('denied by role policy protect-backups (line 12, column 9)');
    expect(text).toContain('missing context keys: aws:MultiFactorAuthPresent');
    expect(text).toContain('✅ *allowed*');
    expect(text).toContain('What the simulator does not see');
    expect(text).toContain('Resource-based policies are not passed');
    expect(reply.message.text).toContain('1 explicitly denied, 1 allowed');
  });

  it('escapes values from CloudTrail rows', () => {
    const reply = renderStepReply(runContext(), step(simulated([answer({ principal: '<!channel> arn', note: '<https://evil|aws.amazon.com>' })])));
    const text = blockText(reply.message.blocks ?? []);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
  });

  it('in planned mode lists the calls it would make', () => {
    const call = { service: 'iam', operation: 'SimulatePrincipalPolicy', params: { PolicySourceArn: 'arn:aws:iam::111122223333:role/R', ActionNames: ['s3:DeleteBucket'] } };
    const reply = renderStepReply(runContext(), { ...step({ mode: 'planned', calls: [call], answers: [], omitted: 0, blindSpots: [...SIMULATOR_BLIND_SPOTS] }, 'skipped'), reason: 'needs AWS access' });
    const text = blockText(reply.message.blocks ?? []);
    expect(text).toContain('*Would ask IAM* (not asked: no AWS access here)');
    expect(text).toContain('iam:SimulatePrincipalPolicy {"PolicySourceArn":"arn:aws:iam::111122223333:role/R"');
  });

  it('stays within Block Kit\'s limits with many long answers', () => {
    const many = Array.from({ length: 100 }, (_, i) => answer({ principal: `arn:aws:iam::111122223333:user/${'u'.repeat(60)}${i}`, note: 'x'.repeat(500) }));
    const reply = renderStepReply(runContext(), step({ ...simulated(many), omitted: 7 }));
    expect(blockKitProblems(reply.message)).toEqual([]);
    expect(blockText(reply.message.blocks ?? [])).toMatch(/more questions? not shown/);
  });
});
