/**
 * Needles: the strings one of which every event a query can match holds in its JSON text,
 * which lets the DuckDB engine leave the other events unparsed. A needle is given only where
 * it is certain; anything else means "any event may match".
 */
import { describe, expect, it } from 'vitest';
import { parsePortableQuery, parseRawQuery, queryNeedles, unionOfNeedles } from '../../src/query/index.js';

const needles = (where: Record<string, unknown>, params: Record<string, string | string[]> = {}): string[] | null =>
  queryNeedles(parsePortableQuery({ where }), { params });

describe('the needles of a query', () => {
  it('are the values a text field must equal, start with or hold', () => {
    expect(needles({ eventName: 'ConsoleLogin' })).toEqual(['ConsoleLogin']);
    expect(needles({ eventName: ['DeleteBucket', 'DeleteObject'] })).toEqual(['DeleteBucket', 'DeleteObject']);
    expect(needles({ 'userIdentity.arn': { prefix: 'arn:aws:iam::123456789012:user/' } })).toEqual(['arn:aws:iam::123456789012:user/']);
    expect(needles({ eventName: { contains: 'Delete' } })).toEqual(['Delete']);
    expect(needles({ 'requestParameters.bucketName': 'audit-logs' })).toEqual(['audit-logs']);
  });

  it('take the values of parameters, not of an earlier step’s rows', () => {
    expect(needles({ 'userIdentity.arn': '$principal' }, { principal: 'arn:aws:iam::123456789012:user/bob' })).toEqual(['arn:aws:iam::123456789012:user/bob']);
    expect(needles({ 'userIdentity.accessKeyId': { in: '$steps.keys.accessKeyId' } })).toBeNull();
  });

  it('of `all` are those of one of its conditions, the one letting fewest events through; of `any`, those of every one', () => {
    expect(needles({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' })).toEqual(['CreateUser']);
    expect(needles({ any: [{ eventName: 'StopLogging' }, { eventName: 'DeleteTrail' }] })).toEqual(['StopLogging', 'DeleteTrail']);
    expect(needles({ any: [{ eventName: 'StopLogging' }, { errorCode: { exists: true } }] })).toBeNull();
  });

  it('leave out a value holding another: an event holding the longer holds the shorter', () => {
    expect(needles({ any: [{ eventName: { contains: 'Delete' } }, { eventName: 'DeleteBucket' }] })).toEqual(['Delete']);
  });

  it('are none for conditions an absent value can meet, and for times, CIDRs, booleans and whole payloads', () => {
    expect(needles({})).toBeNull();
    expect(needles({ not: { eventName: 'ConsoleLogin' } })).toBeNull();
    expect(needles({ eventName: { ne: 'ConsoleLogin' } })).toBeNull();
    expect(needles({ eventTime: { gt: '2024-05-01T00:00:00Z' } })).toBeNull();
    expect(needles({ sourceIPAddress: { in_cidr: ['10.0.0.0/8'] } })).toBeNull();
    expect(needles({ readOnly: 'false' })).toBeNull();
    expect(needles({ errorCode: { exists: true } })).toBeNull();
  });

  it('are none for values JSON may write otherwise: escaped characters, numbers, JSON text', () => {
    expect(needles({ userAgent: 'say "hi"' })).toBeNull();
    expect(needles({ userAgent: 'back\\slash' })).toBeNull();
    expect(needles({ 'requestParameters.size': '1.5' })).toBeNull();
    expect(needles({ 'requestParameters.policy': { contains: '"Effect":"Allow"' } })).toBeNull();
    expect(needles({ 'requestParameters.policy': { contains: 'Allow,' } })).toBeNull();
    expect(needles({ 'requestParameters.items': '[]' })).toBeNull();
    // Digits alone are a whole number, written as its digits: an account id.
    expect(needles({ recipientAccountId: '123456789012' })).toEqual(['123456789012']);
    expect(needles({ recipientAccountId: { prefix: '1234' } })).toBeNull();
  });

  it('are none for raw SQL, which may read anything', () => {
    expect(queryNeedles(parseRawQuery({ sql: { duckdb: 'SELECT 1 FROM events WHERE "eventTime" >= :window_start AND "eventTime" < :window_end' } }), { params: {} })).toBeNull();
  });
});

describe('the needles of several queries', () => {
  it('are all of theirs, or none when one query has none', () => {
    expect(unionOfNeedles([['Root'], ['ConsoleLogin', 'Root']])).toEqual(['Root', 'ConsoleLogin']);
    expect(unionOfNeedles([['Root'], null])).toBeNull();
  });
});
