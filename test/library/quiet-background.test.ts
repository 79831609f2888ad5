/**
 * Ordinary traffic raises no findings: every runbook, run over two days of generated
 * background traffic with no incident planted, reports nothing. Runbooks that follow one
 * credential or principal are run on an analyst's ordinary key and user, and on the CI
 * pipeline's key (used every hour from the CI runner).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../../src/query/engines/duckdb/index.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { resolveParams } from '../../src/runbook/params.js';
import { newRunContext } from '../../src/run/context.js';
import { prepareRunbook } from '../../src/run/prepare.js';
import { runRunbook } from '../../src/run/runner.js';
import { shareOneSession, type SharedEngine } from '../../src/run/shared-engine.js';
import type { Reporter } from '../../src/run/reporter.js';
import { DEFAULT_ACCOUNTS, VENDOR_ACCOUNT, buildTopology } from '../../src/sample/cast.js';
import { generateCloudTrail } from '../../src/sample/generate.js';

const scratch = mkdtempSync(join(tmpdir(), 'ctrb-quiet-'));
const silent: Reporter = { runStarted() {}, stepFinished() {}, runFinished() {} };
const START = '2026-11-01T00:00:00Z';
const END = new Date('2026-11-03T00:00:00Z');

const prod = buildTopology(DEFAULT_ACCOUNTS, ['us-east-1']).accounts[0]!;
const carol = prod.users.get('carol')!;
const ci = prod.users.get('ci-deploy')!;

const RUNS: [string, Record<string, string>][] = [
  ...[
    'root-activity',
    'console-login-without-mfa',
    'console-login-unusual-source',
    'unauthorized-api-calls',
    'iam-policy-changes',
    'iam-persistence',
    'security-group-changes',
    'cloudtrail-tampering',
    's3-deletions',
    's3-exposure',
    's3-data-access',
    'kms-key-changes',
    'lambda-changes',
    'delete-operations',
    'secrets-access',
    'instance-remote-access',
    'instance-launches',
    'organization-changes',
    'bedrock-model-access',
  ].map((id): [string, Record<string, string>] => [id, {}]),
  ['external-access', { own_accounts: [...DEFAULT_ACCOUNTS, VENDOR_ACCOUNT].join(',') }],
  ['access-key-activity', { access_key_id: carol.accessKeyId }],
  ['access-key-activity', { access_key_id: ci.accessKeyId }],
  ['principal-activity', { principal: carol.arn }],
  ['compromised-credentials', { credential: carol.accessKeyId }],
  ['source-address-activity', { ip: '203.0.113.10' }],
];

let engine: SharedEngine;
beforeAll(async () => {
  await generateCloudTrail({ outDir: scratch, start: START, days: 2, events: 6000, seed: 'quiet-days', incidents: false });
  engine = shareOneSession(createDuckDbEngine({ logsDir: join(scratch, 'AWSLogs'), threads: 2 }));
});
afterAll(async () => {
  await engine?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the runbook library on ordinary traffic', () => {
  it.each(RUNS)('%s %j finds nothing', async (runbookId, input) => {
    const runbook = parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, `${runbookId}.yaml`), 'utf8'), `${runbookId}.yaml`);
    // One window for every run, so the logs are loaded once.
    const { params, window } = resolveParams(runbook, { ...input, since: '48h' }, { now: END });
    const ctx = newRunContext({ runbookId, params, window, requestedBy: 'terminal:test', source: 'terminal' });
    const result = await runRunbook(prepareRunbook(runbook), ctx, { engine, reporter: silent, gates: 'plan' });
    expect(result.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(result.findings.map((f) => `[${f.severity}] ${f.message}`)).toEqual([]);
  });
});
