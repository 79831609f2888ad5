/**
 * What a runbook author sees when a query is wrong, and what a correct one becomes.
 */
import { describe, expect, it } from 'vitest';
import { parsePortableQuery, parseRawQuery, queryReferences, QueryDefinitionError } from '../../src/query/index.js';

function errorOf(input: unknown, parse: (i: unknown) => unknown = parsePortableQuery): QueryDefinitionError {
  try {
    parse(input);
  } catch (e) {
    if (e instanceof QueryDefinitionError) return e;
    throw e;
  }
  throw new Error('expected a QueryDefinitionError');
}

describe('query definition errors name the place and the expected form', () => {
  const cases: [string, unknown, string][] = [
    [
      'unknown field',
      { where: { any: [{ eventName: 'A' }, { sourceIpAddress: '1.2.3.4' }] } },
      'where.any[1].sourceIpAddress: unknown field "sourceIpAddress": CloudTrail events have no top-level field "sourceIpAddress"; field paths use CloudTrail\'s own names, e.g. eventName, userIdentity.arn or requestParameters.bucketName',
    ],
    [
      'unknown sub-field of a struct',
      { where: { 'userIdentity.role': 'x' } },
      'where.userIdentity.role: unknown field "userIdentity.role": "role" is not a field of userIdentity; field paths use CloudTrail\'s own names, e.g. eventName, userIdentity.arn or requestParameters.bucketName',
    ],
    [
      'unknown operator',
      { where: { eventName: { equals: 'ConsoleLogin' } } },
      'where.eventName.equals: unknown operator "equals"; expected one of eq, ne, in, not_in, prefix, contains, gt, gte, lt, lte, in_cidr, not_in_cidr, exists',
    ],
    [
      'comparison on a non-time field',
      { where: { eventName: { gt: 'A' } } },
      'where.eventName.gt: gt compares times and only applies to eventTime; eventName is a string: use eq, ne, in, not_in, prefix or contains',
    ],
    [
      'equality on eventTime',
      { where: { eventTime: '2024-05-01T00:00:00Z' } },
      "where.eventTime: eventTime is a time: compare it with gt, gte, lt or lte (the run's window already bounds it)",
    ],
    ['a time that is not a time', { where: { eventTime: { gte: 'yesterday' } } }, 'where.eventTime.gte: "yesterday" is not a time; write ISO 8601 such as 2024-05-01T12:00:00Z'],
    ['not a CIDR', { where: { sourceIPAddress: { in_cidr: '10.0.0/8' } } }, 'where.sourceIPAddress.in_cidr: "10.0.0/8" is not a CIDR; write one such as 10.0.0.0/8 or 2001:db8::/32'],
    ['a list for eq', { where: { eventName: { eq: ['A', 'B'] } } }, 'where.eventName.eq: eq takes one value, not a list: use in for a list'],
    ['prefix on a boolean', { where: { readOnly: { prefix: 't' } } }, 'where.readOnly.prefix: readOnly is true or false: compare it with eq, ne, in or not_in'],
    ['a boolean that is not', { where: { readOnly: 'yes' } }, 'where.readOnly: readOnly is true or false, not "yes"'],
    [
      'comparing a whole structure',
      { where: { userIdentity: 'Root' } },
      'where.userIdentity: userIdentity is a structure, which has no single value to compare: compare one of its fields (e.g. userIdentity.arn, requestParameters.bucketName) or test { exists: true }',
    ],
    ['exists with a non-boolean', { where: { errorCode: { exists: 'yes' } } }, 'where.errorCode.exists: exists takes true or false'],
    ['empty any', { where: { any: [] } }, 'where.any: any takes a non-empty list of condition maps, e.g. any: [{ eventName: A }, { eventName: B }]'],
    ['not with a list', { where: { not: [{ eventName: 'A' }] } }, 'where.not: expected a map of conditions such as { eventName: ConsoleLogin }'],
    ['malformed $steps reference', { where: { eventID: { in: '$steps.find' } } }, 'where.eventID.in: "$steps.find" is not a step reference; write $steps.<step id>.<column>, e.g. $steps.keys.accessKeyId'],
    ['$steps reference for eq', { where: { eventID: '$steps.find.eventID' } }, 'where.eventID: $steps.find.eventID is a list of values: use in or not_in'],
    ['$steps reference for a CIDR', { where: { sourceIPAddress: { in_cidr: '$steps.vpc.cidr' } } }, "where.sourceIPAddress.in_cidr: in_cidr takes CIDRs written in the query or given by a parameter, not an earlier step's rows"],
    ['malformed parameter reference', { where: { eventName: '$my name' } }, 'where.eventName: "$my name" is not a parameter reference; a parameter name is letters, digits, "_" and "-" (write $$ for a text that starts with $)'],
    ['reference inside a list', { where: { eventName: ['A', '$b'] } }, 'where.eventName[1]: "$b": a list cannot contain references; use one list parameter instead (e.g. { in: $names }), or write $$ for a text that starts with $'],
    ['bad alias', { select: ['userIdentity.arn as principal-arn'] }, 'select[0]: "principal-arn" is not a valid column name: use letters, digits and "_", starting with a letter or "_"'],
    [
      'duplicate alias',
      { select: ['userIdentity.arn', 'userIdentity.sessionContext.sessionIssuer.arn'] },
      'select[1]: the column name "arn" is already used by select[0]; give one of them an explicit alias, e.g. "userIdentity.sessionContext.sessionIssuer.arn as other_arn"',
    ],
    ['selecting a structure', { select: ['userIdentity'] }, 'select[0]: userIdentity is a structure and cannot be a column: select its fields, e.g. userIdentity.arn'],
    ['select with group', { select: ['eventName'], group: { by: ['eventName'] } }, 'select: a grouped query returns its group.by columns and aggregates; remove select'],
    ['aggregate alias clash', { group: { by: ['eventName as calls'], count: 'calls' } }, 'group.count: the column name "calls" is already used by group.by[0]; give one of them an explicit alias, e.g. "count as other_calls"'],
    ['reserved eventIDs alias', { group: { by: ['eventID as eventIDs'] } }, 'group: the column name "eventIDs" is already used by group.by[0]; give one of them an explicit alias, e.g. "eventIDs as other_eventIDs"'],
    ['order by an unknown key', { select: ['eventName'], order: 'when desc' }, 'order: "when" is neither a column of this query (eventName, eventID) nor a CloudTrail field'],
    ['order by a field a grouped query does not return', { group: { by: ['eventName'], count: 'n' }, order: 'eventSource' }, 'order: "eventSource" is not a column of this grouped query; order by one of: eventName, n'],
    ['order with a bad direction', { order: ['eventTime downwards'] }, 'order[0]: "eventTime downwards" is not "column", "column asc" or "column desc"'],
    ['limit zero', { limit: 0 }, 'limit: Too small: expected number to be >0'],
    ['unknown top-level key', { wher: {} }, ': Unrecognized key: "wher"'],
  ];
  for (const [what, input, message] of cases) {
    it(what, () => {
      expect(errorOf(input).message).toBe(message.replace(/^: /, ''));
    });
  }
});

