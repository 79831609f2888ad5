/** The evaluator's rows look like the SQL engines' rows. */
import { describe, expect, it } from 'vitest';
import { evaluateQuery, parsePortableQuery } from '../../src/query/index.js';
import { EVENTS, WINDOW } from './support/events.js';

describe('evaluateQuery', () => {
  it('returns text cells: times in CloudTrail form, booleans as true/false, JSON objects as JSON text, JSON null as null', () => {
    const query = parsePortableQuery({
      where: { eventID: { in: ['e01', 'e04'] } },
      select: ['eventTime', 'readOnly', 'responseElements.accessKey as key', 'requestParameters', 'userIdentity.userName as user'],
      order: 'eventTime',
    });
    expect(evaluateQuery(query, EVENTS, { window: WINDOW }).rows).toEqual([
      { eventTime: '2024-05-01T06:00:00Z', readOnly: 'false', key: null, requestParameters: null, user: null, eventID: 'e01' },
      {
        eventTime: '2024-05-01T10:30:00Z',
        readOnly: 'false',
        key: '{"accessKeyId":"AKIABOB","status":"Active","userName":"bob"}',
        requestParameters: '{"userName":"bob"}',
        user: 'alice',
        eventID: 'e04',
      },
    ]);
  });

  it('keeps events outside the window out, and orders with a stable tie-break', () => {
    const query = parsePortableQuery({ where: { eventName: 'ConsoleLogin' }, select: ['userIdentity.type as who'], order: 'who', limit: 3 });
    const { columns, rows } = evaluateQuery(query, EVENTS, { window: WINDOW });
    expect(columns).toEqual(['who', 'eventID']);
    expect(rows).toEqual([
      { who: 'IAMUser', eventID: 'e02' },
      { who: 'Root', eventID: 'e01' },
      { who: 'Root', eventID: 'e10' },
    ]);
  });
});
