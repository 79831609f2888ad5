/**
 * A local fake of AWS CloudTrail for tests and benchmarks (JSON 1.1 over HTTP): LookupEvents
 * over a list of CloudTrail records, and the CloudTrail Lake query API (StartQuery,
 * DescribeQuery, GetQueryResults, CancelQuery) with canned results.
 *
 * Lake's StartQuery takes one statement that parses with Trino's grammar (trino.ts) and no `?`;
 * its answer follows the statement: the statement's output columns (a test that names others
 * gets a failed query), at most its LIMIT rows.
 *
 * LookupEvents behaves as CloudTrail's does for what the engine relies on: at most one lookup
 * attribute, management events only, the time range, newest first, at most 50 events a page
 * with a NextToken, each event's record as the `CloudTrailEvent` JSON string. Every request's
 * arrival time, signing key and region are recorded, so a test can measure the request rate
 * per account and region.
 *
 * ```ts
 * const ct = await FakeCloudTrail.start({ events });
 * ct.lake.willAnswer({ columns: ['n'], rows: [['3']], polls: 2, bytesScanned: 1024 });
 * ```
 */
import { randomUUID } from 'node:crypto';
import { JsonFault, JsonServiceFake, pageToken } from './http.js';
import { parseTrino } from './trino.js';

export type CloudTrailRecord = Record<string, unknown>;

/** LookupEvents' attribute keys and the record field each one matches. */
const ATTRIBUTE_FIELDS: Record<string, (e: CloudTrailRecord) => unknown> = {
  EventId: (e) => e.eventID,
  EventName: (e) => e.eventName,
  EventSource: (e) => e.eventSource,
  ReadOnly: (e) => (e.readOnly === undefined ? undefined : String(e.readOnly)),
  AccessKeyId: (e) => identity(e).accessKeyId,
  Username: (e) => usernameOf(e),
  ResourceType: (e) => (e.resources as { type?: string }[] | undefined)?.map((r) => r.type),
  ResourceName: (e) => (e.resources as { ARN?: string }[] | undefined)?.map((r) => r.ARN),
};

export interface CannedLakeResult {
  /** Column names, in order, as the statement's aliases. */
  columns?: string[];
  /** Values as Lake returns them (text); null leaves the key's value out. */
  rows?: (string | null)[][];
  /** DescribeQuery calls answered QUEUED then RUNNING before the final state. Default 1. */
  polls?: number;
  outcome?: 'FINISHED' | 'FAILED' | 'TIMED_OUT';
  errorMessage?: string;
  bytesScanned?: number;
  eventsScanned?: number;
}

export interface LakeQuery {
  id: string;
  statement: string;
  answer: CannedLakeResult;
  pollsSeen: number;
  cancelled: boolean;
}

export interface FakeCloudTrailOptions {
  events?: CloudTrailRecord[];
  /** Events per LookupEvents page when the request asks for more (CloudTrail's maximum is 50). */
  pageSize?: number;
  /** Rows per Lake GetQueryResults page. */
  lakePageSize?: number;
}

export class FakeCloudTrail extends JsonServiceFake {
  events: CloudTrailRecord[];
  readonly lakeQueries = new Map<string, LakeQuery>();
  /** Each NextToken handed out, with the parameters of the request it continues. */
  private readonly tokenRequests = new Map<string, string>();
  private readonly lakeAnswers: CannedLakeResult[] = [];

  private constructor(private readonly options: FakeCloudTrailOptions) {
    super({
      LookupEvents: (input) => this.lookupEvents(input),
      StartQuery: (input) => this.startQuery(input),
      DescribeQuery: (input) => this.describeQuery(input),
      GetQueryResults: (input) => this.queryResults(input),
      CancelQuery: (input) => {
        const q = this.lakeQuery(input);
        q.cancelled = true;
        return { QueryId: q.id, QueryStatus: 'CANCELLED' };
      },
    });
    this.events = options.events ?? [];
  }

  static async start(options: FakeCloudTrailOptions = {}): Promise<FakeCloudTrail> {
    const fake = new FakeCloudTrail(options);
    await fake.listen();
    return fake;
  }