describe('raw query errors', () => {
  it('an unknown :name', () => {
    expect(errorOf({ sql: { duckdb: 'SELECT 1 WHERE x = :user AND t >= :window_start AND t < :window_end' } }, parseRawQuery).message).toBe(
      'sql.duckdb: uses :user, which is not declared in params (known: :window_start, :window_end, :table)',
    );
  });

  it('a statement that ignores the run window', () => {
    expect(errorOf({ sql: { athena: 'SELECT * FROM logs' } }, parseRawQuery).message).toBe(
      "sql.athena: must use :window_start and :window_end (e.g. eventTime >= :window_start AND eventTime < :window_end) so the query stays inside the run's time window",
    );
  });

  it('no SQL for any engine', () => {
    expect(errorOf({ sql: {} }, parseRawQuery).message).toBe('sql: a raw query needs SQL text for at least one engine (duckdb, athena or lake)');
  });

  it('casts, string literals and comments are not placeholders', () => {
    const q = parseRawQuery({
      sql: { duckdb: "SELECT x::VARCHAR, ':nope' FROM events /* :nor */ WHERE t >= :window_start -- :neither\n AND t < :window_end" },
    });
    expect(q.sql.duckdb).toContain('::VARCHAR');
  });
});

describe('normalized queries', () => {
  it('a map is an implicit all; scalars are eq, lists are in, several operators are all of them', () => {
    const q = parsePortableQuery({ where: { eventName: 'ConsoleLogin', eventSource: ['a', 'b'], errorCode: { exists: true, ne: 'X' } } });
    expect(q.where).toEqual({
      kind: 'all',
      items: [
        { kind: 'compare', field: 'eventName', op: 'eq', value: { kind: 'literal', value: 'ConsoleLogin' } },
        { kind: 'compare', field: 'eventSource', op: 'in', value: { kind: 'literal', value: ['a', 'b'] } },
        {
          kind: 'all',
          items: [
            { kind: 'exists', field: 'errorCode', exists: true },
            { kind: 'compare', field: 'errorCode', op: 'ne', value: { kind: 'literal', value: 'X' } },
          ],
        },
      ],
    });
  });

  it('$name, $steps.<step>.<column> and $$ escapes', () => {
    const q = parsePortableQuery({ where: { eventName: '$name', eventID: { in: '$steps.find.eventIDs' }, userAgent: '$$HOME' } });
    expect(q.where).toMatchObject({
      items: [
        { value: { kind: 'param', name: 'name' } },
        { value: { kind: 'rows', step: 'find', column: 'eventIDs' } },
        { value: { kind: 'literal', value: '$HOME' } },
      ],
    });
    expect(queryReferences(q)).toEqual({ params: ['name'], steps: [{ step: 'find', column: 'eventIDs' }] });
  });

  it('the default projection, plus eventID', () => {
    expect(parsePortableQuery({}).select).toEqual([
      { field: 'eventTime', alias: 'eventTime' },
      { field: 'eventName', alias: 'eventName' },
      { field: 'eventSource', alias: 'eventSource' },
      { field: 'userIdentity.arn', alias: 'principal' },
      { field: 'sourceIPAddress', alias: 'sourceIPAddress' },
      { field: 'errorCode', alias: 'errorCode' },
      { field: 'eventID', alias: 'eventID' },
    ]);
  });

  it('an order key that names a returned field becomes its column', () => {
    const q = parsePortableQuery({ select: ['userIdentity.arn as who'], order: ['userIdentity.arn desc', 'eventName'] });
    expect(q.order).toEqual([
      { key: 'who', direction: 'desc' },
      { key: 'eventName', direction: 'asc' },
    ]);
  });

  it('grouped queries: by items, aggregates in order, and the eventIDs evidence column', () => {
    const q = parsePortableQuery({ group: { by: ['userIdentity.arn as principal'], count: 'calls', max: { last_seen: 'eventTime' } } });
    expect(q.group).toEqual({
      by: [{ field: 'userIdentity.arn', alias: 'principal' }],
      aggregates: [
        { fn: 'count', alias: 'calls' },
        { fn: 'max', field: 'eventTime', alias: 'last_seen' },
      ],
    });
    expect(q.select).toEqual([]);
  });
});
