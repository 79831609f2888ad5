/**
 * Hostile values never change a statement. DuckDB binds them (the query neither errors nor
 * widens), Athena sends them as ExecutionParameters (the text does not depend on them),
 * CloudTrail Lake inlines them through the one escape function (each parses back to exactly
 * the original value), and values of the wrong type are refused before anything compiles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  athenaExecutionParameters,
  compileQuery,
  evaluateQuery,
  parsePortableQuery,
  QueryValueError,
  UnsafeLiteralError,
  type CompileContext,
} from '../../src/query/index.js';
import { EVENTS, NOW, WINDOW } from './support/events.js';
import { openEventsDb, type EventsDb } from './support/duckdb.js';

const HOSTILE = [
  "x' OR '1'='1",
  "'; DROP TABLE events; --",
  "\\' OR 1=1 --",
  "admin'--",
  'ʼ OR ʼ1ʼ=ʼ1 ’; DROP TABLE events; —',
  '$1',
  '?',
  ':name',
  '"eventName"',
  "') OR TRUE --",
  'a\u0000b',
];
const NUL = 'a\u0000b';

function ctxWith(value: string | string[]): CompileContext {
  return {
    params: { v: value },
    window: WINDOW,
    athena: { table: 'security.cloudtrail_logs', partitioning: 'timestamp' },
    lake: { eventDataStore: 'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE' },
    now: NOW,
  };
}

const QUERIES = {
  eq: parsePortableQuery({ where: { eventName: '$v' }, select: ['eventName'] }),
  in: parsePortableQuery({ where: { eventName: { in: '$v' } }, select: ['eventName'] }),
  not_in: parsePortableQuery({ where: { eventName: { not_in: '$v' } }, select: ['eventName'] }),
  prefix: parsePortableQuery({ where: { userAgent: { prefix: '$v' } }, select: ['eventName'] }),
  contains: parsePortableQuery({ where: { 'requestParameters.bucketName': { contains: '$v' } }, select: ['eventName'] }),
};

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb(EVENTS);
});
afterAll(() => db.close());

describe('DuckDB: bound values neither error nor widen the query', () => {
  for (const value of HOSTILE) {
    it(JSON.stringify(value), async () => {
      for (const query of Object.values(QUERIES)) {
        const ctx = ctxWith(value);
        const compiled = compileQuery(query, 'duckdb', ctx);
        expect(compiled.text).toBe(compileQuery(query, 'duckdb', ctxWith('benign')).text);
        const rows = await db.run(compiled);
        expect(rows).toEqual(evaluateQuery(query, EVENTS, ctx).rows);
      }
      expect(await db.count()).toBe(EVENTS.length);
    });
  }

  it('an event whose name is itself an injection attempt is found, and only it', async () => {
    const rows = await db.run(compileQuery(QUERIES.eq, 'duckdb', ctxWith("admin'--")));
    expect(rows).toEqual([{ eventName: "admin'--", eventID: 'e08' }]);
  });
});

describe('Athena: the statement never depends on the values', () => {
  const benign = Object.fromEntries(
    Object.entries(QUERIES).map(([k, q]) => [k, compileQuery(q, 'athena', ctxWith('benign')).text]),
  );

  for (const value of HOSTILE.filter((v) => v !== NUL)) {
    it(JSON.stringify(value), () => {
      for (const [name, query] of Object.entries(QUERIES)) {
        const compiled = compileQuery(query, 'athena', ctxWith(value));
        expect(compiled.text).toBe(benign[name]);
        const sent = athenaExecutionParameters(compiled.params);
        const literal = sent[compiled.params.findIndex((p) => p.source === 'param:v')]!;
        expect(parseStringLiterals(literal)).toEqual({ literals: [value], rest: '<lit>' });
      }
    });
  }

  it('expands a list into one parameter per value, each a well-formed literal', () => {
    const compiled = compileQuery(QUERIES.in, 'athena', ctxWith(HOSTILE.filter((v) => v !== NUL)));
    const mine = compiled.params.map((p, i) => ({ p, sent: athenaExecutionParameters(compiled.params)[i]! })).filter((x) => x.p.source === 'param:v');
    expect(mine.map((x) => parseStringLiterals(x.sent).literals[0])).toEqual(HOSTILE.filter((v) => v !== NUL));
    expect(compiled.text.split('?').length - 1).toBe(compiled.params.length);
  });

  it('refuses to send a NUL byte', () => {
    const compiled = compileQuery(QUERIES.eq, 'athena', ctxWith(NUL));
    expect(() => athenaExecutionParameters(compiled.params)).toThrow(UnsafeLiteralError);
    expect(() => athenaExecutionParameters(compiled.params)).toThrow('contains a NUL byte (U+0000), which cannot be sent in a query');
  });
});

/**
 * Split SQL text into its single-quoted string literals (decoded) and the code around them,
 * the way Trino's lexer reads them: a literal ends at a quote that is not doubled.
 */
