/** Compiler behaviour common to every engine: the window, raw SQL binding, explain placeholders. */
import { describe, expect, it } from 'vitest';
import { compileQuery, parsePortableQuery, parseRawQuery, QueryValueError } from '../../src/query/index.js';
import { LAKE } from './support/cases.js';

const window = { start: new Date('2024-05-01T06:00:00.250Z'), end: new Date('2024-05-01T07:00:00Z') };

describe('the time window', () => {
  it('is always in the statement, rounded to whole seconds without changing its meaning', () => {
    const q = compileQuery(parsePortableQuery({}), 'duckdb', { params: {}, window });
    expect(q.text).toContain('WHERE "eventTime" >= $1\n  AND "eventTime" < $2');
    expect(q.params.slice(0, 2)).toEqual([
      { placeholder: '$1', value: new Date('2024-05-01T06:00:01Z'), source: 'window.start' },
      { placeholder: '$2', value: new Date('2024-05-01T07:00:00Z'), source: 'window.end' },
    ]);
  });

  it('an empty window is refused', () => {
    expect(() => compileQuery(parsePortableQuery({}), 'duckdb', { params: {}, window: { start: window.end, end: window.end } })).toThrow(/the time window is empty/);
  });
});

describe('raw SQL', () => {
  const raw = parseRawQuery({
    sql: {
      duckdb: 'SELECT count(*) AS n FROM events WHERE "eventTime" >= :window_start AND "eventTime" < :window_end AND "eventName" = :name',
      lake: 'SELECT count(*) AS n FROM eds WHERE eventTime >= :window_start AND eventTime < :window_end AND eventName IN (:names)',
    },
    params: { name: '$name', names: '$names' },
  });
  const ctx = { params: { name: "it's", names: [] as string[] }, window, lake: LAKE };

  it('binds placeholders on DuckDB', () => {
    const q = compileQuery(raw, 'duckdb', ctx);
    expect(q.text).toBe('SELECT count(*) AS n FROM events WHERE "eventTime" >= $1 AND "eventTime" < $2 AND "eventName" = $3');
    expect(q.params[2]).toEqual({ placeholder: '$3', value: "it's", source: 'param:name' });
    expect(q.columns).toEqual([]);
  });

  it('inlines escaped literals on Lake, an empty list as NULL', () => {
    expect(compileQuery(raw, 'lake', ctx).text).toBe(
      "SELECT count(*) AS n FROM eds WHERE eventTime >= '2024-05-01 06:00:01' AND eventTime < '2024-05-01 07:00:00' AND eventName IN (NULL)",
    );
  });

  it('a missing engine text, and LookupEvents, are clear errors', () => {
    expect(() => compileQuery(raw, 'athena', ctx)).toThrow(
      new QueryValueError('this raw query has no SQL for athena (it has SQL for: duckdb, lake); add sql.athena or run it on another engine'),
    );
    expect(() => compileQuery(raw, 'lookup', ctx)).toThrow(/raw SQL has no LookupEvents form/);
  });
});

describe('explaining before a run', () => {
  it('binds a descriptive placeholder for an earlier step\'s values', () => {
    const q = compileQuery(parsePortableQuery({ where: { eventID: { in: '$steps.find.eventIDs' } } }), 'duckdb', { params: {}, window });
    expect(q.params[2]).toEqual({ placeholder: '$3', value: ['<values of steps.find.eventIDs>'], source: 'rows:find.eventIDs' });
  });

  it('a step that has not produced the column is a clear error at run time', () => {
    const query = parsePortableQuery({ where: { eventID: { in: '$steps.find.ids' } } });
    expect(() => compileQuery(query, 'duckdb', { params: {}, window, stepValues: () => undefined })).toThrow(/step "find" has not produced a column "ids"/);
  });
});
