/**
 * Prometheus metrics, with the maintained client (prom-client), in one registry per process:
 * the bot and each worker serve it on GET /metrics (ops-server.ts). Every metric is declared
 * here, so docs/operations.md can list them all from one place, and recorded where the thing
 * happens. Labels are runbook ids, engines, outcomes and API method names: never a parameter,
 * a principal or a user, so the number of series stays small and nothing sensitive is exported.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ctrb_' });

export const metrics = {
  runsStarted: new Counter({
    name: 'ctrb_runs_started_total',
    help: 'Runs enqueued by the bot, by runbook and how they were started (slash, alarm, pivot).',
    labelNames: ['runbook', 'source'] as const,
    registers: [registry],
  }),
  runsFinished: new Counter({
    name: 'ctrb_runs_finished_total',
    help: 'Runs a worker brought to a stop, by runbook and outcome (completed, failed, waiting_approval, refused).',
    labelNames: ['runbook', 'outcome'] as const,
    registers: [registry],
  }),
  stepDuration: new Histogram({
    name: 'ctrb_step_duration_seconds',
    help: 'Time a run step took, by engine (none for steps that query nothing), step kind and status.',
    labelNames: ['engine', 'kind', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  }),
  queueJobs: new Gauge({
    name: 'ctrb_queue_jobs',
    help: 'Jobs in a queue by state (waiting, active, delayed, failed), read from Redis at each scrape.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
  }),
  auditEvents: new Counter({
    name: 'ctrb_audit_events_total',
    help: 'Audit records written by this process: approvals by event and resulting state, runs started, pivots, evidence exports.',
    labelNames: ['event', 'state'] as const,
    registers: [registry],
  }),
  slackApiProblems: new Counter({
    name: 'ctrb_slack_api_problems_total',
    help: 'Slack Web API calls answered with an error, or rate limited (throttle), by method.',
    labelNames: ['method', 'kind'] as const,
    registers: [registry],
  }),
  awsApiProblems: new Counter({
    name: 'ctrb_aws_api_problems_total',
    help: 'AWS API calls that failed, or were throttled, by service and operation (after the SDK retries).',
    labelNames: ['service', 'operation', 'kind'] as const,
    registers: [registry],
  }),
  cacheLookups: new Counter({
    name: 'ctrb_cache_lookups_total',
    help: 'Log files looked up in the parsed-event cache of the embedded engine, by result (hit, miss).',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
};

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
