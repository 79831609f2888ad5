import { describe, expect, it } from 'vitest';
import { queryResultCsv } from '../../src/slack/render/index.js';

describe('the CSV of a query result', () => {
  it('has a header, one line per row, quoting where needed, lists joined', () => {
    const csv = queryResultCsv(
      ['eventName', 'requestParameters', 'count', 'tags', 'mfa'],
      [
        { eventName: 'PutBucketPolicy', requestParameters: '{"bucketName":"logs","policy":"a, b"}', count: 3, tags: ['x', 'y'], mfa: null },
        { eventName: 'ConsoleLogin', requestParameters: 'line one\nline two', count: -1, tags: [], mfa: true },
      ],
    );
    expect(csv).toBe(
      'eventName,requestParameters,count,tags,mfa\n' +
        'PutBucketPolicy,"{""bucketName"":""logs"",""policy"":""a, b""}",3,"x, y",\n' +
        'ConsoleLogin,"line one\nline two",-1,,true\n',
    );
  });

  it('defuses values a spreadsheet would run as formulas, but keeps numbers as numbers', () => {
    const csv = queryResultCsv(['userAgent', 'n'], [{ userAgent: '=HYPERLINK("https://evil.example","click")', n: -5 }, { userAgent: '@SUM(A1)', n: 1 }]);
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"",""click"")",-5`);
    expect(csv).toContain(`'@SUM(A1),1`);
  });
});
