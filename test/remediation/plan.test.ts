import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/model/query.js';
import { planRemediation, RemediationPlanError } from '../../src/remediation/index.js';
import { celVariables, compileChecks } from '../../src/runbook/cel.js';
import { remediateSchema, runbookSchema, type RemediateSpec } from '../../src/runbook/schema.js';

const NOW = new Date('2026-11-02T03:04:05.000Z');
const VARS = celVariables(
  { params: { user: 'alice', key: 'AKIAIOSFODNN7EXAMPLE' }, window: { start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z' } },
  [],
);

const KEYS: Row[] = [
  { userName: 'alice', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', eventID: 'e1' },
  { userName: 'alice', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', eventID: 'e2' },
  { userName: 'bob', accessKeyId: 'AKIABBBBBBBBBBBBBBBB', eventID: 'e3' },
];

/** A remediate step as a runbook writes it (the approval policy is not what these tests are about). */
function spec(fields: object): RemediateSpec {
  return remediateSchema.parse({ approval: { approvers: ['@security-oncall'] }, ...fields });
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RemediationPlanError);
    return (e as RemediationPlanError).message.split('\n');
  }
  throw new Error('expected planning to fail');
}

describe('planRemediation', () => {
  it('targets only the for_each rows its `where` keeps, and refuses a `where` without for_each', () => {
    const plan = planRemediation(
      spec({ action: 'iam.deactivate-access-key', for_each: 'keys', where: "row.userName == 'bob'", inputs: { user_name: 'row.userName', access_key_id: 'row.accessKeyId' } }),
      KEYS,
      VARS,
      { now: NOW },
    );
    expect(plan.targets).toEqual([{ user_name: 'bob', access_key_id: 'AKIABBBBBBBBBBBBBBBB' }]);
    const none = planRemediation(
      spec({ action: 'iam.deactivate-access-key', for_each: 'keys', where: "row.userName == 'carol'", inputs: { user_name: 'row.userName', access_key_id: 'row.accessKeyId' } }),
      KEYS,
      VARS,
      { now: NOW },
    );
    expect(none.targets).toEqual([]);
    expect(() => spec({ action: 'iam.quarantine-user', where: 'true', inputs: { user_name: "'bob'" } })).toThrow(/`where` picks among the rows of `for_each`/);
  });

  it('plans one target per distinct inputs over the for_each rows', () => {
    const plan = planRemediation(
      spec({
        action: 'iam.deactivate-access-key',
        for_each: 'keys',
        inputs: { user_name: 'row.userName', access_key_id: 'row.accessKeyId' },
      }),
      KEYS,
      VARS,
      { now: NOW },
    );
    expect(plan.targets).toEqual([
      { user_name: 'alice', access_key_id: 'AKIAAAAAAAAAAAAAAAAA' },
      { user_name: 'bob', access_key_id: 'AKIABBBBBBBBBBBBBBBB' },
    ]);
    expect(plan.calls.map((c) => c.params)).toEqual([
      { UserName: 'alice', AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA', Status: 'Inactive' },
      { UserName: 'bob', AccessKeyId: 'AKIABBBBBBBBBBBBBBBB', Status: 'Inactive' },
    ]);
    expect(plan.summary).toBe(
      'iam.deactivate-access-key on 2 targets: Deactivate access key AKIAAAAAAAAAAAAAAAAA of IAM user alice; Deactivate access key AKIABBBBBBBBBBBBBBBB of IAM user bob',
    );
    expect(plan.reversible).toBe(true);
    // The same warnings for every target are shown once.
    expect(plan.warnings).toHaveLength(2);
  });

  it('without for_each, evaluates the inputs once from params', () => {
    const plan = planRemediation(
      spec({ action: 'iam.quarantine-user', inputs: { user_name: 'params.user' } }),
      [],
      VARS,
      { now: NOW },
    );
    expect(plan.targets).toEqual([{ user_name: 'alice' }]);
    expect(plan.calls).toHaveLength(2);
  });

  it('no rows means nothing to do, not an error', () => {
    const plan = planRemediation(
      spec({ action: 'iam.quarantine-user', for_each: 'keys', inputs: { user_name: 'row.userName' } }),
      [],
      VARS,
    );
    expect(plan).toMatchObject({ targets: [], calls: [], summary: 'iam.quarantine-user: nothing to do (no rows in keys)' });
  });

  it('accepts the inputs compileChecks compiled', () => {
    const runbook = runbookSchema.parse({
      id: 'leaked-key',
      title: 'Leaked key',
      summary: 'x',
      severity: 'high',
      steps: [
        { id: 'keys', query: { where: { eventName: 'CreateAccessKey' } } },
        { id: 'lock', remediate: { action: 'iam.remove-user-from-group', for_each: 'keys', inputs: { user_name: 'row.userName', group_name: '"admins"' }, approval: { approvers: ['@security-oncall'] } } },
      ],
    });
    const compiled = compileChecks(runbook).steps.get('lock')!.inputs!;
    const lock = runbook.steps[1]!;
    if (!('remediate' in lock)) throw new Error('expected a remediate step');
    const plan = planRemediation(lock.remediate, KEYS, VARS, { compiledInputs: compiled });
    expect(plan.calls.map((c) => c.params)).toEqual([
      { GroupName: 'admins', UserName: 'alice' },
      { GroupName: 'admins', UserName: 'bob' },
    ]);
  });

  it('refuses the whole plan when a row names the root user', () => {
    const rows: Row[] = [{ arn: 'arn:aws:iam::123456789012:user/alice' }, { arn: 'arn:aws:iam::123456789012:root' }];
    expect(
      problems(() =>
        planRemediation(spec({ action: 'iam.quarantine-user', for_each: 'who', inputs: { user_name: 'row.arn' } }), rows, VARS),
      ),
    ).toEqual([
      'row 1: iam.quarantine-user: input user_name: "arn:aws:iam::123456789012:user/alice" is not an IAM user name (expected 1 to 64 letters, digits or + = , . @ _ -, e.g. alice)',
      'row 2: iam.quarantine-user: input user_name: "arn:aws:iam::123456789012:root" is the root user: the root user cannot be restricted through IAM. Secure it by hand instead: follow the manual steps in this runbook\'s note (sign in as root, reset the password, enable MFA, delete root access keys)',
    ]);
  });

  it('reports inputs that fail to evaluate or give no text, once per distinct problem', () => {
    expect(
      problems(() =>
        planRemediation(
          spec({ action: 'iam.deactivate-access-key', for_each: 'keys', inputs: { user_name: 'row.user', access_key_id: 'row.accessKeyId' } }),
          KEYS,
          VARS,
        ),
      ),
    ).toEqual(['row 1: iam.deactivate-access-key: input user_name: row.user: field not found: user']);
    expect(
      problems(() =>
        planRemediation(spec({ action: 'iam.quarantine-user', for_each: 'keys', inputs: { user_name: 'row.eventID == "e1"' } }), KEYS, VARS),
      ),
    ).toEqual(['row 1: iam.quarantine-user: input user_name: row.eventID == "e1" must give text, not true/false']);
  });

  it('a null cell leaves the input missing', () => {
    expect(
      problems(() =>
        planRemediation(spec({ action: 'iam.quarantine-user', for_each: 'keys', inputs: { user_name: 'row.userName' } }), [{ userName: null }], VARS),
      ),
    ).toEqual(['row 1: iam.quarantine-user: input user_name: is missing']);
  });

  it('an unknown action is refused with a suggestion before anything is evaluated', () => {
    expect(
      problems(() => planRemediation(spec({ action: 'iam.deactivate-key', inputs: { user_name: 'params.user' } }), [], VARS)),
    ).toEqual([
      expect.stringMatching(/^iam\.deactivate-key: no such remediation action \(did you mean iam\.deactivate-access-key\? available: /),
    ]);
  });
});
