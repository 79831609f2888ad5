/**
 * From a runbook's `remediate` step to one plan: the step's `inputs` expressions are
 * evaluated per row of `for_each` (or once), the same target found on many rows is planned
 * once, every target is validated by the action, and every problem is reported together.
 * The plan names the one account it acts in (account.ts).
 */
import type { CelInput, CelValue } from '@bufbuild/cel';
import type { Row } from '../model/query.js';
import type { RemediationPlan } from '../model/run.js';
import { CelEvaluationError, CelExpression, type CelVariables } from '../runbook/cel.js';
import { rowToCel } from '../runbook/cel-env.js';
import type { RemediateSpec } from '../runbook/schema.js';
import { RemediationPlanError, type PlanContext, type RemediationAction, type RemediationProblem } from './action.js';
import { getAction } from './catalogue.js';
import { leftOutSentence, scopeToAccount, type AccountScope, type RunAccount } from './account.js';

export interface PlanRemediationOptions extends Omit<Partial<PlanContext>, 'accountId'> {
  /** The run's own account (the alarm's, or its `account` parameter); else the rows' `account` column decides. */
  runAccount?: RunAccount;
  /**
   * Whether this deployment can act in the account found (undefined: none found): a sentence
   * saying why not refuses the plan now, before anyone approves it. Without it, any will do.
   */
  accountProblem?: (accountId: string | undefined) => string | undefined;
  /** The step's inputs as `compileChecks` compiled them; compiled here when absent. */
  compiledInputs?: Record<string, CelExpression>;
  /** The step's `where`, compiled with the runbook. */
  compiledWhere?: CelExpression;
  /** For error locations. */
  runbookId?: string;
  stepId?: string;
}

export function planRemediation(
  spec: RemediateSpec,
  rows: readonly Row[],
  vars: CelVariables,
  options: PlanRemediationOptions = {},
): RemediationPlan {
  const action = getAction(spec.action);
  const inputs = options.compiledInputs ?? compileInputs(spec, options);
  const problems: RemediationProblem[] = [];
  const targetRows = spec.for_each === undefined ? [] : rowsWhere(spec, rows, vars, options);
  const scope = scopeToAccount(targetRows, options.runAccount, action.name, spec.for_each);

  // One evaluation per row under for_each, else one with no row.
  const evaluations: Array<{ row?: number; bindings: Record<string, CelInput> }> =
    spec.for_each === undefined
      ? [{ bindings: { ...vars } }]
      : scope.rows.map(({ index, row }) => ({ row: index, bindings: { ...vars, row: rowToCel(row) } }));

  const targets = new Map<string, { row?: number; inputs: Record<string, string> }>();
  for (const { row, bindings } of evaluations) {
    const target = evaluateInputs(action, inputs, bindings, row, problems);
    if (!target) continue;
    // The same user on fifty rows is one user to quarantine, and one call.
    const key = JSON.stringify(Object.entries(target).sort(([a], [b]) => a.localeCompare(b)));
    if (!targets.has(key)) targets.set(key, { row, inputs: target });
  }

  const ctx: PlanContext = {
    now: options.now ?? new Date(),
    partition: options.partition ?? 'aws',
    ...(options.protectedPrincipals ? { protectedPrincipals: options.protectedPrincipals } : {}),
    ...(scope.accountId ? { accountId: scope.accountId } : {}),
  };
  const plans: RemediationPlan[] = [];
  for (const { row, inputs: target } of targets.values()) {
    try {
      plans.push(action.plan(target, ctx));
    } catch (e) {
      if (!(e instanceof RemediationPlanError)) throw e;
      problems.push(...e.problems.map((p) => (row === undefined ? p : { ...p, row })));
    }
  }
  if (problems.length === 0 && plans.length > 0) {
    const refused = options.accountProblem?.(scope.accountId);
    if (refused) problems.push({ kind: 'account', action: action.name, message: accountRefusal(refused, scope, spec.for_each) });
  }
  if (problems.length > 0) throw new RemediationPlanError(dedupe(problems));
  return withAccount(mergePlans(action, plans, spec.for_each), scope, spec.for_each);
}

