/**
 * CloudTrail LookupEvents: management events of the last 90 days, filtered on one attribute
 * by AWS. The compiled plan names that attribute (or none) and the window; this engine pages
 * through what LookupEvents returns (50 events a page, each request waiting for its slot in
 * the account's shared rate limit), parses each event's `CloudTrailEvent` JSON, and applies
 * the whole query (the rest of the filter, grouping, order, limit) with the same evaluator
 * the tests hold the SQL engines to.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import type { CompiledQuery, EngineHooks, EngineSession, QueryEngine, QueryResult } from '../../engine.js';
import type { TimeWindow } from '../../../model/query.js';
import { evaluateQuery, type CloudTrailEvent } from '../../evaluate.js';
import { cancellationOr, realClock, type Clock } from '../../../aws/poll.js';
import { rateLimitEveryAttempt, type AbortRef } from './client.js';
import { TooManyEventsError } from './errors.js';
import type { RateLimiter } from './limiter.js';

export interface LookupEngineOptions {
  /** A client for the run's account and region. */
  client: () => CloudTrailClient;
  limiter: RateLimiter;
  /** The limiter bucket: the account and region (see lookupLimiterKey). */
  limiterKey: string;
  /** A step that would read more events than this fails instead of paging on. */
  maxEvents: number;
  clock?: Clock;
}

/** LookupEvents' largest page. */
const PAGE_SIZE = 50;

export function createLookupEngine(options: LookupEngineOptions): QueryEngine {
  return {
    name: 'lookup',
    open: async (_window: TimeWindow, _hooks?: EngineHooks) => {
      const abort: AbortRef = {};
      const client = rateLimitEveryAttempt(options.client(), options.limiter, options.limiterKey, abort);
      return new LookupSession(options, client, abort);
    },
  };
}

export class LookupSession implements EngineSession {
  constructor(
    private readonly options: LookupEngineOptions,
    private readonly client: CloudTrailClient,
    private readonly abort: AbortRef,
  ) {}

  async run(compiled: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    const plan = compiled.lookup;
    if (compiled.engine !== 'lookup' || !plan) throw new Error(`the lookup engine was given a query compiled for ${compiled.engine}`);
    const clock = this.options.clock ?? realClock;
    const startedAt = clock.now();
    this.abort.current = signal;
    const events: CloudTrailEvent[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new LookupEventsCommand({
            ...(plan.attribute ? { LookupAttributes: [{ AttributeKey: plan.attribute.key as LookupAttributeKey, AttributeValue: plan.attribute.value }] } : {}),
            StartTime: plan.startTime,
            EndTime: plan.endTime,
            MaxResults: PAGE_SIZE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
          { abortSignal: signal },
        );
        for (const e of page.Events ?? []) {
          if (e.CloudTrailEvent) events.push(JSON.parse(e.CloudTrailEvent) as CloudTrailEvent);
        }
        if (events.length > this.options.maxEvents) {
          throw new TooManyEventsError(this.options.maxEvents, plan.attribute ? `${plan.attribute.key}=${plan.attribute.value}` : undefined);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      throw cancellationOr(error, signal);
    } finally {
      this.abort.current = undefined;
    }
    const { columns, rows } = evaluateQuery(plan.query, events, { window: { start: plan.startTime, end: plan.endTime } });
    return { columns, rows, stats: { elapsedMs: clock.now() - startedAt, eventsScanned: events.length } };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
