/**
 * AWS CloudTrail Lake: SQL over an event data store. Lake has no parameter binding, so the
 * compiled statement already carries every value as a literal from the one escape function;
 * this engine sends it as it is:
 *
 *   StartQuery → DescribeQuery until it ends (polling with backoff) → GetQueryResults page by
 *   page → rows, with the bytes and events the query scanned.
 *
 * A cancelled run or a query past the time limit is cancelled in Lake (CancelQuery).
 *
 * AWS no longer opens CloudTrail Lake to new customers; this engine is for those who have it.
 */
import {
  CancelQueryCommand,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  type CloudTrailClient,
  type DescribeQueryCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import type { CompiledQuery, EngineHooks, EngineSession, QueryEngine, QueryResult } from '../../engine.js';
import type { TimeWindow } from '../../../model/query.js';
import { DEFAULT_POLL_SCHEDULE, cancellationOr, realClock, waitForQuery, type Clock, type PollSchedule } from '../../../aws/poll.js';
import { LakeQueryError } from './errors.js';
import { lakeRows } from './results.js';

export interface LakeEngineOptions {
  /** A client for the run's account and the event data store's region. */
  client: () => CloudTrailClient;
  timeoutMs: number;
  poll?: PollSchedule;
  clock?: Clock;
}

const PAGE_SIZE = 1000;
const FINAL = new Set(['FINISHED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

export function createLakeEngine(options: LakeEngineOptions): QueryEngine {
  return {
    name: 'lake',
    open: async (_window: TimeWindow, hooks: EngineHooks = {}) => new LakeSession(options, options.client(), hooks),
  };
}

export class LakeSession implements EngineSession {
  private readonly clock: Clock;

  constructor(
    private readonly options: LakeEngineOptions,
    private readonly client: CloudTrailClient,
    private readonly hooks: EngineHooks,
  ) {
    this.clock = options.clock ?? realClock;
  }

  async run(compiled: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    if (compiled.engine !== 'lake') throw new Error(`the lake engine was given a query compiled for ${compiled.engine}`);
    try {
      return await this.query(compiled, signal);
    } catch (error) {
      throw cancellationOr(error, signal);
    }
  }

  private async query(compiled: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    const startedAt = this.clock.now();
    const started = await this.client.send(new StartQueryCommand({ QueryStatement: compiled.text }), { abortSignal: signal });
    const id = started.QueryId;
    if (!id) throw new Error('CloudTrail Lake StartQuery answered without a query id');

    const { state } = await waitForQuery<DescribeQueryCommandOutput>({
      engine: 'CloudTrail Lake',
      queryId: id,
      check: async () => {
        const out = await this.client.send(new DescribeQueryCommand({ QueryId: id }), { abortSignal: signal });
        return FINAL.has(out.QueryStatus ?? '') ? out : undefined;
      },
      stop: async () => void (await this.client.send(new CancelQueryCommand({ QueryId: id }))),
      onStopFailed: (e) => this.hooks.onWarning?.(`could not cancel the CloudTrail Lake query ${id}: ${(e as Error).message}`),
      schedule: this.options.poll ?? DEFAULT_POLL_SCHEDULE,
      clock: this.clock,
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    if (state.QueryStatus !== 'FINISHED') throw new LakeQueryError(id, state.QueryStatus ?? 'UNKNOWN', state.ErrorMessage ?? 'no reason given');

    const resultRows: Record<string, string>[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({ QueryId: id, MaxQueryResults: PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) }),
        { abortSignal: signal },
      );
      resultRows.push(...(page.QueryResultRows ?? []));
      nextToken = page.NextToken;
    } while (nextToken);

    const { columns, rows } = lakeRows(resultRows, compiled.columns, compiled.text);
    const stats = state.QueryStatistics;
    return {
      columns,
      rows,
      stats: {
        elapsedMs: this.clock.now() - startedAt,
        ...(stats?.BytesScanned !== undefined ? { bytesScanned: stats.BytesScanned } : {}),
        ...(stats?.EventsScanned !== undefined ? { eventsScanned: stats.EventsScanned } : {}),
        engineQueryId: id,
      },
    };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
