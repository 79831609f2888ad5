/**
 * How a deployment's query engines are set up: which engine answers by default, where the
 * embedded engine reads logs, and the Athena, CloudTrail Lake and LookupEvents settings. Read
 * from the environment at the front door (src/config.ts) and handed down.
 */
import type { EngineName } from '../../model/query.js';

/** How the CloudTrail table in Athena is partitioned, so a window prunes partitions. */
export const ATHENA_PARTITIONINGS = ['timestamp', 'region-year-month-day', 'none'] as const;
export type AthenaPartitioning = (typeof ATHENA_PARTITIONINGS)[number];

export interface EngineSettings {
  name: EngineName;
  /** DuckDB: the CloudTrail log tree to read. */
  logsDir: string;
  /** Whether `logsDir` is the bundled sample (so "now" is the sample's end). */
  bundledLogs: boolean;
  awsRegion?: string;
  athena: {
    workgroup: string;
    database?: string;
    table?: string;
    outputLocation?: string;
    partitioning: AthenaPartitioning;
    /** Reuse a stored result of the same query this recent (minutes, Athena's unit); off when unset. */
    resultReuseMaxAgeMinutes?: number;
    /** USD per TB scanned, for the cost shown with each step. */
    pricePerTbUsd: number;
  };
  /** CloudTrail Lake event data store id (the last part of its ARN). */
  lakeEventDataStore?: string;
  /** An Athena or Lake query running longer than this is stopped and its step fails. */
  queryTimeoutMs: number;
  lookup: {
    /** LookupEvents requests per second per account and region, across all workers. */
    requestsPerSecond: number;
    /** A step whose lookup returns more events than this fails instead of paging on. */
    maxEvents: number;
  };
};
