/**
 * A local fake of Amazon Athena for tests and benchmarks (JSON 1.1 over HTTP), so the real
 * `AthenaClient` serializes, retries and parses errors as it would against AWS.
 *
 * It answers StartQueryExecution, GetQueryExecution, GetQueryResults and StopQueryExecution:
 * - StartQueryExecution is checked the way Athena checks it: one statement that parses with
 *   Trino's grammar (trino.ts); one ExecutionParameter per `?`, each a SQL literal; a result
 *   location from the request or the workgroup; a ClientRequestToken of 32–128 characters,
 *   and the same token answers the same execution.
 * - Each query answers with the next result a test gave (`willAnswer`), after the states it
 *   is told to pass through: a number of polls (tests), or a duration on a clock shared with
 *   the engine (benchmarks, timeouts). The answer follows the statement: its columns are the
 *   statement's output columns (a test that names others is told so by a failed query, as
 *   Athena fails a query that names no such column), and no more rows than its LIMIT.
 * - Results come in pages with Athena's header row on the first page only.
 *
 * ```ts
 * const athena = await FakeAthena.start();
 * athena.willAnswer({ columns: [{ name: 'n', type: 'bigint' }], rows: [['3']], polls: 2 });
 * ... new AthenaClient({ endpoint: athena.url, ... })
 * expect(athena.callsTo('StartQueryExecution')[0]!.input.ExecutionParameters).toEqual([...]);
 * ```
 */
import { randomUUID } from 'node:crypto';
import { JsonFault, JsonServiceFake, pageToken } from './http.js';
import { parseTrino } from './trino.js';

export type AthenaState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface CannedAthenaResult {
  /** Result columns with Athena's type names (`varchar`, `bigint`, `array`, …). */
  columns?: { name: string; type: string }[];
  /** Cells as Athena returns them: text, or null for NULL. */
  rows?: (string | null)[][];
  /** GetQueryExecution calls answered QUEUED then RUNNING before the final state. Default 1. */
  polls?: number;
  /** Instead of `polls`: the query runs this long on the fake's clock. */
  durationMs?: number;
  /** The final state; default SUCCEEDED. */
  outcome?: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  /** For FAILED: Status.StateChangeReason and AthenaError. */
  reason?: string;
  athenaError?: { ErrorCategory: number; ErrorType: number; Retryable: boolean; ErrorMessage?: string };
  bytesScanned?: number;
  /** Whether Athena reused an earlier result (when the request allowed it). */
  reused?: boolean;
}

export interface FakeAthenaOptions {
  /** The result location the workgroup enforces; without it, requests must give one. */
  workgroupOutput?: string;
  /** Time for `durationMs` queries; default the real clock. */
  now?: () => number;
  /** Rows per GetQueryResults page when the request asks for more (Athena's maximum is 1000). */
  pageSize?: number;
}

export interface FakeExecution {
  id: string;
  query: string;
  parameters: string[];
  token?: string;
  workgroup: string;
  database?: string;
  outputLocation: string;
  resultReuse?: unknown;
  startedAt: number;
  answer: CannedAthenaResult;
  pollsSeen: number;
  stopped: boolean;
}

const TOKEN = /^.{32,128}$/s;
/** A SQL literal as Athena substitutes it: a quoted string, a number, or a boolean. */
const LITERAL = /^('([^']|'')*'|-?\d+(\.\d+)?|true|false)$/is;

export class FakeAthena extends JsonServiceFake {
  readonly executions = new Map<string, FakeExecution>();
  private readonly answers: CannedAthenaResult[] = [];
  private readonly byToken = new Map<string, string>();

  private constructor(private readonly options: FakeAthenaOptions) {
    super({
      StartQueryExecution: (input) => this.start(input),
      GetQueryExecution: (input) => ({ QueryExecution: this.describe(this.execution(input)) }),
      GetQueryResults: (input) => this.results(input),
      StopQueryExecution: (input) => {
        const ex = this.execution(input);
        if (!isFinal(this.stateOf(ex))) ex.stopped = true;
        return {};
      },
    });
  }

