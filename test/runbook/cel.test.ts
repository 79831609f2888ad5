import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/model/query.js';
import type { StepResult } from '../../src/model/run.js';
import {
  CelCompileError,
  CelEvaluationError,
  celVariables,
  compileChecks,
  evaluateChecks,
  evaluateWhen,
  renderTemplate,
  type CompiledCheck,
} from '../../src/runbook/cel.js';
import { runbookSchema, type Runbook } from '../../src/runbook/schema.js';

const WINDOW = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' };

const LOGINS: Row[] = [
  { eventID: 'e1', eventTime: '2026-11-01T03:12:00Z', sourceIPAddress: '203.0.113.7', mfa: 'No', userName: 'alice' },
  { eventID: 'e2', eventTime: '2026-11-01T14:00:00Z', sourceIPAddress: '10.1.2.3', mfa: 'Yes', userName: 'bob' },
  { eventID: 'e3', eventTime: '2026-11-01T23:59:00Z', sourceIPAddress: '2001:db8::7', mfa: null, userName: 'carol' },
];
const BY_PRINCIPAL: Row[] = [
  { principal: 'arn:aws:iam::123456789012:user/alice', calls: 42, eventIDs: ['e1', 'e4'] },
  { principal: 'arn:aws:iam::123456789012:user/bob', calls: 3, eventIDs: ['e2'] },
];

function queryResult(stepId: string, rows: Row[]): StepResult {
  return {
    stepId,
    title: stepId,
    kind: 'query',
    status: 'ok',
    startedAt: WINDOW.end,
    finishedAt: WINDOW.end,
    query: { engine: 'duckdb', statement: '', params: [], columns: Object.keys(rows[0] ?? {}), rows, stats: { elapsedMs: 1 } },
  };
}

const FINISHED = [queryResult('logins', LOGINS), queryResult('by_principal', BY_PRINCIPAL)];
const VARS = celVariables({ params: { trusted_cidrs: ['10.0.0.0/8'], user: 'alice' }, window: WINDOW }, FINISHED);
const rowsOf = (id: string) => FINISHED.find((r) => r.stepId === id)?.query?.rows;

function runbook(steps: unknown[]): Runbook {
  return runbookSchema.parse({ id: 'root-activity', title: 'Root activity', summary: 'test', severity: 'high', steps });
}

const QUERY_STEPS = [
  { id: 'logins', query: { where: { eventName: 'ConsoleLogin' } } },
  { id: 'by_principal', query: { where: { eventName: 'ConsoleLogin' } } },
];

function checksOf(checks: unknown[]): CompiledCheck[] {
  return compileChecks(runbook([...QUERY_STEPS, { id: 'checks', check: checks }])).steps.get('checks')!.checks!;
}

function evaluate(checks: unknown[]) {
  return evaluateChecks(checksOf(checks), 'checks', VARS, rowsOf);
}

