/**
 * The account a remediation plan acts in: the run's own (alarm, `account` parameter), else the
 * one its rows name; one approval never spans two accounts, and a deployment that needs an
 * account refuses a plan without one before anyone approves it.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/model/query.js';
import { planRemediation, RemediationPlanError, type PlanRemediationOptions } from '../../src/remediation/index.js';
import { celVariables } from '../../src/runbook/cel.js';
import { remediateSchema } from '../../src/runbook/schema.js';

const A = '111122223333';
const B = '444455556666';
const VARS = celVariables({ params: {}, window: { start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z' } }, []);
const DEACTIVATE = remediateSchema.parse({
  action: 'iam.deactivate-access-key',
  for_each: 'keys',
  inputs: { user_name: 'row.user_name', access_key_id: 'row.access_key_id' },
  approval: { approvers: ['U0APPROVER'] },
});
const key = (user: string, id: string, account: string | null): Row => ({ user_name: user, access_key_id: id, account });
const ALICE = key('alice', 'AKIAAAAAAAAAAAAAAAAA', A);
const BOB = key('bob', 'AKIABBBBBBBBBBBBBBBB', B);

function plan(rows: Row[], options: PlanRemediationOptions = {}) {
  return planRemediation(DEACTIVATE, rows, VARS, options);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RemediationPlanError);
    return (e as Error).message;
  }
  throw new Error('expected planning to be refused');
}

/** A deployment with a remediation role per account, as the worker describes it. */
const perAccountRoles = (id: string | undefined): string | undefined =>
  id === undefined ? 'this deployment remediates through a role per account' : id === A || id === B ? undefined : `no remediation role is configured for account ${id}`;

describe('the account a remediation plan acts in', () => {
  it("is the rows' account when the run names none", () => {
    expect(plan([ALICE, { ...ALICE }])).toMatchObject({ accountId: A, accountFrom: 'rows', targets: [{ user_name: 'alice' }] });
  });

  it('refuses rows that span two accounts, naming both and saying what to do', () => {
    expect(refusal(() => plan([ALICE, BOB, { ...ALICE }]))).toBe(
      `iam.deactivate-access-key: the rows of keys are in 2 accounts: ${A} (2 rows), ${B} (1 row), and one approval acts in one account. Run the runbook again with account=<id> for each of them`,
    );
  });

  it("is the run's account parameter, leaving out the rows of another account and saying so", () => {
    const p = plan([ALICE, BOB], { runAccount: { id: A, from: 'parameter' } });
    expect(p).toMatchObject({ accountId: A, accountFrom: 'parameter', targets: [{ user_name: 'alice', access_key_id: 'AKIAAAAAAAAAAAAAAAAA' }] });
    expect(p.warnings).toContain(
      `1 row of keys in account ${B} is left out: this approval acts in ${A} only (the run's account parameter). Run the runbook again with account=${B} for it`,
    );
  });

  it("is the alarm's account; with every row in another account there is nothing to do there", () => {
    const p = plan([BOB], { runAccount: { id: A, from: 'alarm' } });
    expect(p.targets).toEqual([]);
    expect(p.summary).toBe(
      `iam.deactivate-access-key: nothing to do in account ${A}: 1 row of keys in account ${B} is left out: this approval acts in ${A} only (the alarm's account). Run the runbook again with account=${B} for it`,
    );
  });

  it('keeps rows that name no account, in the account the others name', () => {
    expect(plan([key('carol', 'AKIACCCCCCCCCCCCCCCC', null), ALICE])).toMatchObject({ accountId: A, targets: [{ user_name: 'carol' }, { user_name: 'alice' }] });
  });

  it('refuses an account cell that is not an account id, naming the row', () => {
    expect(refusal(() => plan([ALICE, key('bob', 'AKIABBBBBBBBBBBBBBBB', 'prod')]))).toBe(
      'row 2: iam.deactivate-access-key: account "prod" is not an AWS account id (12 digits)',
    );
  });

  it('is refused at planning when the deployment needs an account and nothing names one', () => {
    expect(refusal(() => plan([key('alice', 'AKIAAAAAAAAAAAAAAAAA', null)], { accountProblem: perAccountRoles }))).toBe(
      'iam.deactivate-access-key: no account to act in: the rows of keys name none in an `account` column and the run names none ' +
        '(no alarm account, no account parameter), but this deployment remediates through a role per account. ' +
        'Run the runbook again with account=<12-digit account id>',
    );
    expect(refusal(() => plan([key('alice', 'AKIAAAAAAAAAAAAAAAAA', '999988887777')], { accountProblem: perAccountRoles }))).toBe(
      'iam.deactivate-access-key: no remediation role is configured for account 999988887777',
    );
    // With an account it can act in, or nothing to do, nothing is refused.
    expect(plan([ALICE], { accountProblem: perAccountRoles }).accountId).toBe(A);
    expect(plan([], { accountProblem: perAccountRoles }).targets).toEqual([]);
  });

  it('names no account when nothing does and the deployment needs none', () => {
    const p = plan([key('alice', 'AKIAAAAAAAAAAAAAAAAA', null)]);
    expect(p.accountId).toBeUndefined();
    expect(p.targets).toHaveLength(1);
  });
});
