/** list, show, validate, explain, sweep, schema: what each prints, and what bad runbook files get. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctrb } from './ctrb.js';
import type { SweepResult } from '../../src/terminal/commands/sweep.js';

const LIBRARY_IDS = [
  'access-key-activity',
  'bedrock-model-access',
  'cloudtrail-tampering',
  'compromised-credentials',
  'console-login-unusual-source',
  'console-login-without-mfa',
  'delete-operations',
  'external-access',
  'iam-persistence',
  'iam-policy-changes',
  'instance-launches',
  'instance-remote-access',
  'kms-key-changes',
  'lambda-changes',
  'organization-changes',
  'principal-activity',
  'root-activity',
  's3-data-access',
  's3-deletions',
  's3-exposure',
  'secrets-access',
  'security-group-changes',
  'source-address-activity',
  'unauthorized-api-calls',
];

async function runbookDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ctrb-validate-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const GOOD = `id: good
title: A good runbook
summary: Console sign-ins.
severity: low
steps:
  - id: logins
    query:
      where: { eventName: ConsoleLogin }
  - id: flag
    check:
      - for_each: logins
        when: row.eventName == "ConsoleLogin"
        severity: low
        message: "sign-in {{row.eventID}}"
`;

describe('ctrb list and show', () => {
  it('lists every runbook of the library', async () => {
    const out = await ctrb(['list', '--json']);
    expect(out.code).toBe(0);
    const ids = (JSON.parse(out.stdout) as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(LIBRARY_IDS));
  });

  it('shows a runbook\'s parameters with types and defaults, its triggers and its steps', async () => {
    const out = await ctrb(['show', 'console-login-unusual-source']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/trusted_cidrs: cidr \(list, default [\d./,]+\)/);
    expect(out.stdout).toContain('since: duration or time');
    expect(out.stdout).toContain('alarm triggers');
    expect(out.stdout).toMatch(/1\. \[query\] untrusted_logins/);
  });
});

describe('ctrb validate', () => {
  it('passes the whole built-in library', async () => {
    const out = await ctrb(['validate']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`${LIBRARY_IDS.length} valid, 0 invalid`);
  });

  it('names file, line and field for invalid YAML, unknown fields, bad CEL and unknown query fields', async () => {
    const dir = await runbookDir({
      'good.yaml': GOOD,
      'broken.yaml': 'id: broken\ntitle: [unclosed\n',
      'typo.yaml': GOOD.replace('id: good', 'id: typo').replace('      where: { eventName: ConsoleLogin }', '      where: { eventName: ConsoleLogin }\n      limitt: 5'),
      'badcel.yaml': GOOD.replace('id: good', 'id: badcel').replace('row.eventName == "ConsoleLogin"', 'row.eventName == '),
      'badfield.yaml': GOOD.replace('id: good', 'id: badfield').replace('eventName: ConsoleLogin', 'eventNam: ConsoleLogin'),
    });
    const out = await ctrb(['validate', ...['good', 'broken', 'typo', 'badcel', 'badfield'].map((n) => join(dir, `${n}.yaml`))]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('1 valid, 4 invalid');
    expect(out.stdout).toMatch(/broken\.yaml:\d+:\d+ {2}YAML: /);
    expect(out.stdout).toContain('typo.yaml:9:7  steps[0].query: unknown field "limitt"');
    expect(out.stdout).toMatch(/badcel\.yaml:12:\d+ {2}steps\[1\]\.check\[0\]\.when: .*found = but expecting .*\(in row\.eventName ==\)/);
    expect(out.stdout).toMatch(/badfield\.yaml:8:\d+ {2}steps\[0\]\.query\.where\.eventNam: .*eventNam/);
  });

  it('refuses a remediation nobody could approve, and names a missing field as required', async () => {
    const remediate = (id: string, approval: string) =>
      GOOD.replace('id: good', `id: ${id}`) +
      `  - id: lock\n    remediate:\n      action: iam.quarantine-user\n      for_each: logins\n      inputs: { user_name: row.userName }\n${approval}`;
    const dir = await runbookDir({
      'quorum.yaml': remediate('quorum', '      approval: { approvers: [U0ONE, U0TWO], min_approvals: 3 }\n'),
      'nobody.yaml': remediate('nobody', '      approval: { approvers: [] }\n'),
      'missing.yaml': remediate('missing', ''),
      'groups.yaml': remediate('groups', '      approval: { approvers: [U0ONE, "@ir-team"], min_approvals: 3 }\n'),
    });
    const out = await ctrb(['validate', ...['quorum', 'nobody', 'missing', 'groups'].map((n) => join(dir, `${n}.yaml`))]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('1 valid, 3 invalid');
    expect(out.stdout).toMatch(/quorum\.yaml:\d+:\d+ {2}steps\[2\]\.remediate\.approval\.min_approvals: 3 distinct approvals are needed but only 2 approvers are named: the step could never be approved/);
    expect(out.stdout).toMatch(/nobody\.yaml:\d+:\d+ {2}steps\[2\]\.remediate\.approval\.approvers: name at least one approver/);
    expect(out.stdout).toMatch(/missing\.yaml:\d+:\d+ {2}steps\[2\]\.remediate\.approval: required \(a mapping\)/);
    // A user group may hold enough people: that is for Slack to say when someone clicks.
    expect(out.stdout).toMatch(/ok +\S*groups\.yaml/);
  });

  it('reports a schema error, an unknown field, bad CEL and an uncompilable step of one file in one run', async () => {
    const four = [
      'id: four',
      'title: Four problems',
      'summary: One of each kind.',
      'severity: urgent',
      'steps:',
      '  - id: logins',
      '    titel: Sign-ins',
      '    query:',
      '      where: { eventName: ConsoleLogin }',
      '  - id: flag',
      '    check:',
      '      - for_each: logins',
      '        when: row.eventName ==',
      '        severity: low',
      '        message: "sign-in {{row.eventID}}"',
      '  - id: broken',
      '    raw:',
      '      sql:',
      '        duckdb: "SELECT eventName FROM events WHERE eventTime >= :window_start AND eventTime < :window_end AND ("',
      '',
    ].join('\n');
    // A step the schema refuses still has its CEL checked; what depends on refused parts is not
    // reported again; the checks across the runbook still run.
    const refused = [
      'id: refused',
      'title: Refused parts',
      'summary: What the schema refuses does not hide the rest.',
      'severity: high',
      'params:',
      '  threshold: { type: number, default: "five" }',
      '  who: { type: arn, required: true }',
      'steps:',
      '  - id: logins',
      '    query:',
      '      where: { eventName: ConsoleLogin, errorCode: $threshold }',
      '  - id: flag',
      '    check:',
      '      - for_each: logins',
      '        when: row.eventName == "x" &&',
      '        severity: urgent',
      '        message: "sign-in {{row.eventID"',
      '',
    ].join('\n');
    const dir = await runbookDir({ 'four.yaml': four, 'refused.yaml': refused });
    const out = await ctrb(['validate', join(dir, 'four.yaml'), join(dir, 'refused.yaml')]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('0 valid, 2 invalid');
    const lines = (name: string) => out.stdout.split('\n').filter((l) => l.includes(`${name}.yaml:`)).map((l) => l.trim().replace(`${dir}/`, ''));
    expect(lines('four')).toEqual([
      expect.stringMatching(/^four\.yaml:4:11 {2}severity: Invalid option: expected one of "info"\|"low"/),
      'four.yaml:7:5  steps[0]: unknown field "titel"',
      'four.yaml:13:15  steps[1].check[0].when: <input>:1:15: found = but expecting end of input (in row.eventName ==)',
      expect.stringMatching(/^four\.yaml:19:17 {2}steps\[2\]\.raw\.sql\.duckdb: step "broken" does not compile for duckdb: DuckDB refuses it: syntax error/),
    ]);
    expect(lines('refused')).toEqual([
      'refused.yaml:6:39  params.threshold.default: the default of a number parameter must be a whole number, written without quotes',
      expect.stringMatching(/^refused\.yaml:16:19 {2}steps\[1\]\.check\[0\]\.severity: Invalid option/),
      'refused.yaml:7:31  params.who.required: a sweep cannot name who: give it a default or `derive`, or mark the runbook `kind: investigation` if it follows one subject',
      'refused.yaml:15:15  steps[1].check[0].when: <input>:1:22: found & but expecting end of input (in row.eventName == "x" &&)',
      'refused.yaml:17:18  steps[1].check[0].message: "{{" is not closed with "}}" (in {{row.eventID)',
    ]);
  });

  it('checks every runbook in a folder named as an argument', async () => {
    const dir = await runbookDir({ 'good.yaml': GOOD, 'also-good.yaml': GOOD.replace('id: good', 'id: also-good'), 'notes.txt': 'not a runbook' });
    const out = await ctrb(['validate', dir]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`ok      ${join(dir, 'also-good.yaml')}\nok      ${join(dir, 'good.yaml')}\n2 valid, 0 invalid\n`);
  });

  it('counts a file that is not there as invalid, and checks the others', async () => {
    const dir = await runbookDir({ 'good.yaml': GOOD });
    const missing = join(dir, 'missing.yaml');
    const out = await ctrb(['validate', missing, join(dir, 'good.yaml')]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain(`invalid ${missing}\n  ${missing}  no such file or folder\n`);
    expect(out.stdout).toContain('1 valid, 1 invalid');
    expect(out.stderr).toBe('');
  });

  it('refuses a runbook whose id does not match its file name', async () => {
    const dir = await runbookDir({ 'other-name.yaml': GOOD });
    const out = await ctrb(['validate', join(dir, 'other-name.yaml')]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('id "good" must match the file name "other-name"');
  });
});

describe('ctrb explain', () => {
  it('prints, per engine, the statement with placeholders and the bound values', async () => {
    const athena = await ctrb(['explain', 'console-login-unusual-source', '--engine', 'athena']);
    expect(athena.code).toBe(0);
    expect(athena.stdout).toContain('"eventname" = ?');
    expect(athena.stdout).toMatch(/"timestamp" BETWEEN \? AND \?/);
    expect(athena.stdout).toMatch(/\? = "ConsoleLogin" {2}\(literal\)/);

    const duck = await ctrb(['explain', 'access-key-activity', 'access_key_id=AKIAIOSFODNN7EXAMPLE', '--engine', 'duckdb']);
    expect(duck.stdout).toMatch(/\$\d+ = "AKIAIOSFODNN7EXAMPLE" {2}\(param:access_key_id\)/);
    expect(duck.stdout).not.toMatch(/'AKIAIOSFODNN7EXAMPLE'/);

    const lookup = await ctrb(['explain', 'access-key-activity', 'access_key_id=AKIAIOSFODNN7EXAMPLE', '--engine', 'lookup']);
    expect(lookup.stdout).toContain('AttributeKey=AccessKeyId, AttributeValue=AKIAIOSFODNN7EXAMPLE');

    const lake = await ctrb(['explain', 'root-activity', '--engine', 'lake']);
    expect(lake.stdout).toContain('inlined (escaped) values');
  });

  it('refuses an engine it does not know', async () => {
    const out = await ctrb(['explain', 'root-activity', '--engine', 'bigquery']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("option '--engine <engine>' argument 'bigquery' is invalid. Allowed choices are duckdb, athena, lake, lookup.");
  });
});

describe('bad options exit 2 with the option named, and nothing runs', () => {
  it.each([
    [['run', 'root-activity', '--max-rows', 'abc'], "option '--max-rows <n>' argument 'abc' is invalid. Must be a whole number of at least 1."],
    [['run', 'root-activity', '--max-rows', '0'], "option '--max-rows <n>' argument '0' is invalid. Must be a whole number of at least 1."],
    [['run', 'root-activity', '--fail-on', 'severe'], "option '--fail-on <severity>' argument 'severe' is invalid. Allowed choices are info, low, medium, high, critical."],
    [['run', 'root-activity', '--bogus'], '--bogus needs a value'],
    [['run', 'root-activity', '--bogus', 'x'], 'bogus: not a parameter of root-activity'],
    [['sample', '--out', 'unused', '--events', '12'], "option '--events <n>' argument '12' is invalid. Must be a whole number of at least 1000."],
    [['--runbooks', '/nonexistent/runbooks', 'list'], 'runbook directory not found: /nonexistent/runbooks (set by --runbooks or CTRB_RUNBOOKS)'],
  ])('ctrb %j', async (args, message) => {
    const out = await ctrb(args);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stderr).not.toContain('    at ');
    expect(out.stdout).toBe('');
  });
});

describe('ctrb sample', () => {
  it('refuses to replace logs already in --out unless --overwrite is given', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ctrb-sample-'));
    const args = ['sample', '--out', out, '--events', '1000', '--days', '1', '--end', '2026-11-02T00:00:00Z'];
    expect((await ctrb(args)).code).toBe(0);
    const manifest = await readFile(join(out, '.manifest.json'), 'utf8');

    const again = await ctrb(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${join(out, 'AWSLogs')} already exists: replace it with --overwrite, or choose another --out`);
    expect(await readFile(join(out, '.manifest.json'), 'utf8')).toBe(manifest);

    const replaced = await ctrb([...args, '--seed', '2', '--overwrite']);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(await readFile(join(out, '.manifest.json'), 'utf8')).seed).toBe('2');
  });
});

describe('ctrb sweep', () => {
  it('runs every detection on the sample, lists the investigations, and skips nothing; findings carry their eventIDs', async () => {
    const out = await ctrb(['sweep', '--json'], { CTRB_OWN_ACCOUNTS: '' });
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as SweepResult;
    expect(result.failed).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.investigations).toEqual([
      { runbook: 'access-key-activity', needs: ['access_key_id'] },
      { runbook: 'compromised-credentials', needs: ['credential'] },
      { runbook: 'principal-activity', needs: ['principal'] },
      { runbook: 'source-address-activity', needs: ['ip'] },
    ]);
    // The accounts whose trails are read, and the sample's declared partner.
    expect(result.derived.own_accounts).toEqual(expect.arrayContaining(['123456789012', '210987654321', '444455556666']));
    expect(result.findings.length).toBeGreaterThan(10);
    for (const f of result.findings) expect(f.eventIDs.length).toBeGreaterThan(0);
    const manifest = JSON.parse(await readFile(new URL('../../samples/cloudtrail/.manifest.json', import.meta.url), 'utf8')) as {
      incidents: { runbook: string; params: Record<string, string>; eventIDs: string[] }[];
    };
    const found = new Set(result.findings.filter((f) => f.severity !== 'info').flatMap((f) => f.eventIDs));
    const investigations = new Set(result.investigations.map((i) => i.runbook));
    const sweepable = manifest.incidents.filter((i) => !investigations.has(i.runbook));
    expect(sweepable.map((i) => i.runbook)).toContain('external-access');
    for (const incident of sweepable) {
      expect(incident.eventIDs.some((id) => found.has(id)), `${incident.runbook} incident found by the sweep`).toBe(true);
    }
    // The partner the sample's organization lets in is not reported as access from outside.
    expect(result.findings.filter((f) => f.message.includes('444455556666'))).toEqual([]);
  });

  it('counts CTRB_OWN_ACCOUNTS among the own accounts, and refuses a malformed one before reading anything', async () => {
    const withPartner = await ctrb(['sweep', '--json'], { CTRB_OWN_ACCOUNTS: '999988887777' });
    expect(withPartner.code).toBe(0);
    const result = JSON.parse(withPartner.stdout) as SweepResult;
    expect(result.derived.own_accounts).toContain('999988887777');
    expect(result.findings.filter((f) => f.runbook === 'external-access' && f.message.includes('999988887777'))).toEqual([]);

    const bad = await ctrb(['sweep'], { CTRB_OWN_ACCOUNTS: '123456789012,prod' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CTRB_OWN_ACCOUNTS: "prod" is not an AWS account id');
    expect(bad.stdout).toBe('');
  });
});

describe('ctrb schema', () => {
  it('prints the JSON Schema the runbook files point editors at', async () => {
    const out = await ctrb(['schema']);
    expect(out.code).toBe(0);
    const checkedIn = await readFile(new URL('../../schema/runbook.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(out.stdout)).toEqual(JSON.parse(checkedIn));
  });
});