  static async start(options: FakeAthenaOptions = {}): Promise<FakeAthena> {
    const fake = new FakeAthena(options);
    await fake.listen();
    return fake;
  }

  /** The next StartQueryExecution that creates a query gets this answer (in order given). */
  willAnswer(...answers: CannedAthenaResult[]): void {
    this.answers.push(...answers);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private start(input: Record<string, unknown>): { QueryExecutionId: string } {
    const query = String(input.QueryString ?? '');
    const parameters = (input.ExecutionParameters as string[] | undefined) ?? [];
    const token = input.ClientRequestToken as string | undefined;
    if (token !== undefined) {
      if (!TOKEN.test(token)) throw new JsonFault('InvalidRequestException', 'ClientRequestToken must be 32 to 128 characters');
      const existing = this.byToken.get(token);
      if (existing) {
        const ex = this.executions.get(existing)!;
        if (ex.query !== query || JSON.stringify(ex.parameters) !== JSON.stringify(parameters)) {
          throw new JsonFault('InvalidRequestException', 'Idempotent parameters do not match');
        }
        return { QueryExecutionId: existing };
      }
    }
    const parsed = parseTrino(query);
    if (parsed.errors.length > 0) throw new JsonFault('InvalidRequestException', parsed.errors.join('; '));
    const placeholders = countPlaceholders(query);
    if (placeholders !== parameters.length) {
      throw new JsonFault('InvalidRequestException', `The query has ${placeholders} parameters but ${parameters.length} ExecutionParameters were provided`);
    }
    const notLiteral = parameters.find((p) => !LITERAL.test(p));
    if (notLiteral !== undefined) throw new JsonFault('InvalidRequestException', `Execution parameter ${notLiteral} is not a literal`);
    const outputLocation = (input.ResultConfiguration as { OutputLocation?: string } | undefined)?.OutputLocation ?? this.options.workgroupOutput;
    if (!outputLocation) {
      throw new JsonFault('InvalidRequestException', 'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.');
    }
    const answer = followStatement(this.answers.shift() ?? {}, parsed.columns, parsed.limit);
    const id = randomUUID();
    this.executions.set(id, {
      id,
      query,
      parameters,
      ...(token ? { token } : {}),
      workgroup: String(input.WorkGroup ?? 'primary'),
      database: (input.QueryExecutionContext as { Database?: string } | undefined)?.Database,
      outputLocation,
      resultReuse: input.ResultReuseConfiguration,
      startedAt: this.now(),
      answer,
      pollsSeen: 0,
      stopped: false,
    });
    if (token) this.byToken.set(token, id);
    return { QueryExecutionId: id };
  }

  private execution(input: Record<string, unknown>): FakeExecution {
    const ex = this.executions.get(String(input.QueryExecutionId));
    if (!ex) throw new JsonFault('InvalidRequestException', `QueryExecution ${String(input.QueryExecutionId)} was not found`);
    return ex;
  }

  /** The state now: polls seen or time elapsed decide, a stop cancels. */
  stateOf(ex: FakeExecution): AthenaState {
    if (ex.stopped) return 'CANCELLED';
    const a = ex.answer;
    const running =
      a.durationMs !== undefined ? this.now() - ex.startedAt < a.durationMs : ex.pollsSeen <= (a.polls ?? 1);
    if (running) return ex.pollsSeen <= 1 && a.durationMs === undefined ? 'QUEUED' : 'RUNNING';
    return a.outcome ?? 'SUCCEEDED';
  }

  private describe(ex: FakeExecution): Record<string, unknown> {
    ex.pollsSeen++;
    const state = this.stateOf(ex);
    const final = isFinal(state);
    const a = ex.answer;
    const reused = final && state === 'SUCCEEDED' && !!a.reused && !!ex.resultReuse;
    return {
      QueryExecutionId: ex.id,
      Query: ex.query,
      StatementType: 'DML',
      WorkGroup: ex.workgroup,
      ResultConfiguration: { OutputLocation: `${ex.outputLocation.replace(/\/?$/, '/')}${ex.id}.csv` },
      ...(ex.database ? { QueryExecutionContext: { Database: ex.database } } : {}),
      Status: {
        State: state,
        SubmissionDateTime: ex.startedAt / 1000,
        ...(final ? { CompletionDateTime: this.now() / 1000 } : {}),
        ...(state === 'FAILED' ? { StateChangeReason: a.reason ?? 'query failed', ...(a.athenaError ? { AthenaError: a.athenaError } : {}) } : {}),
        ...(state === 'CANCELLED' && ex.stopped ? { StateChangeReason: 'Query cancelled by user' } : {}),
      },
      Statistics: {
        DataScannedInBytes: final && !reused ? (a.bytesScanned ?? 0) : 0,
        EngineExecutionTimeInMillis: Math.max(0, this.now() - ex.startedAt),
        ...(final ? { ResultReuseInformation: { ReusedPreviousResult: reused } } : {}),
      },
    };
  }

  private results(input: Record<string, unknown>): Record<string, unknown> {
    const ex = this.execution(input);
    const state = this.stateOf(ex);
    if (state !== 'SUCCEEDED') throw new JsonFault('InvalidRequestException', `Query has not yet finished. Current state: ${state}`);
    const max = Math.min(Number(input.MaxResults ?? 1000), 1000, this.options.pageSize ?? 1000);
    const columns = ex.answer.columns ?? [];
    // The header row is the first row of the first page, and counts toward its size.
    const all: (string | null)[][] = [columns.map((c) => c.name), ...(ex.answer.rows ?? [])];
    const offset = pageToken.decode(input.NextToken);
    const page = all.slice(offset, offset + max);
    const next = offset + max < all.length ? pageToken.encode(offset + max) : undefined;
    return {
      ResultSet: {
        Rows: page.map((cells) => ({ Data: cells.map((v) => (v === null ? {} : { VarCharValue: v })) })),
        ResultSetMetadata: {
          ColumnInfo: columns.map((c) => ({ CatalogName: 'hive', SchemaName: '', TableName: '', Name: c.name, Label: c.name, Type: c.type, Nullable: 'UNKNOWN', CaseSensitive: c.type === 'varchar' })),
        },
      },
      UpdateCount: 0,
      ...(next ? { NextToken: next } : {}),
    };
  }
}

/**
 * The answer a test gave, held to the statement: the statement's columns (varchar unless the
 * test typed them), at most its LIMIT rows; columns the statement does not return fail the query.
 */
function followStatement(answer: CannedAthenaResult, columns: string[], limit: number | undefined): CannedAthenaResult {
  if (answer.outcome && answer.outcome !== 'SUCCEEDED') return answer;
  const stray = (answer.columns ?? []).filter((c) => !columns.some((name) => name.toLowerCase() === c.name.toLowerCase()));
  if (stray.length > 0 || (answer.columns && answer.columns.length !== columns.length)) {
    return {
      ...answer,
      outcome: 'FAILED',
      reason: `COLUMN_NOT_FOUND: the test answered columns ${(answer.columns ?? []).map((c) => c.name).join(', ')}, the statement returns ${columns.join(', ')}`,
      athenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false },
    };
  }
  const typed = columns.map((name) => answer.columns?.find((c) => c.name.toLowerCase() === name.toLowerCase()) ?? { name, type: 'varchar' });
  const rows = answer.rows ?? [];
  return { ...answer, columns: typed, rows: limit === undefined ? rows : rows.slice(0, limit) };
}

function isFinal(state: AthenaState): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

/** `?` placeholders outside string literals and quoted identifiers. */
export function countPlaceholders(sql: string): number {
  let count = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') count++;
  }
  return count;
}
