/** Athena: partition pruning from the window, placeholders in step with parameters, settings checked. */
import { describe, expect, it } from 'vitest';
import { compileQuery, parsePortableQuery, QueryValueError, type AthenaSettings } from '../../src/query/index.js';
import { partitionTerms, slashDate, utcDay } from '../../src/query/dialects/athena-partitions.js';
import { CASES } from './support/cases.js';
import { compileCase } from './support/compile-case.js';

const day = (s: string) => utcDay(new Date(`${s}T00:00:00Z`));

function athena(settings: AthenaSettings, start: string, end: string) {
  return compileQuery(parsePortableQuery({ select: ['eventID'] }), 'athena', {
    params: {},
    window: { start: new Date(start), end: new Date(end) },
    athena: settings,
  });
}

describe('partition terms cover exactly the needed days', () => {
  it('one day, and two days across a month end', () => {
    expect(partitionTerms(day('2024-05-01'), day('2024-05-01'))).toEqual([{ year: '2024', months: ['05', '05'], days: ['01', '01'] }]);
    expect(partitionTerms(day('2024-04-30'), day('2024-05-01'))).toEqual([
      { year: '2024', months: ['04', '04'], days: ['30', '30'] },
      { year: '2024', months: ['05', '05'], days: ['01', '01'] },
    ]);
  });

  it('whole months and whole years collapse', () => {
    expect(partitionTerms(day('2024-02-01'), day('2024-02-29'))).toEqual([{ year: '2024', months: ['02', '02'] }]);
    expect(partitionTerms(day('2023-11-20'), day('2025-01-03'))).toEqual([
      { year: '2023', months: ['11', '11'], days: ['20', '30'] },
      { year: '2023', months: ['12', '12'] },
      { year: '2024' },
      { year: '2025', months: ['01', '01'], days: ['01', '03'] },
    ]);
  });
});

describe('the window prunes partitions', () => {
  it('timestamp projection: a 24 h window reads its two days', () => {
    const q = athena({ table: 'cloudtrail', partitioning: 'timestamp' }, '2024-05-01T06:00:00Z', '2024-05-02T06:00:00Z');
    expect(q.text).toContain('"timestamp" BETWEEN ? AND ?');
    expect(q.params.slice(0, 2).map((p) => p.value)).toEqual(['2024/05/01', '2024/05/02']);
  });

  it('reaches into the next day when the window ends near midnight (late log delivery)', () => {
    const q = athena({ table: 'cloudtrail', partitioning: 'timestamp' }, '2024-05-01T00:00:00Z', '2024-05-01T23:30:00Z');
    expect(q.params.slice(0, 2).map((p) => p.value)).toEqual(['2024/05/01', '2024/05/02']);
  });

  it('region/year/month/day: regions and day ranges', () => {
    const q = athena({ table: 'db.cloudtrail', partitioning: 'region-year-month-day', regions: ['us-east-1'] }, '2024-05-01T06:00:00Z', '2024-05-02T06:00:00Z');
    expect(q.text).toContain('WHERE "region" IN (?)\n  AND ("year" = ? AND "month" = ? AND "day" BETWEEN ? AND ?)\n  AND "eventtime" >= ?');
    expect(q.params.slice(0, 5).map((p) => p.value)).toEqual(['us-east-1', '2024', '05', '01', '02']);
  });

  it('partition bounds keep every field at full width, so they sort like the S3 folders', () => {
    expect(slashDate({ year: 999, month: 6, day: 1 })).toBe('0999/06/01');
    const q = athena({ table: 'cloudtrail', partitioning: 'timestamp' }, '0999-06-01T00:00:00Z', '0999-06-02T00:00:00Z');
    expect(q.params.slice(0, 2).map((p) => p.value)).toEqual(['0999/06/01', '0999/06/02']);
    expect(partitionTerms(day('0999-06-01'), day('0999-06-01'))[0]?.year).toBe('0999');
  });

  it('no partitioning: only the eventtime bounds', () => {
    const q = athena({ table: 'cloudtrail', partitioning: 'none' }, '2024-05-01T06:00:00Z', '2024-05-02T06:00:00Z');
    expect(q.text).toContain('WHERE "eventtime" >= ?\n  AND "eventtime" < ?');
  });
});

describe('placeholders', () => {
  it('every compiled golden case has exactly one ? per parameter', () => {
    for (const c of CASES) {
      const q = compileCase(c, 'athena');
      const outsideLiterals = q.text.replace(/'(?:[^']|'')*'/g, "''");
      expect(outsideLiterals.split('?').length - 1, c.name).toBe(q.params.length);
    }
  });
});

describe('settings are checked', () => {
  it('a region that is not a region', () => {
    expect(() => athena({ table: 't', partitioning: 'region-year-month-day', regions: ["us-east-1') OR ('1'='1"] }, '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z')).toThrow(
      /is not an AWS region name/,
    );
  });

  it('missing settings', () => {
    expect(() => compileQuery(parsePortableQuery({}), 'athena', { params: {}, window: { start: new Date(0), end: new Date(1000) } })).toThrow(
      new QueryValueError('compiling for athena needs the athena settings (table and partitioning)'),
    );
  });
});
