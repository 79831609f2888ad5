/** LookupEvents: which attribute is chosen, what is left to filter, and what it cannot do. */
import { describe, expect, it } from 'vitest';
import { compileQuery, EngineCannotAnswerError, evaluateQuery, parsePortableQuery, type CompileContext } from '../../src/query/index.js';
import { EVENTS, NOW, WINDOW } from './support/events.js';

const ctx: CompileContext = { params: { user: 'alice', ro: 'true' }, window: WINDOW, now: NOW };

function plan(where: Record<string, unknown>, extra: Partial<CompileContext> = {}) {
  return compileQuery(parsePortableQuery({ where }), 'lookup', { ...ctx, ...extra }).lookup!;
}

describe('lookup attribute choice', () => {
  it('prefers the most selective attribute: EventId over AccessKeyId over EventName', () => {
    expect(plan({ eventName: 'ConsoleLogin', 'userIdentity.accessKeyId': 'AKIA1', eventID: 'e01' }).attribute).toEqual({ key: 'EventId', value: 'e01' });
    expect(plan({ eventName: 'ConsoleLogin', 'userIdentity.accessKeyId': 'AKIA1' }).attribute).toEqual({ key: 'AccessKeyId', value: 'AKIA1' });
    expect(plan({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', readOnly: false }).attribute).toEqual({ key: 'EventName', value: 'CreateUser' });
    expect(plan({ readOnly: false, eventSource: 'iam.amazonaws.com' }).attribute).toEqual({ key: 'EventSource', value: 'iam.amazonaws.com' });
    expect(plan({ readOnly: '$ro' }).attribute).toEqual({ key: 'ReadOnly', value: 'true' });
  });

  it('takes a one-value in list and a parameter value, and drops an exact attribute from the residual filter', () => {
    const p = plan({ eventName: { in: ['DeleteTrail'] }, errorCode: { exists: false } });
    expect(p.attribute).toEqual({ key: 'EventName', value: 'DeleteTrail' });
    expect(p.residual).toEqual({ kind: 'exists', field: 'errorCode', exists: false });
  });

  it('keeps Username in the residual filter: LookupEvents matches role session names too', () => {
    const p = plan({ 'userIdentity.userName': '$user' });
    expect(p.attribute).toEqual({ key: 'Username', value: 'alice' });
    expect(p.residual).toEqual({ kind: 'compare', field: 'userIdentity.userName', op: 'eq', value: { kind: 'literal', value: 'alice' } });
  });

  it('ignores conditions under any / not and multi-value lists', () => {
    const p = plan({ any: [{ eventName: 'A' }, { eventName: 'B' }], eventSource: { in: ['a', 'b'] }, not: { eventName: 'C' } });
    expect(p.attribute).toBeNull();
    expect(p.reason).toMatch(/no top-level condition pins/);
  });

  it('does not promise a step-rows placeholder as the attribute when explaining before a run', () => {
    expect(plan({ 'userIdentity.accessKeyId': { in: '$steps.keys.accessKeyId' } }).attribute).toBeNull();
    const ran = plan({ 'userIdentity.accessKeyId': { in: '$steps.keys.accessKeyId' } }, { stepValues: () => ['AKIA1'] });
    expect(ran.attribute).toEqual({ key: 'AccessKeyId', value: 'AKIA1' });
  });
});

describe('the plan is self-contained for the engine', () => {
  it('carries resolved values, so the events LookupEvents returns can be filtered without parameters', () => {
    const query = parsePortableQuery({ where: { eventName: 'ConsoleLogin', 'userIdentity.userName': '$user' }, select: ['eventID'] });
    const compiled = compileQuery(query, 'lookup', ctx);
    expect(compiled.text).toBe(
      'LookupEvents LookupAttributes=[{AttributeKey=Username, AttributeValue=alice}] StartTime=2024-05-01T06:00:00Z EndTime=2024-05-02T06:00:00Z; then filter: eventName = "ConsoleLogin" and userIdentity.userName = "alice"; then return: eventID',
    );
    const p = compiled.lookup!;
    const rows = evaluateQuery(p.query, EVENTS, { window: { start: p.startTime, end: p.endTime } }).rows;
    expect(rows).toEqual([{ eventID: 'e02' }]);
  });
});

describe('what LookupEvents cannot answer', () => {
  const refusal = (run: () => unknown): EngineCannotAnswerError => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineCannotAnswerError);
      return e as EngineCannotAnswerError;
    }
    throw new Error('expected a refusal');
  };

  it('data events: this step needs another engine', () => {
    const e = refusal(() => compileQuery(parsePortableQuery({ data_events: true }), 'lookup', ctx));
    expect(e.message).toMatch(/management events only/);
    expect(e).toMatchObject({ limit: 'step', engines: ['athena', 'lake', 'duckdb'] });
  });

  it('windows older than 90 days: the whole run does', () => {
    const old = { start: new Date('2024-01-01T00:00:00Z'), end: WINDOW.end };
    const e = refusal(() => compileQuery(parsePortableQuery({}), 'lookup', { ...ctx, window: old }));
    expect(e.message).toBe('LookupEvents only sees the last 90 days, and this window starts at 2024-01-01T00:00:00Z: shorten the window or use athena or lake');
    expect(e).toMatchObject({ limit: 'window', engines: ['athena', 'lake'] });
  });
});
