/**
 * The account a remediation acts in. One approval acts in one account, and its message says
 * which, so nobody approves a change in an account they did not see named.
 *
 * In order:
 * 1. the run's own account: the alarm's, else its `account` parameter. Rows whose `account`
 *    column names another account are left out of the plan, and the plan says so: acting in
 *    the run's account on a user of another account would change the wrong user, or none;
 * 2. else the account the rows acted on name in their `account` column (the built-in
 *    runbooks select the target principal's account under that name). Rows naming several
 *    accounts are refused, naming them: the responder picks one with `account=`.
 * Rows that name no account (no such column, or an empty cell) are kept.
 */
import { ACCOUNT_ID } from '../model/values/aws-ids.js';
import type { Row } from '../model/query.js';
import type { PlanAccountSource } from '../model/run.js';
import { RemediationPlanError } from './action.js';

/** The column of a remediation's rows that names the account of each target. */
export const ACCOUNT_COLUMN = 'account';


/** The account the run itself is about, when it has one. */
export interface RunAccount {
  id: string;
  from: Extract<PlanAccountSource, 'alarm' | 'parameter'>;
}

export interface AccountScope {
  /** The rows to plan from, each with its index among the step's rows (problems name rows by it). */
  rows: Array<{ index: number; row: Row }>;
  accountId?: string;
  accountFrom?: PlanAccountSource;
  /** Rows left out because they name another account than the run's: account → how many. */
  leftOut: Map<string, number>;
}

const FROM_WORDS: Record<PlanAccountSource, string> = {
  alarm: "the alarm's account",
  parameter: "the run's account parameter",
  rows: 'the account the rows name',
};

export function describeAccountSource(from: PlanAccountSource): string {
  return FROM_WORDS[from];
}

/** Throws RemediationPlanError for a cell that is not an account id and for rows spanning accounts without a run account. */
export function scopeToAccount(rows: readonly Row[], run: RunAccount | undefined, action: string, forEach: string | undefined): AccountScope {
  const named = rows.map((row, index) => ({ index, row, account: accountOf(row, index, action) }));
  if (run) {
    const leftOut = new Map<string, number>();
    const kept = named.filter(({ account }) => {
      if (account === undefined || account === run.id) return true;
      leftOut.set(account, (leftOut.get(account) ?? 0) + 1);
      return false;
    });
    return { rows: kept, accountId: run.id, accountFrom: run.from, leftOut };
  }

  const byAccount = new Map<string, number>();
  for (const { account } of named) if (account !== undefined) byAccount.set(account, (byAccount.get(account) ?? 0) + 1);
  if (byAccount.size > 1) {
    const listed = [...byAccount].map(([account, n]) => `${account} (${n} row${n === 1 ? '' : 's'})`).join(', ');
    throw new RemediationPlanError([
      {
        kind: 'account',
        action,
        message:
          `the rows of ${forEach ?? 'this step'} are in ${byAccount.size} accounts: ${listed}, and one approval acts in one account. ` +
          `Run the runbook again with account=<id> for each of them`,
      },
    ]);
  }
  const [only] = byAccount.keys();
  return { rows: named, ...(only ? { accountId: only, accountFrom: 'rows' as const } : {}), leftOut: new Map() };
}

/** One sentence on the rows left out, for the plan's warnings (and its summary when nothing is left). */
export function leftOutSentence(scope: AccountScope, forEach: string | undefined): string | undefined {
  if (scope.leftOut.size === 0 || !scope.accountId) return undefined;
  const accounts = [...scope.leftOut.keys()];
  const rows = [...scope.leftOut.values()].reduce((a, b) => a + b, 0);
  return (
    `${rows} row${rows === 1 ? '' : 's'} of ${forEach ?? 'this step'} in account ${accounts.join(', ')} ` +
    `${rows === 1 ? 'is' : 'are'} left out: this approval acts in ${scope.accountId} only (${describeAccountSource(scope.accountFrom!)}). ` +
    `Run the runbook again with account=${accounts[0]}${accounts.length > 1 ? ' (and each other account)' : ''} for ${rows === 1 ? 'it' : 'them'}`
  );
}

function accountOf(row: Row, index: number, action: string): string | undefined {
  const cell = row[ACCOUNT_COLUMN];
  if (cell === null || cell === undefined || cell === '') return undefined;
  const account = String(cell);
  if (ACCOUNT_ID.test(account)) return account;
  throw new RemediationPlanError([
    { kind: 'account', action, row: index, message: `${ACCOUNT_COLUMN} ${JSON.stringify(account)} is not an AWS account id (12 digits)` },
  ]);
}
