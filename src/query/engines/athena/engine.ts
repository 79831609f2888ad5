/**
 * Amazon Athena over the CloudTrail table. Each query step is one query execution:
 *
 *   StartQueryExecution (statement, ExecutionParameters, workgroup, database, result location,
 *     result reuse, an idempotency token) → GetQueryExecution until it ends (polling with
 *     backoff) → GetQueryResults page by page → rows, with data scanned and its cost.
 *
 * A run that is cancelled, or a query past the time limit, is stopped on Athena
 * (StopQueryExecution) so it does not keep scanning. A FAILED query's reason becomes the
 * step's error; one Athena marks retryable is started once more.
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import type { CompiledQuery, EngineHooks, EngineSession, QueryEngine, QueryResult } from '../../engine.js';
import type { Row, TimeWindow } from '../../../model/query.js';
import { athenaExecutionParameters } from '../../escape.js';
import { DEFAULT_POLL_SCHEDULE, cancellationOr, realClock, waitForQuery, type Clock, type PollSchedule } from '../../../aws/poll.js';
import { athenaScanCostUsd } from './cost.js';
import { AthenaQueryError } from './errors.js';
import { clientRequestToken } from './request-token.js';
import { resultShape, toRow, type ResultShape } from './results.js';

export interface AthenaEngineOptions {
  workgroup: string;
  /** The Glue database holding the CloudTrail table (the statement names the table alone). */
  database: string;
  catalog?: string;
  /** `s3://…`; leave out when the workgroup enforces its own result location. */
  outputLocation?: string;
  /** Reuse a stored result of the identical query up to this old; off when undefined. */
  resultReuseMaxAgeMinutes?: number;
  timeoutMs: number;
  pricePerTbUsd: number;
  /** Part of each query's idempotency token. */
  runId: string;
  /** A client for the run's account and region; made when a session opens. */
  client: () => AthenaClient;
  poll?: PollSchedule;
  clock?: Clock;
  /** Executions per step when Athena says a failure is retryable. Default 2. */
  maxQueryAttempts?: number;
}

export function createAthenaEngine(options: AthenaEngineOptions): QueryEngine {
  return {
    name: 'athena',
    open: async (_window: TimeWindow, hooks: EngineHooks = {}) => new AthenaSession(options, options.client(), hooks),
  };
}

const PAGE_SIZE = 1000;

type FinalExecution = QueryExecution & { Status: NonNullable<QueryExecution['Status']> };

export class AthenaSession implements EngineSession {
  private readonly clock: Clock;

  constructor(
    private readonly options: AthenaEngineOptions,
    private readonly client: AthenaClient,
    private readonly hooks: EngineHooks,
  ) {
    this.clock = options.clock ?? realClock;
  }

  async run(compiled: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    if (compiled.engine !== 'athena') throw new Error(`the athena engine was given a query compiled for ${compiled.engine}`);
    try {
      return await this.query(compiled, signal);
    } catch (error) {
      throw cancellationOr(error, signal);
    }
  }

