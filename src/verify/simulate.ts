/**
 * Asking IAM's policy simulator one question and reading its answer: the decision, the
 * statements that made it (policy and position), the context keys it lacked, and what
 * Organizations and the permission boundary contributed.
 */
import type { EvaluationResult, IAMClient, SimulatePrincipalPolicyCommandInput } from '@aws-sdk/client-iam';
import { describeAwsError } from '../remediation/iam/errors.js';
import type { AccessAnswer, AccessDecision, MatchedStatement } from '../model/run.js';
import type { AccessQuestion } from './questions.js';

/** The answer to a question the simulator was not asked (no AWS access, or a caller it cannot simulate). */
export function unaskedAnswer(q: AccessQuestion, note?: string): AccessAnswer {
  const why = q.who.notSimulated ?? note;
  return { ...base(q), decision: 'not-simulated', statements: [], missingContext: [], ...(why ? { note: why } : {}) };
}

/** The answer to a question IAM could not be asked or did not answer. */
export function errorAnswer(q: AccessQuestion, note: string): AccessAnswer {
  return { ...base(q), decision: 'error', statements: [], missingContext: [], note };
}

export async function simulate(iam: IAMClient, q: AccessQuestion, signal?: AbortSignal): Promise<AccessAnswer> {
  if (!q.request) return unaskedAnswer(q);
  // Imported here, not at the top: `ctrb explain` and `validate` compile verify_access steps
  // without asking IAM anything, and need not load the SDK.
  const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam');
  let result: EvaluationResult | undefined;
  try {
    const out = await iam.send(new SimulatePrincipalPolicyCommand(q.request.params as unknown as SimulatePrincipalPolicyCommandInput), { abortSignal: signal });
    result = out.EvaluationResults?.[0];
  } catch (e) {
    return errorAnswer(q, `iam:SimulatePrincipalPolicy failed: ${describeAwsError(e)}`);
  }
  if (!result) return errorAnswer(q, 'the simulator returned no evaluation');
  const decision = decisionOf(result.EvalDecision);
  return {
    ...base(q),
    decision,
    statements: (result.MatchedStatements ?? []).map(statementOf),
    missingContext: result.MissingContextValues ?? [],
    ...(result.OrganizationsDecisionDetail?.AllowedByOrganizations !== undefined
      ? { allowedByOrganizations: result.OrganizationsDecisionDetail.AllowedByOrganizations }
      : {}),
    ...(result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary !== undefined
      ? { allowedByBoundary: result.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary }
      : {}),
  };
}

function base(q: AccessQuestion): Pick<AccessAnswer, 'principal' | 'callers' | 'simulated' | 'action' | 'resource' | 'context' | 'rows'> {
  return {
    principal: q.principal,
    callers: q.callers.length,
    ...(q.who.policySourceArn ? { simulated: q.who.policySourceArn } : {}),
    action: q.action,
    resource: q.resource,
    context: q.context,
    rows: q.rows,
  };
}

function decisionOf(value: string | undefined): AccessDecision {
  return value === 'allowed' || value === 'explicitDeny' || value === 'implicitDeny' ? value : 'error';
}

function statementOf(m: NonNullable<EvaluationResult['MatchedStatements']>[number]): MatchedStatement {
  const position = (p: { Line?: number; Column?: number } | undefined) =>
    p?.Line !== undefined && p.Column !== undefined ? { line: p.Line, column: p.Column } : undefined;
  const start = position(m.StartPosition);
  const end = position(m.EndPosition);
  return {
    policyId: m.SourcePolicyId ?? 'unknown policy',
    ...(m.SourcePolicyType ? { policyType: m.SourcePolicyType } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
  };
}
