/**
 * The engines of a deployment, built from its configuration for one run:
 *
 *   createEngine(config, { runId, accountId?, region? }, deps?) → DeploymentEngines
 *     .default                    the CTRB_ENGINE engine
 *     .forStep(query, window)     the engine that answers a step, and why (chooseEngine)
 *     .compileSettings            the Athena table / Lake event data store the compiler needs
 *
 * AWS engines act in the run's account (the alarm's, or the `account` parameter): their
 * clients assume the query role configured for it (src/aws), with the run id in the session
 * name. LookupEvents goes to the run's region (the alarm's, or `region`), Athena and Lake to
 * AWS_REGION, where the workgroup and the event data store live. LookupEvents requests wait
 * for their slot in a limiter shared through Redis when the worker gives one.
 *
 * Throws NoRoleForAccountError (before anything runs) when roles are configured but none
 * covers the run's account.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Redis } from 'ioredis';
import { awsClientConfig, awsSettingsOf, countingAwsErrors, roleArnFor, type AwsCallSettings, type AwsSettings, type Clock, type CredentialCache, type CredentialScope } from '../../aws/index.js';
import type { PortableQuery, RawQuery } from '../definition.js';
import type { QueryEngine } from '../engine.js';
import type { EngineName, TimeWindow } from '../../model/query.js';
import type { CompileSettings } from '../context.js';
import type { EngineSettings } from './settings.js';
import { createAthenaEngine } from './athena/index.js';
import { createDuckDbEngine } from './duckdb/index.js';
import { createLakeEngine } from './lake/index.js';
import { createLookupEngine, lookupLimiterKey, memoryRateLimiter, redisRateLimiter, type RateLimiter } from './lookup/index.js';
import { chooseEngine, type EngineChoice } from './choice.js';

export { chooseEngine, lookupLimitation, NoEngineError, type EngineChoice } from './choice.js';

export interface EngineConfig {
  engine: EngineSettings;
  aws: AwsCallSettings;
  redis: { prefix: string };
}

export interface EngineScope {
  runId: string;
  /** The account the run investigates; the query role for it is assumed. */
  accountId?: string;
  /** The region LookupEvents reads; AWS_REGION when absent. */
  region?: string;
}

export interface EngineDeps {
  /** Shares the LookupEvents limit with every worker; without it the limit holds per process. */
  redis?: Redis;
  clock?: Clock;
  credentialCache?: CredentialCache;
  /** Overrides of the AWS settings (tests and benchmarks: endpoints, base credentials). */
  aws?: Partial<AwsSettings>;
}

export interface StepEngine {
  engine: QueryEngine;
  choice: EngineChoice;
}

export interface DeploymentEngines {
  readonly default: QueryEngine;
  readonly available: readonly EngineName[];
  readonly compileSettings: CompileSettings;
  /** Throws NoEngineError when no configured engine can answer the query. */
  forStep(query: PortableQuery | RawQuery, window: TimeWindow, now?: Date): StepEngine;
}

/** The engines this configuration can run: the default, and the AWS ones whose settings are given. */
export function availableEngines(config: { engine: EngineSettings }): EngineName[] {
  const e = config.engine;
  const out: EngineName[] = [e.name];
  // Local logs are never a fallback for a deployment on AWS: they would be the bundled sample.
  if (e.awsRegion !== undefined) {
    if (e.athena.database && e.athena.table) out.push('athena');
    if (e.lakeEventDataStore) out.push('lake');
    out.push('lookup');
  }
  return [...new Set(out)];
}

export function compileSettingsOf(config: { engine: EngineSettings }): CompileSettings {
  const e = config.engine;
  return {
    ...(e.athena.table ? { athena: { table: e.athena.table, partitioning: e.athena.partitioning } } : {}),
    ...(e.lakeEventDataStore ? { lake: { eventDataStore: e.lakeEventDataStore } } : {}),
  };
}