describe('checks', () => {
  it('a for_each check raises one finding per matching row, with its eventID and message', () => {
    const outcome = evaluate([
      {
        id: 'login-outside-trusted',
        for_each: 'logins',
        when: '!inCidr(row.sourceIPAddress, params.trusted_cidrs)',
        severity: 'high',
        message: 'Console login by {{ row.userName }} from {{row.sourceIPAddress}} (MFA: {{ row.mfa }})',
      },
    ]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.findings).toEqual([
      {
        check: 'login-outside-trusted',
        severity: 'high',
        message: 'Console login by alice from 203.0.113.7 (MFA: No)',
        eventIDs: ['e1'],
        stepId: 'checks',
      },
      {
        check: 'login-outside-trusted',
        severity: 'high',
        message: 'Console login by carol from 2001:db8::7 (MFA: null)',
        eventIDs: ['e3'],
        stepId: 'checks',
      },
    ]);
  });

  it('takes eventIDs from an eventIDs column and compares counts as integers', () => {
    const outcome = evaluate([
      { for_each: 'by_principal', when: 'row.calls > 10', severity: 'medium', message: '{{ row.principal }} made {{ row.calls + 1 - 1 }} calls' },
    ]);
    expect(outcome.findings).toEqual([
      {
        check: 'checks#0',
        severity: 'medium',
        message: 'arn:aws:iam::123456789012:user/alice made 42 calls',
        eventIDs: ['e1', 'e4'],
        stepId: 'checks',
      },
    ]);
  });

  it('an aggregate check runs once, backed by its evidence step', () => {
    const outcome = evaluate([
      { id: 'too-many', when: 'steps.logins.count >= 3', severity: 'low', message: '{{ steps.logins.count }} logins in {{ window.start }}..{{ window.end }}', evidence: 'logins' },
      { id: 'quiet', when: 'steps.logins.count == 0', severity: 'info', message: 'no logins' },
    ]);
    expect(outcome.findings).toEqual([
      {
        check: 'too-many',
        severity: 'low',
        message: '3 logins in 2026-11-01T00:00:00.000Z..2026-11-02T00:00:00.000Z',
        eventIDs: ['e1', 'e2', 'e3'],
        stepId: 'checks',
      },
    ]);
  });

  it('hour, weekday and matches are available', () => {
    const outcome = evaluate([
      { for_each: 'logins', when: 'hour(row.eventTime) < 6 || hour(row.eventTime) >= 22', severity: 'medium', message: 'off hours: {{ hour(row.eventTime) }}h' },
      // 2026-11-01 is a Sunday.
      { id: 'weekend', for_each: 'logins', when: 'weekday(row.eventTime) == 0 && row.userName.matches("^a")', severity: 'low', message: 'day {{ weekday(row.eventTime) }}' },
    ]);
    expect(outcome.findings.map((f) => `${f.check}: ${f.message}`)).toEqual([
      'checks#0: off hours: 3h',
      'checks#0: off hours: 23h',
      'weekend: day 0',
    ]);
  });

  it('a runtime error on some rows is reported with the rows and the failing part; other rows still count', () => {
    const outcome = evaluate([
      { id: 'mfa', for_each: 'logins', when: 'row.mfa.startsWith("N") || row.userName == "bob"', severity: 'high', message: '{{ row.userName }} without MFA' },
      { id: 'typo', for_each: 'logins', when: 'row.sourceIp == "x"', severity: 'high', message: 'never' },
    ]);
    expect(outcome.findings.map((f) => f.message)).toEqual(['alice without MFA', 'bob without MFA']);
    expect(outcome.errors.map(String)).toEqual([
      `check mfa (rows 3): steps[2].check[0].when: row.mfa.startsWith("N"): found no matching overload for 'startsWith' applied to 'null_type.(string)'`,
      'check typo (rows 1-3): steps[2].check[1].when: row.sourceIp: field not found: sourceIp',
    ]);
    expect(outcome.errors[1]).toMatchObject({ check: 'typo', stepId: 'checks', rows: [0, 1, 2] });
  });

  it('a finding whose message cannot be rendered is still raised, with the error beside it', () => {
    const outcome = evaluate([
      { id: 'any-login', when: 'steps.logins.count > 0', severity: 'high', message: 'first from {{ steps.logins.rows[0].nope }}' },
    ]);
    expect(outcome.findings.map((f) => f.message)).toEqual(['first from {{ steps.logins.rows[0].nope }}']);
    expect(outcome.errors.map(String)).toEqual(['check any-login: steps[2].check[0].message: steps.logins.rows[0].nope: field not found: nope']);
  });

  it('a condition that is not true or false is an error, not a silent no', () => {
    const outcome = evaluate([{ id: 'ip', for_each: 'logins', when: 'row.sourceIPAddress', severity: 'low', message: 'x' }]);
    expect(outcome.findings).toEqual([]);
    expect(String(outcome.errors[0])).toBe('check ip (rows 1): steps[2].check[0].when: expected true or false, got "203.0.113.7"');
  });

  it('for_each over a step that never ran is an error; over a skipped step, nothing', () => {
    const skipped: StepResult = { ...queryResult('later', []), status: 'skipped', query: undefined };
    const vars = celVariables({ params: {}, window: WINDOW }, [...FINISHED, skipped]);
    const checks = checksOf([
      { id: 'gone', for_each: 'logins', when: 'true', severity: 'low', message: 'x' },
    ]).map((c) => ({ ...c, spec: { ...c.spec, for_each: 'missing' } }));
    expect(evaluateChecks(checks, 'checks', vars, rowsOf).errors.map(String)).toEqual([
      'check gone: for_each: step missing has no rows (it has not run, failed, or is not a query)',
    ]);
    const overSkipped = checks.map((c) => ({ ...c, spec: { ...c.spec, for_each: 'later' } }));
    expect(evaluateChecks(overSkipped, 'checks', vars, rowsOf)).toEqual({ findings: [], errors: [] });
  });

  it('also evaluates check specs that were not compiled up front', () => {
    const outcome = evaluateChecks(
      [{ for_each: 'logins', when: 'row.userName == params.user', severity: 'info', message: 'hi {{row.userName}}' }],
      'checks',
      VARS,
      rowsOf,
    );
    expect(outcome.findings).toMatchObject([{ check: 'checks#0', message: 'hi alice', eventIDs: ['e1'] }]);
  });
});