/** The plan with its account, and the rows left out for naming another account, said in it. */
function withAccount(plan: RemediationPlan, scope: AccountScope, forEach: string | undefined): RemediationPlan {
  const leftOut = leftOutSentence(scope, forEach);
  return {
    ...plan,
    ...(plan.targets.length === 0 && leftOut ? { summary: `${plan.action}: nothing to do in account ${scope.accountId}: ${leftOut}` } : {}),
    ...(leftOut && plan.targets.length > 0 ? { warnings: [...plan.warnings, leftOut] } : {}),
    ...(scope.accountId ? { accountId: scope.accountId, accountFrom: scope.accountFrom! } : {}),
  };
}

function accountRefusal(why: string, scope: AccountScope, forEach: string | undefined): string {
  if (scope.accountId) return why;
  const rows = forEach ? `the rows of ${forEach} name none in an \`account\` column` : 'the step has no rows to name one';
  return `no account to act in: ${rows} and the run names none (no alarm account, no account parameter), but ${why}. Run the runbook again with account=<12-digit account id>`;
}

/** The for_each rows `where` keeps (all of them without one). */
function rowsWhere(spec: RemediateSpec, rows: readonly Row[], vars: CelVariables, options: PlanRemediationOptions): readonly Row[] {
  if (spec.where === undefined) return rows;
  const where =
    options.compiledWhere ??
    CelExpression.compile(spec.where, { runbook: options.runbookId ?? '', stepId: options.stepId ?? '', field: 'remediate.where' }, { row: true });
  return rows.filter((row) => where.test({ ...vars, row: rowToCel(row) }));
}

function compileInputs(spec: RemediateSpec, options: PlanRemediationOptions): Record<string, CelExpression> {
  const compiled: Record<string, CelExpression> = {};
  for (const [name, source] of Object.entries(spec.inputs)) {
    const location = { runbook: options.runbookId ?? '', stepId: options.stepId ?? '', field: `remediate.inputs.${name}` };
    compiled[name] = CelExpression.compile(source, location, { row: spec.for_each !== undefined });
  }
  return compiled;
}

/** The inputs of one target as text; a problem per input that cannot be evaluated. */
function evaluateInputs(
  action: RemediationAction,
  inputs: Record<string, CelExpression>,
  bindings: Record<string, CelInput>,
  row: number | undefined,
  problems: RemediationProblem[],
): Record<string, string> | undefined {
  const target: Record<string, string> = {};
  let ok = true;
  for (const [name, expression] of Object.entries(inputs)) {
    const fail = (message: string) => {
      problems.push({ kind: 'evaluation', action: action.name, input: name, row, message });
      ok = false;
    };
    let value: CelValue;
    try {
      value = expression.evaluate(bindings);
    } catch (e) {
      fail(e instanceof CelEvaluationError ? e.reason : String(e));
      continue;
    }
    // A null cell leaves the input out, so the action reports it as missing.
    if (value === null) continue;
    if (typeof value === 'string') target[name] = value;
    else if (typeof value === 'bigint' || typeof value === 'number') target[name] = String(value);
    else fail(`${expression.source} must give text, not ${typeof value === 'boolean' ? 'true/false' : 'a list or map'}`);
  }
  return ok ? target : undefined;
}

function mergePlans(action: RemediationAction, plans: RemediationPlan[], forEach: string | undefined): RemediationPlan {
  const summary =
    plans.length === 0
      ? `${action.name}: nothing to do (no rows in ${forEach ?? 'the earlier results'})`
      : plans.length === 1
        ? plans[0]!.summary
        : `${action.name} on ${plans.length} targets: ${plans.map((p) => p.summary).join('; ')}`;
  return {
    action: action.name,
    summary,
    targets: plans.flatMap((p) => p.targets),
    calls: plans.flatMap((p) => p.calls),
    reversible: action.reversible,
    warnings: [...new Set(plans.flatMap((p) => p.warnings))],
  };
}

/** The same problem on many rows (a column missing from every row) is reported once, at its first row. */
function dedupe(problems: RemediationProblem[]): RemediationProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.kind, p.action, p.input, p.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
