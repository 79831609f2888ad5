/**
 * The `verify_access` step: "was the caller allowed to?" for each distinct call an earlier
 * step found. With AWS access (the workers, the query role of the caller's account) each
 * question is one SimulatePrincipalPolicy call; without it (the terminal) the step lists the
 * exact calls it would make, like a remediation plan, and is skipped without failing the run.
 * A question IAM could not answer is reported in its answer and does not fail the run either:
 * this step informs the responder, it does not gate anything.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Row } from '../model/query.js';
import type { AccessAnswer, AccessCheck, StepResult } from '../model/run.js';
import type { CelVariables } from '../runbook/cel.js';
import { SIMULATOR_BLIND_SPOTS } from './blind-spots.js';
import { accessQuestions, type CompiledVerifyAccess } from './questions.js';
import { errorAnswer, simulate, unaskedAnswer } from './simulate.js';

/** IAM clients for the simulator's calls, with the query role of the account asked about. */
export interface AccessSimulator {
  iamFor(accountId: string | undefined): IAMClient;
}

export const NEEDS_AWS =
  'needs AWS access (iam:SimulatePrincipalPolicy with the query role), which this run does not have (the terminal, or a worker with no AWS configured); the calls it would make are listed';

export type VerifyAccessOutcome = Pick<StepResult, 'status' | 'access' | 'reason' | 'warnings'>;

export async function runVerifyAccess(
  step: CompiledVerifyAccess,
  rows: readonly Row[],
  vars: CelVariables,
  simulator: AccessSimulator | undefined,
  signal?: AbortSignal,
): Promise<VerifyAccessOutcome> {
  const { questions, omitted, problems } = accessQuestions(step, rows, vars);
  const warnings = [
    ...problems,
    ...new Set(questions.flatMap((q) => q.skippedContext)),
    ...(omitted > 0 ? [`${omitted} more distinct ${omitted === 1 ? 'question was' : 'questions were'} not asked (limit ${step.spec.limit})`] : []),
  ];
  const calls = questions.flatMap((q) => (q.request ? [q.request] : []));
  const check = (mode: AccessCheck['mode'], answers: AccessAnswer[]): AccessCheck => ({ mode, calls, answers, omitted, blindSpots: [...SIMULATOR_BLIND_SPOTS] });
  const extra = warnings.length > 0 ? { warnings } : {};

  if (questions.length === 0) {
    return { status: 'skipped', reason: `nothing to verify: no calls in ${step.spec.for_each}`, access: check(simulator ? 'simulated' : 'planned', []), ...extra };
  }
  if (!simulator) {
    return { status: 'skipped', reason: NEEDS_AWS, access: check('planned', questions.map((q) => unaskedAnswer(q))), ...extra };
  }

  const answers: AccessAnswer[] = [];
  for (const q of questions) {
    signal?.throwIfAborted();
    if (!q.request) {
      answers.push(unaskedAnswer(q));
      continue;
    }
    let iam: IAMClient;
    try {
      iam = simulator.iamFor(q.who.accountId);
    } catch (e) {
      // No query role covers the caller's account: that question cannot be asked; the others can.
      answers.push(errorAnswer(q, `cannot ask IAM in account ${q.who.accountId ?? '(none)'}: ${(e as Error).message}`));
      continue;
    }
    answers.push(await simulate(iam, q, signal));
  }
  const asked = answers.filter((a) => a.decision !== 'not-simulated');
  if (asked.length > 0 && asked.every((a) => a.decision === 'error')) {
    return { status: 'skipped', reason: `IAM could not answer: ${asked[0]!.note ?? 'unknown error'}`, access: check('simulated', answers), ...extra };
  }
  return { status: 'ok', access: check('simulated', answers), ...extra };
}