  private async query(compiled: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    const startedAt = this.clock.now();
    const parameters = athenaExecutionParameters(compiled.params);
    const maxAttempts = this.options.maxQueryAttempts ?? 2;

    for (let attempt = 1; ; attempt++) {
      const id = await this.start(compiled.text, parameters, attempt, signal);
      const execution = await this.waitFor(id, signal);
      const state = execution.Status.State ?? 'UNKNOWN';
      if (state === 'SUCCEEDED') {
        const { columns, rows } = await this.readResults(id, compiled.columns, signal);
        const bytes = execution.Statistics?.DataScannedInBytes ?? 0;
        const reused = execution.Statistics?.ResultReuseInformation?.ReusedPreviousResult ?? false;
        return {
          columns,
          rows,
          stats: {
            elapsedMs: this.clock.now() - startedAt,
            bytesScanned: bytes,
            costUsd: athenaScanCostUsd(bytes, this.options.pricePerTbUsd, reused),
            engineQueryId: id,
          },
        };
      }
      const reason = failureReason(execution);
      // Retryable per Athena, or cancelled by someone else (a worker that stopped mid-step
      // leaves its query cancelled, and the same token would answer that execution again).
      const retryable = state === 'CANCELLED' || execution.Status.AthenaError?.Retryable === true;
      if (retryable && attempt < maxAttempts) {
        this.hooks.onWarning?.(`the Athena query ${id} ${state === 'CANCELLED' ? 'was cancelled' : 'failed'} (${reason}); starting it again`);
        continue;
      }
      throw new AthenaQueryError(id, state, reason);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async start(statement: string, parameters: string[], attempt: number, signal?: AbortSignal): Promise<string> {
    const o = this.options;
    const input: StartQueryExecutionCommandInput = {
      QueryString: statement,
      WorkGroup: o.workgroup,
      QueryExecutionContext: { Database: o.database, ...(o.catalog ? { Catalog: o.catalog } : {}) },
      ClientRequestToken: clientRequestToken({ runId: o.runId, workgroup: o.workgroup, statement, parameters, attempt }),
      // Athena refuses an empty list: a statement without placeholders sends none.
      ...(parameters.length > 0 ? { ExecutionParameters: parameters } : {}),
      ...(o.outputLocation ? { ResultConfiguration: { OutputLocation: o.outputLocation } } : {}),
      ...(o.resultReuseMaxAgeMinutes !== undefined
        ? { ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: o.resultReuseMaxAgeMinutes } } }
        : {}),
    };
    const out = await this.client.send(new StartQueryExecutionCommand(input), { abortSignal: signal });
    if (!out.QueryExecutionId) throw new Error('Athena StartQueryExecution answered without a query execution id');
    return out.QueryExecutionId;
  }

  private async waitFor(id: string, signal?: AbortSignal): Promise<FinalExecution> {
    const { state } = await waitForQuery<FinalExecution>({
      engine: 'Athena',
      queryId: id,
      check: async () => {
        const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: signal });
        const execution = out.QueryExecution;
        const s = execution?.Status?.State;
        return s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED' ? (execution as FinalExecution) : undefined;
      },
      // Not tied to the run's signal: the stop must go out precisely when the run is cancelled.
      stop: async () => void (await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }))),
      onStopFailed: (e) => this.hooks.onWarning?.(`could not stop the Athena query ${id}: ${(e as Error).message}`),
      schedule: this.options.poll ?? DEFAULT_POLL_SCHEDULE,
      clock: this.clock,
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    return state;
  }

  private async readResults(id: string, compiledColumns: readonly string[], signal?: AbortSignal): Promise<{ columns: string[]; rows: Row[] }> {
    const rows: Row[] = [];
    let shape: ResultShape | undefined;
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) }),
        { abortSignal: signal },
      );
      shape ??= resultShape(compiledColumns, page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []);
      const pageRows = page.ResultSet?.Rows ?? [];
      // The header row (the column labels) leads the first page, and only the first.
      for (const row of firstPage ? pageRows.slice(1) : pageRows) rows.push(toRow(row, shape));
      firstPage = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns: shape?.names ?? [...compiledColumns], rows };
  }
}

/** Athena's reason in its own words, with the error category when it adds something. */
function failureReason(execution: FinalExecution): string {
  const status = execution.Status;
  const error = status.AthenaError;
  const parts = [status.StateChangeReason ?? error?.ErrorMessage ?? 'no reason given'];
  if (error?.ErrorMessage && status.StateChangeReason && !status.StateChangeReason.includes(error.ErrorMessage)) parts.push(error.ErrorMessage);
  if (error?.ErrorCategory !== undefined) parts.push(`(${ERROR_CATEGORIES[error.ErrorCategory] ?? `error category ${error.ErrorCategory}`})`);
  return parts.join(' ');
}

/** AthenaError.ErrorCategory: who has to act. */
const ERROR_CATEGORIES: Record<number, string> = { 1: 'an Athena system error', 2: 'an error in the query or its data', 3: 'other error' };