  readonly lake = {
    willAnswer: (...answers: CannedLakeResult[]): void => void this.lakeAnswers.push(...answers),
  };

  // ----- LookupEvents -------------------------------------------------------------------------

  private lookupEvents(input: Record<string, unknown>): Record<string, unknown> {
    const attributes = (input.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
    if (attributes.length > 1) throw new JsonFault('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
    const match = attributes[0];
    if (match && !ATTRIBUTE_FIELDS[match.AttributeKey]) throw new JsonFault('InvalidLookupAttributesException', `Unknown AttributeKey ${match.AttributeKey}`);
    const max = Number(input.MaxResults ?? 50);
    if (!(max >= 1 && max <= 50)) throw new JsonFault('InvalidMaxResultsException', 'MaxResults must be from 1 to 50');
    const start = input.StartTime === undefined ? -Infinity : Number(input.StartTime) * 1000;
    const end = input.EndTime === undefined ? Infinity : Number(input.EndTime) * 1000;
    if (start > end) throw new JsonFault('InvalidTimeRangeException', 'StartTime is after EndTime');

    const selected = this.events
      .filter((e) => e.eventCategory === undefined || e.eventCategory === 'Management')
      .filter((e) => {
        const t = Date.parse(String(e.eventTime));
        return t >= start && t <= end;
      })
      .filter((e) => {
        if (!match) return true;
        const v = ATTRIBUTE_FIELDS[match.AttributeKey]!(e);
        return Array.isArray(v) ? v.includes(match.AttributeValue) : v === match.AttributeValue;
      })
      .sort((a, b) => Date.parse(String(b.eventTime)) - Date.parse(String(a.eventTime)));

    const size = Math.min(max, this.options.pageSize ?? 50);
    // A NextToken belongs to the request that made it: CloudTrail refuses one sent with
    // another lookup attribute or time range.
    const request = JSON.stringify([attributes, input.StartTime ?? null, input.EndTime ?? null, input.EventCategory ?? null]);
    if (input.NextToken !== undefined && this.tokenRequests.get(String(input.NextToken)) !== request) {
      throw new JsonFault('InvalidNextTokenException', 'Invalid NextToken: it was issued for a request with different parameters');
    }
    const offset = pageToken.decode(input.NextToken === undefined ? undefined : String(input.NextToken).split('.')[0]);
    const next = offset + size < selected.length ? `${pageToken.encode(offset + size)}.${this.tokenRequests.size}` : undefined;
    if (next) this.tokenRequests.set(next, request);
    const page = selected.slice(offset, offset + size);
    return {
      Events: page.map((e) => ({
        EventId: e.eventID,
        EventName: e.eventName,
        ReadOnly: e.readOnly === undefined ? undefined : String(e.readOnly),
        AccessKeyId: identity(e).accessKeyId,
        EventTime: Date.parse(String(e.eventTime)) / 1000,
        EventSource: e.eventSource,
        Username: usernameOf(e),
        Resources: [],
        CloudTrailEvent: JSON.stringify(e),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  // ----- CloudTrail Lake ----------------------------------------------------------------------

  private startQuery(input: Record<string, unknown>): Record<string, unknown> {
    const statement = String(input.QueryStatement ?? '');
    if (!/^\s*SELECT\b/i.test(statement)) throw new JsonFault('InvalidQueryStatementException', 'Only SELECT statements are supported');
    if (/\?/.test(statement.replace(/'([^']|'')*'/g, ''))) {
      throw new JsonFault('InvalidQueryStatementException', 'CloudTrail Lake does not bind parameters: the statement has a ? placeholder');
    }
    // Lake names its table by an event data store id (`FROM EXAMPLE-f852-…`), one name to Lake.
    const table = /\bFROM\s+([A-Za-z0-9][A-Za-z0-9-]*)/i.exec(statement)?.[1];
    const parsed = parseTrino(statement, table ? { table } : {});
    if (parsed.errors.length > 0) throw new JsonFault('InvalidQueryStatementException', parsed.errors.join('; '));
    const id = randomUUID();
    const answer = followLakeStatement(this.lakeAnswers.shift() ?? {}, parsed.columns, parsed.limit);
    this.lakeQueries.set(id, { id, statement, answer, pollsSeen: 0, cancelled: false });
    return { QueryId: id };
  }

  private lakeQuery(input: Record<string, unknown>): LakeQuery {
    const q = this.lakeQueries.get(String(input.QueryId));
    if (!q) throw new JsonFault('QueryIdNotFoundException', `The query ID ${String(input.QueryId)} does not exist`);
    return q;
  }

  private lakeState(q: LakeQuery): string {
    if (q.cancelled) return 'CANCELLED';
    if (q.pollsSeen <= (q.answer.polls ?? 1)) return q.pollsSeen <= 1 ? 'QUEUED' : 'RUNNING';
    return q.answer.outcome ?? 'FINISHED';
  }

  private describeQuery(input: Record<string, unknown>): Record<string, unknown> {
    const q = this.lakeQuery(input);
    q.pollsSeen++;
    const state = this.lakeState(q);
    return {
      QueryId: q.id,
      QueryString: q.statement,
      QueryStatus: state,
      QueryStatistics: {
        EventsMatched: q.answer.rows?.length ?? 0,
        EventsScanned: q.answer.eventsScanned ?? 0,
        BytesScanned: q.answer.bytesScanned ?? 0,
        ExecutionTimeInMillis: 10 * q.pollsSeen,
        CreationTime: Date.now() / 1000,
      },
      ...(state === 'FAILED' || state === 'TIMED_OUT' ? { ErrorMessage: q.answer.errorMessage ?? 'query failed' } : {}),
    };
  }

  private queryResults(input: Record<string, unknown>): Record<string, unknown> {
    const q = this.lakeQuery(input);
    const state = this.lakeState(q);
    if (state !== 'FINISHED') throw new JsonFault('InactiveQueryException', `The query is ${state}`);
    const max = Math.min(Number(input.MaxQueryResults ?? 1000), 1000, this.options.lakePageSize ?? 1000);
    const rows = q.answer.rows ?? [];
    const columns = q.answer.columns ?? [];
    const offset = pageToken.decode(input.NextToken);
    const page = rows.slice(offset, offset + max);
    return {
      QueryStatus: state,
      QueryStatistics: { ResultsCount: page.length, TotalResultsCount: rows.length, BytesScanned: q.answer.bytesScanned ?? 0 },
      // Each row is a list of single-key maps, one per column, in column order.
      QueryResultRows: page.map((cells) => cells.map((v, i) => (v === null ? { [columns[i]!]: undefined } : { [columns[i]!]: v }))),
      ...(offset + max < rows.length ? { NextToken: pageToken.encode(offset + max) } : {}),
    };
  }
}

/** The answer a test gave, held to the statement's columns and LIMIT (see the header). */
function followLakeStatement(answer: CannedLakeResult, columns: string[], limit: number | undefined): CannedLakeResult {
  if (answer.outcome && answer.outcome !== 'FINISHED') return answer;
  const given = answer.columns ?? columns;
  if (given.length !== columns.length || given.some((c, i) => c.toLowerCase() !== columns[i]!.toLowerCase())) {
    return { ...answer, outcome: 'FAILED', errorMessage: `the test answered columns ${given.join(', ')}, the statement returns ${columns.join(', ')}` };
  }
  const rows = answer.rows ?? [];
  return { ...answer, columns, rows: limit === undefined ? rows : rows.slice(0, limit) };
}

function identity(e: CloudTrailRecord): Record<string, unknown> {
  return (e.userIdentity as Record<string, unknown> | undefined) ?? {};
}

/** CloudTrail's display name: the user name, a role session's name, or `root`. */
function usernameOf(e: CloudTrailRecord): string | undefined {
  const id = identity(e);
  if (typeof id.userName === 'string') return id.userName;
  if (id.type === 'Root') return 'root';
  const arn = typeof id.arn === 'string' ? id.arn : undefined;
  return arn?.slice(arn.lastIndexOf('/') + 1);
}