/** One limiter per rate for processes without Redis (the terminal): shared by all its sessions. */
const processLimiters = new Map<number, RateLimiter>();

export function createEngine(config: EngineConfig, scope: EngineScope, deps: EngineDeps = {}): DeploymentEngines {
  const available = availableEngines(config);
  const settings: AwsSettings = { ...awsSettingsOf(config), ...deps.aws };
  const credentials: CredentialScope = { runId: scope.runId, purpose: 'query', ...(scope.accountId ? { accountId: scope.accountId } : {}) };
  // Refuse an account no role covers before the run starts (a fallback engine's step would fail on its own).
  if (config.engine.name !== 'duckdb') roleArnFor(scope.accountId, settings.roles.query, 'query');
  const clientOptions = deps.credentialCache ? { cache: deps.credentialCache } : {};

  const build: Record<EngineName, () => QueryEngine> = {
    duckdb: () => createDuckDbEngine({ logsDir: config.engine.logsDir }),
    athena: () => {
      const a = config.engine.athena;
      return createAthenaEngine({
        workgroup: a.workgroup,
        database: a.database!,
        ...(a.outputLocation ? { outputLocation: a.outputLocation } : {}),
        ...(a.resultReuseMaxAgeMinutes !== undefined ? { resultReuseMaxAgeMinutes: a.resultReuseMaxAgeMinutes } : {}),
        timeoutMs: config.engine.queryTimeoutMs,
        pricePerTbUsd: a.pricePerTbUsd,
        runId: scope.runId,
        client: () => countingAwsErrors(new AthenaClient(awsClientConfig('athena', credentials, settings, clientOptions))),
        ...(deps.clock ? { clock: deps.clock } : {}),
      });
    },
    lake: () =>
      createLakeEngine({
        timeoutMs: config.engine.queryTimeoutMs,
        client: () => countingAwsErrors(new CloudTrailClient(awsClientConfig('cloudtrail', credentials, settings, clientOptions))),
        ...(deps.clock ? { clock: deps.clock } : {}),
      }),
    lookup: () => {
      const region = scope.region ?? settings.region;
      const rate = config.engine.lookup.requestsPerSecond;
      const limiter = deps.redis
        ? redisRateLimiter(deps.redis, { requestsPerSecond: rate, prefix: config.redis.prefix, ...(deps.clock ? { clock: deps.clock } : {}) })
        : processLimiter(rate);
      return createLookupEngine({
        client: () => countingAwsErrors(new CloudTrailClient(awsClientConfig('cloudtrail', credentials, settings, { ...clientOptions, region }))),
        limiter,
        limiterKey: lookupLimiterKey(scope.accountId, region),
        maxEvents: config.engine.lookup.maxEvents,
        ...(deps.clock ? { clock: deps.clock } : {}),
      });
    },
  };
  const built = new Map<EngineName, QueryEngine>();
  const engine = (name: EngineName): QueryEngine => {
    let e = built.get(name);
    if (!e) built.set(name, (e = build[name]()));
    return e;
  };

  return {
    default: engine(config.engine.name),
    available,
    compileSettings: compileSettingsOf(config),
    forStep(query, window, now) {
      const choice = chooseEngine(query, window, available, config.engine.name, now);
      return { engine: engine(choice.engine), choice };
    },
  };
}

function processLimiter(rate: number): RateLimiter {
  let limiter = processLimiters.get(rate);
  if (!limiter) processLimiters.set(rate, (limiter = memoryRateLimiter(rate)));
  return limiter;
}

/** One engine for every step (the terminal, tests): no choice to make. */
export function singleEngine(engine: QueryEngine, compileSettings: CompileSettings = {}): DeploymentEngines {
  return {
    default: engine,
    available: [engine.name],
    compileSettings,
    forStep: () => ({ engine, choice: { engine: engine.name, reason: 'the only engine' } }),
  };
}
export { ATHENA_DATA_ACCESS, QUERY_ENGINE_ACTIONS } from './operations.js';
