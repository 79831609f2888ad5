/**
 * Prometheus metrics, with the maintained client (prom-client), in one registry per process:
 * the bot and each worker serve it on GET /metrics (ops-server.ts). Every metric is declared
 * here, so docs/operations.md can list them all from one place, and recorded where the thing
 * happens. Labels are runbook ids, engines, outcomes and API method names: never a parameter,
 * a principal or a user, so the number of series stays small and nothing sensitive is exported.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { measureWith } from './measure.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ctrb_' });

/** One metric of this process's registry, declared in a line: its name, what it counts, its labels. */
const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter({ name, help, labelNames, registers: [registry] });
const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge({ name, help, labelNames, registers: [registry] });
const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
  new Histogram({ name, help, labelNames, buckets, registers: [registry] });

export const metrics = {
  runsStarted: counter(
    'ctrb_runs_started_total',
    'Runs enqueued by the bot, by runbook and how they were started (slash, alarm, pivot).',
    ['runbook', 'source'],
  ),
  runsFinished: counter(
    'ctrb_runs_finished_total',
    'Runs a worker brought to a stop, by runbook and outcome (completed, failed, waiting_approval, refused).',
    ['runbook', 'outcome'],
  ),
  stepDuration: histogram(
    'ctrb_step_duration_seconds',
    'Time a run step took, by engine (none for steps that query nothing), step kind and status.',
    ['engine', 'kind', 'status'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  ),
  queueJobs: gauge(
    'ctrb_queue_jobs',
    'Jobs in a queue by state (waiting, active, delayed, failed), read from Redis at each scrape.',
    ['queue', 'state'],
  ),
  auditEvents: counter(
    'ctrb_audit_events_total',
    'Audit records written by this process: approvals by event and resulting state, runs started, pivots, evidence exports.',
    ['event', 'state'],
  ),
  slackApiProblems: counter(
    'ctrb_slack_api_problems_total',
    'Slack Web API calls answered with an error, or rate limited (throttle), by method.',
    ['method', 'kind'],
  ),
  awsApiProblems: counter(
    'ctrb_aws_api_problems_total',
    'AWS API calls that failed, or were throttled, by service and operation (after the SDK retries).',
    ['service', 'operation', 'kind'],
  ),
  cacheLookups: counter(
    'ctrb_cache_lookups_total',
    'Log files looked up in the parsed-event cache of the embedded engine, by result (hit, miss).',
    ['result'],
  ),
};

// What the engine and the runner report (measure.ts) lands here in every process that loads
// this module: the bot and the worker, which serve it.
measureWith({
  stepFinished: (labels, seconds) => metrics.stepDuration.observe(labels, seconds),
  cacheLookups: (hits, misses) => {
    metrics.cacheLookups.inc({ result: 'miss' }, misses);
    metrics.cacheLookups.inc({ result: 'hit' }, hits);
  },
});

/** Filled in by a process that can read its queues (they are read at each scrape, not polled). */
let queueCollector: (() => Promise<void>) | undefined;

export function collectQueuesWith(collector: (() => Promise<void>) | undefined): void {
  queueCollector = collector;
}

/** The exposition text; the queue counts are refreshed first (a Redis hiccup leaves the last counts). */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  await queueCollector?.().catch(() => undefined);
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** AWS SDK errors that mean "slow down" rather than "no". */
export function isThrottle(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}