describe('inCidr', () => {
  const test = (expr: string) => evaluateWhen(expr, VARS);

  it('matches IPv4 and IPv6 against a list or a single block', () => {
    expect(test('inCidr("10.200.0.1", params.trusted_cidrs)')).toBe(true);
    expect(test('inCidr("11.0.0.1", params.trusted_cidrs)')).toBe(false);
    expect(test('inCidr("2001:db8::7", ["10.0.0.0/8", "2001:db8::/32"])')).toBe(true);
    expect(test('inCidr("::ffff:10.0.0.9", "10.0.0.0/8")')).toBe(true);
  });

  it('is false for values that are not IP addresses', () => {
    expect(test('inCidr("ec2.amazonaws.com", ["0.0.0.0/0"])')).toBe(false);
    expect(test('inCidr("AWS Internal", "0.0.0.0/0")')).toBe(false);
  });

  it('refuses a list entry that is not a CIDR block', () => {
    expect(() => test('inCidr("10.0.0.1", ["10.0.0.0/99"])')).toThrow(/inCidr: "10.0.0.0\/99" is not a CIDR block/);
  });
});

describe('when and templates', () => {
  it('a step condition sees earlier steps and params', () => {
    expect(evaluateWhen('steps.by_principal.count > 1 && params.user == "alice"', VARS)).toBe(true);
    expect(evaluateWhen('steps.by_principal.rows.exists(r, r.calls > 100)', VARS)).toBe(false);
    expect(evaluateWhen('steps.logins.status == "ok"', VARS)).toBe(true);
  });

  it('a failed step is absent, so a condition on it fails loudly', () => {
    const failed: StepResult = { ...queryResult('broken', []), status: 'failed', query: undefined };
    const vars = celVariables({ params: {}, window: WINDOW }, [failed]);
    expect(() => evaluateWhen('steps.broken.count == 0', vars)).toThrow(CelEvaluationError);
  });

  it('renders notes with lists joined', () => {
    expect(renderTemplate('Trusted: {{ params.trusted_cidrs }}; {{steps.logins.count}} logins. {{ "done" }}', VARS)).toBe(
      'Trusted: 10.0.0.0/8; 3 logins. done',
    );
    expect(renderTemplate('No interpolation at all.', VARS)).toBe('No interpolation at all.');
  });

  it('hour of something that is not a time is an explicit error', () => {
    expect(() => evaluateWhen('hour("yesterday") == 1', VARS)).toThrow(/hour: "yesterday" is not an ISO 8601 time/);
  });

  it('accepts windows given as dates and step results given as a map', () => {
    const vars = celVariables(
      { params: {}, window: { start: new Date(WINDOW.start), end: new Date(WINDOW.end) } },
      new Map(FINISHED.map((r) => [r.stepId, r])),
    );
    expect(renderTemplate('{{ window.start }} {{ steps.logins.count }}', vars)).toBe('2026-11-01T00:00:00.000Z 3');
  });
});

