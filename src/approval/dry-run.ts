/**
 * What "executing" an approved remediation means until the AWS actions can execute: the
 * action plans again, target by target, exactly what it would call, and nothing is sent to
 * AWS. Planning again (rather than echoing the stored plan) checks the approved targets
 * against the action as this worker has it, the way execution will.
 */
import { getAction } from '../remediation/index.js';
import type { ApiCall, RemediationPlan } from '../model/run.js';

export type DryRunOutcome = { ok: true; summary: string; calls: ApiCall[] } | { ok: false; error: string };

export function dryRunRemediation(plan: RemediationPlan): DryRunOutcome {
  try {
    const action = getAction(plan.action);
    const calls = plan.targets.flatMap((target) => action.plan(target).calls);
    const operations = [...new Set(calls.map((c) => `${c.service}:${c.operation}`))].join(', ');
    const targets = plan.targets.length === 1 ? '1 target' : `${plan.targets.length} targets`;
    const count = calls.length === 1 ? '1 AWS API call' : `${calls.length} AWS API calls`;
    return { ok: true, calls, summary: `${plan.action} on ${targets}: ${count} planned (${operations}); none was sent to AWS` };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
