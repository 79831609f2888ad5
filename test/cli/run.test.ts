/**
 * `ctrb run`, as a responder uses it: on the bundled sample by default, on their own logs with
 * --logs, and with every kind of bad input refused before anything runs.
 */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ctrb } from './ctrb.js';
import type { RunResult } from '../../src/model/run.js';

const manifest = JSON.parse(await readFile(new URL('../../samples/cloudtrail/.manifest.json', import.meta.url), 'utf8')) as {
  incidents: { runbook: string; params: Record<string, string>; eventIDs: string[] }[];
};

function incidentOf(runbook: string) {
  const found = manifest.incidents.find((i) => i.runbook === runbook);
  if (!found) throw new Error(`no planted incident for ${runbook}`);
  return found;
}

describe('ctrb run on the bundled sample', () => {
  it('runs root-activity with no arguments but the name, and shows tables, findings and notes', async () => {
    const out = await ctrb(['run', 'root-activity']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('bundled sample logs');
    expect(out.stdout).toContain('▶ root-activity');
    expect(out.stdout).toMatch(/CRITICAL\s+Root signed in/);
    expect(out.stdout).toContain('eventTime');
    expect(out.stdout).toMatch(/completed: \d+ findings \(\d+ critical/);
    // No colour codes when the output is not a terminal.
    expect(out.stdout).not.toContain('\x1b[');
  });

  it('--json prints one result whose findings carry the planted incident\'s eventIDs', async () => {
    const out = await ctrb(['run', 'root-activity', '--json']);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => s.stepId)).toEqual(expect.arrayContaining(['root_events']));
    const evidence = new Set(result.findings.flatMap((f) => f.eventIDs));
    expect(incidentOf('root-activity').eventIDs.some((id) => evidence.has(id))).toBe(true);
    expect(result.steps.find((s) => s.query)?.query?.params.length).toBeGreaterThan(0);
  });

  it('stops at a remediation gate and prints the exact plan, without executing it', async () => {
    const incident = incidentOf('compromised-credentials');
    const args = Object.entries(incident.params).map(([k, v]) => `${k}=${v}`);
    const out = await ctrb(['run', 'compromised-credentials', ...args, '--json']);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as RunResult;
    const gated = result.steps.filter((s) => s.status === 'gated');
    expect(gated.length).toBeGreaterThan(0);
    const calls = gated.flatMap((s) => s.plan?.calls ?? []);
    expect(calls).toContainEqual(
      expect.objectContaining({ service: 'iam', operation: 'UpdateAccessKey', params: expect.objectContaining({ AccessKeyId: incident.params.credential, Status: 'Inactive' }) }),
    );
    const text = await ctrb(['run', 'compromised-credentials', ...args]);
    expect(text.stdout).toContain('remediation planned, not executed');
    expect(text.stdout).toContain('iam:UpdateAccessKey');
  });

  it('refuses, in the plan, a target CTRB_PROTECTED_PRINCIPALS protects, as the bot would', async () => {
    const incident = incidentOf('compromised-credentials');
    const args = Object.entries(incident.params).map(([k, v]) => `${k}=${v}`);
    const out = await ctrb(['run', 'compromised-credentials', ...args, '--json'], { CTRB_PROTECTED_PRINCIPALS: 'role/break-glass, user/ci-*' });
    const result = JSON.parse(out.stdout) as RunResult;
    const refused = result.steps.find((s) => s.stepId === 'deactivate-key');
    expect(refused?.status).toBe('failed');
    expect(refused?.reason).toContain('IAM user ci-deploy is protected (CTRB_PROTECTED_PRINCIPALS: "user/ci-*")');
    expect(result.steps.filter((s) => s.status === 'gated')).toEqual([]);
  });

  it('names a malformed CTRB_PROTECTED_PRINCIPALS and runs nothing', async () => {
    const out = await ctrb(['run', 'root-activity'], { CTRB_PROTECTED_PRINCIPALS: 'arn:aws:s3:::bucket' });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('CTRB_PROTECTED_PRINCIPALS: "arn:aws:s3:::bucket" is not an IAM user, role or group ARN');
    expect(out.stdout).toBe('');
  });

  it('--fail-on exits 3 when a finding of that severity or worse is raised', async () => {
    expect((await ctrb(['run', 'root-activity', '--fail-on', 'high'])).code).toBe(3);
  });
});