function parseStringLiterals(sql: string): { literals: string[]; rest: string } {
  const literals: string[] = [];
  let rest = '';
  let i = 0;
  while (i < sql.length) {
    if (sql[i] !== "'") {
      rest += sql[i++];
      continue;
    }
    let value = '';
    i++;
    for (;;) {
      if (i >= sql.length) throw new Error('unterminated literal');
      if (sql[i] === "'" && sql[i + 1] === "'") {
        value += "'";
        i += 2;
      } else if (sql[i] === "'") {
        i++;
        break;
      } else {
        value += sql[i++];
      }
    }
    literals.push(value);
    rest += '<lit>';
  }
  return { literals, rest };
}

describe('CloudTrail Lake: each inlined value parses back to exactly itself', () => {
  const benign = Object.fromEntries(
    Object.entries(QUERIES).map(([k, q]) => [k, parseStringLiterals(compileQuery(q, 'lake', ctxWith('benign')).text)]),
  );

  for (const value of HOSTILE.filter((v) => v !== NUL)) {
    it(JSON.stringify(value), () => {
      for (const [name, query] of Object.entries(QUERIES)) {
        const parsed = parseStringLiterals(compileQuery(query, 'lake', ctxWith(value)).text);
        // The code around the literals is unchanged, and the literal that held 'benign' now holds the value.
        expect(parsed.rest).toBe(benign[name]!.rest);
        expect(parsed.literals).toEqual(benign[name]!.literals.map((l) => (l === 'benign' ? value : l)));
      }
    });
  }

  it('refuses a NUL byte with a clear error instead of compiling', () => {
    expect(() => compileQuery(QUERIES.eq, 'lake', ctxWith(NUL))).toThrow(UnsafeLiteralError);
    expect(() => compileQuery(QUERIES.eq, 'lake', ctxWith(NUL))).toThrow(/"a\\u0000b" contains a NUL byte/);
  });

  it('refuses other control characters but keeps tabs and newlines', () => {
    expect(() => compileQuery(QUERIES.eq, 'lake', ctxWith('a\u001bb'))).toThrow(/control character U\+001B/);
    const text = compileQuery(QUERIES.eq, 'lake', ctxWith('a\tb\nc')).text;
    expect(parseStringLiterals(text).literals).toContain('a\tb\nc');
  });
});

describe('values of the wrong type are refused before anything compiles', () => {
  const engines = ['duckdb', 'athena', 'lake', 'lookup'] as const;
  const cases: [string, ReturnType<typeof parsePortableQuery>, CompileContext, RegExp][] = [
    ['a time that is not a time', parsePortableQuery({ where: { eventTime: { gt: '$v' } } }), ctxWith("2024-01-01' OR '1'='1"), /parameter \$v: .* is not a time/],
    ['a boolean that is not true or false', parsePortableQuery({ where: { readOnly: '$v' } }), ctxWith("true' OR '1'='1"), /parameter \$v gives .* for readOnly, which is true or false/],
    ['a list where one value is expected', parsePortableQuery({ where: { eventName: '$v' } }), ctxWith(['a', 'b']), /parameter \$v is a list of values, but this comparison takes one value/],
    ['a missing parameter', parsePortableQuery({ where: { eventName: '$missing' } }), ctxWith('x'), /parameter \$missing has no value/],
  ];
  for (const [what, query, ctx, message] of cases) {
    it(what, () => {
      for (const engine of engines) expect(() => compileQuery(query, engine, ctx)).toThrow(message);
    });
  }

  it('an Athena table or Lake event data store name that is not a name', () => {
    const query = parsePortableQuery({ where: {} });
    expect(() => compileQuery(query, 'athena', { ...ctxWith('x'), athena: { table: 'logs; DROP TABLE x', partitioning: 'none' } })).toThrow(QueryValueError);
    expect(() => compileQuery(query, 'lake', { ...ctxWith('x'), lake: { eventDataStore: 'eds WHERE 1=1 --' } })).toThrow(/is not a CloudTrail Lake event data store ID or ARN/);
  });
});