describe('compileChecks', () => {
  it('compiles every expression of a runbook once, by step', () => {
    const compiled = compileChecks(
      runbook([
        ...QUERY_STEPS,
        { id: 'checks', when: 'steps.logins.count > 0', check: [{ for_each: 'logins', when: 'true', severity: 'low', message: '{{row.userName}}' }] },
        { id: 'lock', remediate: { action: 'iam.quarantine-user', for_each: 'logins', inputs: { user_name: 'row.userName' }, approval: { approvers: ['U0LEAD'] } } },
        { id: 'next', note: 'Look at {{ params.user }}' },
      ]),
    );
    expect([...compiled.steps.keys()]).toEqual(['logins', 'by_principal', 'checks', 'lock', 'next']);
    const checks = compiled.steps.get('checks')!;
    expect(checks.when?.source).toBe('steps.logins.count > 0');
    expect(checks.checks?.map((c) => c.id)).toEqual(['checks#0']);
    expect(Object.keys(compiled.steps.get('lock')!.inputs!)).toEqual(['user_name']);
    expect(renderTemplate(compiled.steps.get('next')!.note!, VARS)).toBe('Look at alice');
  });

  it('collects every compile error with the runbook, step, field and expression', () => {
    let error: CelCompileError | undefined;
    try {
      compileChecks(
        runbook([
          ...QUERY_STEPS,
          { id: 'gate', when: 'steps.logins.count >', note: 'ok' },
          {
            id: 'checks',
            check: [
              { for_each: 'logins', when: 'row.mfa == "No"', severity: 'low', message: 'by {{ row.userName + }}' },
              { when: 'row.mfa == "No"', severity: 'low', message: 'aggregate checks have no row' },
              { when: 'rows.size() > 0 && hours(window.start) > 3', severity: 'low', message: 'x' },
            ],
          },
          { id: 'next', note: 'Look at {{ params.user' },
          { id: 'lock', remediate: { action: 'iam.quarantine-user', inputs: { user_name: 'row.userName' }, approval: { approvers: ['U0LEAD'] } } },
        ]),
      );
    } catch (e) {
      error = e as CelCompileError;
    }
    expect(error).toBeInstanceOf(CelCompileError);
    expect(error!.problems.map((p) => [p.stepId, p.field, p.expression, p.message])).toEqual([
      ['gate', 'steps[2].when', 'steps.logins.count >', expect.stringContaining('<input>:1:')],
      ['checks', 'steps[3].check[0].message', 'row.userName +', expect.stringContaining('<input>:1:')],
      ['checks', 'steps[3].check[1].when', 'row.mfa == "No"', '"row" is only defined under for_each (one evaluation per row of a step)'],
      ['checks', 'steps[3].check[2].when', 'rows.size() > 0 && hours(window.start) > 3', 'unknown name "rows" (expressions can use params, steps, window)'],
      ['checks', 'steps[3].check[2].when', 'rows.size() > 0 && hours(window.start) > 3', 'unknown function hours()'],
      ['next', 'steps[4].note', '{{ params.user', '"{{" is not closed with "}}"'],
      ['lock', 'steps[5].remediate.inputs.user_name', 'row.userName', '"row" is only defined under for_each (one evaluation per row of a step)'],
    ]);
    expect(error!.problems.every((p) => p.runbook === 'root-activity')).toBe(true);
    expect(error!.message).toContain('root-activity step gate, steps[2].when:');
  });

  it('comprehension variables are not mistaken for unknown names', () => {
    expect(() =>
      compileChecks(runbook([...QUERY_STEPS, { id: 'n', when: 'steps.logins.rows.all(r, r.mfa != "No") && [1, 2].exists(x, x > 1)', note: 'x' }])),
    ).not.toThrow();
  });
});

describe('expressions given as text', () => {
  it('an ad-hoc condition error names its field and the failing part', () => {
    expect(() => evaluateWhen('steps.nothere.count > 0', VARS)).toThrow(
      'when: steps.nothere: field not found: nothere (in steps.nothere.count > 0)',
    );
  });

  it('an ad-hoc expression that does not compile says why', () => {
    expect(() => evaluateWhen('steps.logins.count >', VARS)).toThrow(CelCompileError);
  });
});
