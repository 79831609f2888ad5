/**
 * The `number` parameter type: a whole number within the parameter's min and max, refused
 * otherwise with the range named, and handed to CEL as an int, so thresholds compare with
 * counts as they are.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { checkResolvedParams, ParamError, resolveParams, type ParamsRunbook } from '../../src/runbook/params.js';
import { paramSchema, runbookSchema } from '../../src/runbook/schema.js';
import { celVariables, compileChecks, evaluateChecks } from '../../src/runbook/cel.js';
import { RunbookLibrary, BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import type { Row } from '../../src/model/query.js';
import type { StepResult } from '../../src/model/run.js';

const NOW = new Date('2026-11-02T12:00:00Z');
const THRESHOLD = { type: 'number', min: 1, max: 1000, default: 5 } as const;

function runbook(params: Record<string, z.input<typeof paramSchema>>): ParamsRunbook {
  return { id: 'thresholds', window: { default: '24h' }, params: Object.fromEntries(Object.entries(params).map(([n, s]) => [n, paramSchema.parse(s)])) };
}

function refusal(input: Record<string, string>): string[] {
  try {
    resolveParams(runbook({ threshold: THRESHOLD }), input, { now: NOW });
  } catch (e) {
    return (e as ParamError).problems.map((p) => p.message);
  }
  throw new Error('expected a refusal');
}

describe('number parameters', () => {
  it('resolve to numbers: the default, or the whole number given', () => {
    const rb = runbook({ threshold: THRESHOLD });
    expect(resolveParams(rb, {}, { now: NOW }).params).toEqual({ threshold: 5 });
    expect(resolveParams(rb, { threshold: '12' }, { now: NOW }).params).toEqual({ threshold: 12 });
    expect(resolveParams(rb, { threshold: '+7' }, { now: NOW }).params).toEqual({ threshold: 7 });
  });

  it.each([
    ['0', '"0" is less than 1'],
    ['1001', '"1001" is more than 1000'],
    ['2.5', '"2.5" is not a whole number'],
    ['five', '"five" is not a whole number'],
    ['5; drop table', '"5; drop table" is not a whole number'],
  ])('refuse %j, naming the range', (text, what) => {
    expect(refusal({ threshold: text })).toEqual([`threshold: ${what} (expected a whole number from 1 to 1000, e.g. 1)`]);
  });

  it('are refused by the schema with a quoted or out-of-range default, min above max, a list, or min on another type', () => {
    const issues = (spec: object): string[] => {
      const parsed = paramSchema.safeParse(spec);
      return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
    };
    expect(issues({ type: 'number', default: '5' })[0]).toMatch(/must be a whole number, written without quotes/);
    expect(issues({ type: 'number', min: 1, default: 0 })).toEqual(['the default of a number parameter must be a whole number within its min and max, written without quotes']);
    expect(issues({ type: 'number', min: 5, max: 1 })).toEqual(['min 5 is more than max 1']);
    expect(issues({ type: 'number', list: true })).toEqual(['a number parameter takes one value (`list` is not for numbers)']);
    expect(issues({ type: 'string', min: 1 })).toEqual(['`min` and `max` are only for number parameters']);
  });

  it('pass the worker check only as numbers, not as text', () => {
    const rb = runbook({ threshold: THRESHOLD });
    const window = { start: '2026-11-01T12:00:00.000Z', end: NOW.toISOString() };
    expect(() => checkResolvedParams(rb, { params: { threshold: 5 }, window })).not.toThrow();
    expect(() => checkResolvedParams(rb, { params: { threshold: '5' }, window })).toThrow(ParamError);
    expect(() => checkResolvedParams(rb, { params: { threshold: 0 }, window })).toThrow(ParamError);
  });

  it('reach CEL as ints: compared with a count, and with the int-only % and + 1', () => {
    const rows: Row[] = [
      { eventID: 'e1', principal: 'alice', attempts: 6 },
      { eventID: 'e2', principal: 'bob', attempts: 2 },
    ];
    const step: StepResult = {
      stepId: 'attempts',
      title: 'attempts',
      kind: 'query',
      status: 'ok',
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      query: { engine: 'duckdb', statement: '', params: [], columns: ['eventID', 'principal', 'attempts'], rows, stats: { elapsedMs: 1 } },
    };
    const rb = runbookSchema.parse({
      id: 'thresholds',
      title: 't',
      summary: 't',
      severity: 'low',
      params: { threshold: THRESHOLD },
      steps: [
        { id: 'attempts', query: { where: { eventName: 'ConsoleLogin' } } },
        {
          id: 'checks',
          check: [{ for_each: 'attempts', when: 'row.attempts >= params.threshold && params.threshold % 2 == 1', severity: 'high', message: '{{row.principal}}: {{params.threshold + 1}}' }],
        },
      ],
    });
    const { params } = resolveParams(rb, {}, { now: NOW });
    const vars = celVariables({ params, window: { start: '2026-11-01T12:00:00.000Z', end: NOW.toISOString() } }, [step]);
    const outcome = evaluateChecks(compileChecks(rb).steps.get('checks')!.checks!, 'checks', vars, () => rows);
    expect(outcome.errors).toEqual([]);
    expect(outcome.findings.map((f) => f.message)).toEqual(['alice: 6']);
  });

  it('are what the built-in runbooks use for their thresholds and hours', async () => {
    const library = await RunbookLibrary.load(BUILTIN_RUNBOOK_DIR);
    const numeric = library.all().flatMap(({ runbook: r }) => Object.entries(r.params).filter(([n]) => /threshold$|^work_(start|end)$/.test(n)).map(([n, s]) => [r.id, n, s.type]));
    expect(numeric.length).toBeGreaterThanOrEqual(13);
    for (const [id, name, type] of numeric) expect(type, `${id}.${name}`).toBe('number');
  });
});