describe('ctrb run refuses bad input before anything runs', () => {
  it('suggests the closest names for an unknown runbook', async () => {
    const out = await ctrb(['run', 'root-activty']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('unknown runbook "root-activty"');
    expect(out.stderr).toContain('"root-activity"');
    expect(out.stdout).toBe('');
  });

  it('names a malformed parameter and shows the expected form', async () => {
    const out = await ctrb(['run', 'access-key-activity', 'access_key_id=AKIA123']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('access_key_id');
    expect(out.stderr).toContain('AKIAIOSFODNN7EXAMPLE');
    expect(out.stdout).toBe('');
  });

  it('names a missing required parameter', async () => {
    const out = await ctrb(['run', 'access-key-activity']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/access_key_id.*required/);
  });

  it('refuses an unknown parameter and suggests the one meant', async () => {
    const out = await ctrb(['run', 'console-login-unusual-source', 'trusted_cidr=10.0.0.0/8']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('trusted_cidr');
    expect(out.stderr).toContain('trusted_cidrs');
  });

  it('says clearly when a log directory holds no CloudTrail files', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ctrb-empty-'));
    const out = await ctrb(['run', 'root-activity', '--logs', empty]);
    expect(out.code).toBe(2);
    const said = out.stdout + out.stderr;
    expect(said).toContain(`no CloudTrail log files (.json or .json.gz) found under "${empty}"`);
    expect(said).toContain('AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz');
    expect(said).toContain('failed at step root_events');
  });

  it('says clearly when --logs does not exist', async () => {
    const out = await ctrb(['run', 'root-activity', '--logs', '/nonexistent/ctrb-logs']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('/nonexistent/ctrb-logs');
  });
});

describe('ctrb run on the user\'s own logs', () => {
  const now = new Date();
  const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const rootLogin = (id: string, msAgo: number) => ({
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
    eventTime: iso(msAgo),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.44',
    userAgent: 'Mozilla/5.0',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { MFAUsed: 'No' },
    eventID: id,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: '111122223333',
  });

  it('reads the good files, names the truncated one in a warning, and still answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrb-logs-'));
    const day = now.toISOString().slice(0, 10).split('-');
    const folder = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', ...day);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'good.json.gz'), gzipSync(JSON.stringify({ Records: [rootLogin('11111111-1111-4111-8111-111111111111', 60_000)] })));
    const truncated = gzipSync(JSON.stringify({ Records: [rootLogin('22222222-2222-4222-8222-222222222222', 120_000)] }));
    await writeFile(join(folder, 'cut.json.gz'), truncated.subarray(0, Math.floor(truncated.length / 2)));
    await writeFile(join(folder, 'notes.json'), JSON.stringify({ hello: 'not CloudTrail' }));

    const out = await ctrb(['run', 'root-activity', '--logs', dir, '--json']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('cut.json.gz');
    expect(out.stderr).toContain('notes.json');
    const result = JSON.parse(out.stdout) as RunResult;
    const ids = result.findings.flatMap((f) => f.eventIDs);
    expect(ids).toContain('11111111-1111-4111-8111-111111111111');
    expect(ids).not.toContain('22222222-2222-4222-8222-222222222222');
  });

  it('binds an injection string as a value: it neither breaks out nor widens the query', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrb-inj-'));
    await writeFile(
      join(dir, 'lookup.json'),
      JSON.stringify({
        Events: [rootLogin('33333333-3333-4333-8333-333333333333', 60_000)].map((e) => ({ EventId: e.eventID, CloudTrailEvent: JSON.stringify(e) })),
      }),
    );
    const books = await mkdtemp(join(tmpdir(), 'ctrb-books-'));
    await writeFile(
      join(books, 'by-ip.yaml'),
      [
        'id: by-ip',
        'title: Events from one source',
        'summary: Every event whose source matches the given text.',
        'severity: info',
        'kind: investigation',
        'params:',
        '  source: { type: string, required: true }',
        'steps:',
        '  - id: events',
        '    query:',
        '      where: { sourceIPAddress: $source }',
        '      select: [eventTime, eventName]',
      ].join('\n'),
    );
    const honest = await ctrb(['--runbooks', books, 'run', 'by-ip', 'source=192.0.2.44', '--logs', dir, '--json']);
    expect(honest.code).toBe(0);
    expect((JSON.parse(honest.stdout) as RunResult).steps[0]!.query!.rows).toHaveLength(1);

    for (const attack of ["x' OR '1'='1", "'; DROP TABLE events; --", "192.0.2.44' OR 1=1 --"]) {
      const out = await ctrb(['--runbooks', books, 'run', 'by-ip', `source=${attack}`, '--logs', dir, '--json']);
      expect(out.code).toBe(0);
      const step = (JSON.parse(out.stdout) as RunResult).steps[0]!.query!;
      expect(step.rows).toHaveLength(0);
      expect(step.statement).not.toContain(attack);
      expect(step.params.map((p) => p.value)).toContain(attack);
    }
  });
});
