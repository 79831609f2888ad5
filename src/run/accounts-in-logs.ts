/**
 * The accounts whose trails a log set holds: every recipientAccountId in the window. A sweep
 * counts them among the own accounts, so that calls between an organization's accounts are
 * not reported as access from outside when nobody listed them.
 */
import type { QueryEngine } from '../query/engine.js';
import type { TimeWindow } from '../model/query.js';
import { isAccountId } from '../model/values/aws-ids.js';
import { runbookSchema } from '../runbook/schema.js';
import { newRunContext } from './context.js';
import { prepareRunbook, type PreparedRunbook } from './prepare.js';
import type { Reporter } from './reporter.js';
import { runRunbook } from './runner.js';

/** One query, written as a runbook so it runs (and loads its one field) like any other. */
export const ACCOUNTS_IN_LOGS: PreparedRunbook = prepareRunbook(
  runbookSchema.parse({
    id: 'accounts-in-logs',
    title: 'Accounts whose trails are read',
    summary: 'Every account that recorded events in the window.',
    severity: 'info',
    steps: [{ id: 'accounts', query: { group: { by: ['recipientAccountId as account'], count: 'events' }, order: 'account asc' } }],
  }),
);

export async function accountsInLogs(engine: QueryEngine, window: TimeWindow): Promise<string[]> {
  const quiet: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
  const ctx = newRunContext({ runbookId: 'accounts-in-logs', params: {}, window, requestedBy: 'sweep', source: 'sweep' });
  const result = await runRunbook(ACCOUNTS_IN_LOGS, ctx, { engine, reporter: quiet, gates: 'plan' });
  const step = result.steps.find((s) => s.stepId === 'accounts');
  if (!step || step.status === 'failed') throw new Error(`could not list the accounts in the logs: ${step?.reason ?? 'the query did not run'}`);
  return (step.query?.rows ?? []).map((r) => r.account).filter((a): a is string => typeof a === 'string' && isAccountId(a));
}
