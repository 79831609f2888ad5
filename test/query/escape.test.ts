/** The one audited escape: what it quotes, what it refuses, and what Athena is sent. */
import { describe, expect, it } from 'vitest';
import { athenaExecutionParameters, lakeLiteral, sqlStringLiteral, UnsafeLiteralError } from '../../src/query/index.js';

describe('sqlStringLiteral', () => {
  it('quotes and doubles single quotes, leaving backslashes and unicode quotes alone', () => {
    expect(sqlStringLiteral("it's")).toBe("'it''s'");
    expect(sqlStringLiteral("\\' OR 1=1 --")).toBe("'\\'' OR 1=1 --'");
    expect(sqlStringLiteral('’ʼ')).toBe("'’ʼ'");
    expect(sqlStringLiteral('')).toBe("''");
  });

  it('keeps tab and newline', () => {
    expect(sqlStringLiteral('a\tb\nc')).toBe("'a\tb\nc'");
  });

  it('refuses NUL, other control characters and broken UTF-16 with a sentence saying why', () => {
    expect(() => sqlStringLiteral('a\u0000')).toThrow(new UnsafeLiteralError('the value "a\\u0000" contains a NUL byte (U+0000), which cannot be sent in a query: remove it (tab and newline are the only control characters allowed)'));
    expect(() => sqlStringLiteral('a\rb')).toThrow(/control character U\+000D/);
    expect(() => sqlStringLiteral('\u009b')).toThrow(/control character U\+009B/);
    expect(() => sqlStringLiteral('\ud800x')).toThrow(/unpaired UTF-16 surrogate/);
    expect(sqlStringLiteral('😀')).toBe("'😀'");
  });
});

describe('lakeLiteral', () => {
  it('writes each validated type in the form Lake compares with', () => {
    expect(lakeLiteral("o'k", 'string')).toBe("'o''k'");
    expect(lakeLiteral(new Date('2024-05-01T06:07:08.900Z'), 'timestamp')).toBe("'2024-05-01 06:07:08'");
    expect(lakeLiteral(42, 'number')).toBe('42');
  });

  it('refuses a value that is not of the stated type', () => {
    expect(() => lakeLiteral('1 OR 1=1', 'number')).toThrow(UnsafeLiteralError);
    expect(() => lakeLiteral('2024-05-01', 'timestamp')).toThrow(UnsafeLiteralError);
    expect(() => lakeLiteral(Number.NaN, 'number')).toThrow(UnsafeLiteralError);
  });
});

describe('athenaExecutionParameters', () => {
  it('sends strings as quoted literals, times as eventtime text, numbers as numbers', () => {
    expect(
      athenaExecutionParameters([
        { placeholder: '?', value: "x' OR '1'='1", source: 'param:v' },
        { placeholder: '?', value: new Date('2024-05-01T06:00:00Z'), source: 'window.start' },
        { placeholder: '?', value: 7, source: 'literal' },
      ]),
    ).toEqual(["'x'' OR ''1''=''1'", "'2024-05-01T06:00:00Z'", '7']);
  });

  it('refuses a list (Athena has no array parameters)', () => {
    expect(() => athenaExecutionParameters([{ placeholder: '?', value: ['a'], source: 'param:v' }])).toThrow(/is a list/);
  });
});
