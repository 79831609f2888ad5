/**
 * The portable query: its YAML shape (validated with zod) and the normalized tree the
 * compiler walks. One definition compiles to DuckDB, Athena, CloudTrail Lake and
 * LookupEvents.
 *
 * YAML shape:
 *
 *   where:                         # a map is an implicit `all`
 *     eventName: ConsoleLogin      # equals
 *     eventSource: [a, b]          # a list means `in`
 *     errorCode: { exists: true }
 *     sourceIPAddress: { not_in_cidr: $trusted_cidrs }
 *     userIdentity.arn: $principal # `$name` is a runbook parameter
 *     userIdentity.accessKeyId: { in: $steps.keys.accessKeyId }  # values of an earlier step's column
 *     any: [ {...}, {...} ]
 *     not: { ... }
 *   select: [eventTime, sourceIPAddress, additionalEventData.MFAUsed as mfa]
 *   group:
 *     by: [userIdentity.arn as principal]
 *     count: calls                         # count(*) AS calls
 *     count_distinct: { actions: eventName }
 *     min: { first_seen: eventTime }
 *     max: { last_seen: eventTime }
 *   order: calls desc                      # or a list
 *   limit: 50
 *   data_events: true                      # needs data events (LookupEvents cannot answer)
 *
 * A string value that starts with `$` refers to a parameter; write `$$` for a literal `$`.
 */
import { z } from 'zod';

export const COMPARE_OPS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'prefix',
  'contains',
  'gt',
  'gte',
  'lt',
  'lte',
  'in_cidr',
  'not_in_cidr',
] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export type Scalar = string | number | boolean;

/** Where a value comes from. Values are never spliced into SQL text: they are bound. */
export type ValueRef =
  | { kind: 'literal'; value: Scalar | Scalar[] }
  | { kind: 'param'; name: string }
  | { kind: 'rows'; step: string; column: string };

export type Condition =
  | { kind: 'all'; items: Condition[] }
  | { kind: 'any'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: string; op: CompareOp; value: ValueRef }
  | { kind: 'exists'; field: string; exists: boolean };

export interface SelectItem {
  field: string;
  alias: string;
}

export type AggregateFn = 'count' | 'count_distinct' | 'min' | 'max';

export interface Aggregate {
  fn: AggregateFn;
  /** Absent for count(*). */
  field?: string;
  alias: string;
}

export interface OrderItem {
  /** An alias from select / group, or a field path. */
  key: string;
  direction: 'asc' | 'desc';
}

export interface PortableQuery {
  where: Condition;
  select: SelectItem[];
  group?: { by: SelectItem[]; aggregates: Aggregate[] };
  order: OrderItem[];
  limit?: number;
  dataEvents: boolean;
}

/** Raw SQL escape hatch: per-engine text with `:name` placeholders bound from `params`. */
export interface RawQuery {
  sql: Partial<Record<'duckdb' | 'athena' | 'lake', string>>;
  params: Record<string, ValueRef>;
  dataEvents: boolean;
}

// ---------- YAML shape (zod) ----------

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const valueSchema = z.union([scalar, z.array(scalar)]);

const opObject = z
  .object({
    eq: valueSchema,
    ne: valueSchema,
    in: valueSchema,
    not_in: valueSchema,
    prefix: valueSchema,
    contains: valueSchema,
    gt: valueSchema,
    gte: valueSchema,
    lt: valueSchema,
    lte: valueSchema,
    in_cidr: valueSchema,
    not_in_cidr: valueSchema,
    exists: z.boolean(),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'an operator object needs at least one operator');

export type WhereYaml = { [key: string]: unknown };

export const whereSchema: z.ZodType<WhereYaml> = z.lazy(() =>
  z.record(
    z.string(),
    z.union([
      valueSchema,
      opObject,
      z.array(whereSchema), // all / any
      whereSchema, // not
    ]),
  ),
);

const namedFields = z.record(z.string(), z.string());

export const portableQuerySchema = z
  .object({
    where: whereSchema.default({}),
    select: z.array(z.string()).optional(),
    group: z
      .object({
        by: z.array(z.string()).min(1),
        count: z.string().optional(),
        count_distinct: namedFields.optional(),
        min: namedFields.optional(),
        max: namedFields.optional(),
      })
      .strict()
      .optional(),
    order: z.union([z.string(), z.array(z.string())]).optional(),
    limit: z.number().int().positive().max(100_000).optional(),
    data_events: z.boolean().default(false),
  })
  .strict();

export const rawQuerySchema = z
  .object({
    sql: z
      .object({ duckdb: z.string(), athena: z.string(), lake: z.string() })
      .partial()
      .strict(),
    params: z.record(z.string(), valueSchema).default({}),
    data_events: z.boolean().default(false),
  })
  .strict();

export type PortableQueryYaml = z.infer<typeof portableQuerySchema>;
export type RawQueryYaml = z.infer<typeof rawQuerySchema>;
