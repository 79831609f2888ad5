/**
 * Every built-in remediation, planned from a slash command on the bundled sample (no alarm,
 * no `account` parameter) in a deployment whose remediation roles are per account, names the
 * account its targets are in, taken from the rows it acts on, instead of failing after approval.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../../src/query/engines/duckdb/index.js';
import { newRunContext } from '../../src/run/context.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook, type RunnerOptions } from '../../src/run/runner.js';
import type { RunResult } from '../../src/model/run.js';
import type { Reporter } from '../../src/run/reporter.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { resolveParams } from '../../src/runbook/params.js';
import { BUNDLED_SAMPLE_DIR } from '../../src/sample/make-bundled-sample.js';
import { MANIFEST_FILE, type SampleManifest } from '../../src/sample/manifest.js';

const manifest = JSON.parse(readFileSync(join(BUNDLED_SAMPLE_DIR, MANIFEST_FILE), 'utf8')) as SampleManifest;
const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
const engine = createDuckDbEngine({ logsDir: join(BUNDLED_SAMPLE_DIR, 'AWSLogs'), threads: 2 });

/** The sample's production account, where every planted incident behind a remediation happened. */
const INCIDENT_ACCOUNT = '123456789012';

/** The runbooks with remediate steps, and the planted incident that reaches them. */
const REMEDIATING = ['leaked-key-compromise', 'backdoor-user', 'admin-policy-attached', 'backups-deleted', 'logging-stopped', 'contractor-password-only'];

/** The incident's runbook run as a worker would, planning at the gates instead of waiting. */
async function runIncident(incidentId: string, options: Partial<RunnerOptions> = {}): Promise<RunResult> {
  const incident = manifest.incidents.find((i) => i.id === incidentId)!;
  const runbook = parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, `${incident.runbook}.yaml`), 'utf8'), `${incident.runbook}.yaml`);
  const { params, window } = resolveParams(runbook, incident.params, { now: new Date(manifest.end) });
  expect(params).not.toHaveProperty('account');
  const ctx = newRunContext({ runbookId: runbook.id, params, window, requestedBy: 'U0RESPONDER', source: options.alarmAccountId ? 'alarm' : 'slash' });
  return runRunbook(prepareRunbook(runbook), ctx, {
    engine,
    reporter: silent,
    gates: 'plan',
    // As a worker with CTRB_REMEDIATION_ROLE_ARN_TEMPLATE answers: any named account will do, none is refused.
    remediationAccountProblem: (id) => (id ? undefined : 'this deployment remediates through a role per account'),
    ...options,
  });
}

describe('the account built-in remediations act in', () => {
  it.each(REMEDIATING)('%s: every plan names the account of its targets', async (incidentId) => {
    const result = await runIncident(incidentId);

    expect(result.steps.filter((s) => s.status === 'failed').map((s) => `${s.stepId}: ${s.reason}`)).toEqual([]);
    const plans = result.steps.filter((s) => s.status === 'gated').map((s) => ({ step: s.stepId, account: s.plan!.accountId, from: s.plan!.accountFrom }));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan).toEqual({ step: plan.step, account: INCIDENT_ACCOUNT, from: 'rows' });
  });

  it("from an alarm of another account, acts in the alarm's account only: the targets elsewhere are left out, and the step says so", async () => {
    const result = await runIncident('contractor-password-only', { alarmAccountId: '210987654321' });
    const step = result.steps.find((s) => s.stepId === 'remove-console-password')!;
    expect(step.status).toBe('skipped');
    expect(step.reason).toBe(
      `iam.delete-login-profile: nothing to do in account 210987654321: 1 row of signed_in_users in account ${INCIDENT_ACCOUNT} is left out: ` +
        `this approval acts in 210987654321 only (the alarm's account). Run the runbook again with account=${INCIDENT_ACCOUNT} for it`,
    );
  });
});
