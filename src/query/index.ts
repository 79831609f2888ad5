/**
 * The portable query compiler: the API the runner, `ctrb explain` and `ctrb validate` use.
 *
 * Load time (a runbook is read or validated):
 *   parsePortableQuery(input: unknown): PortableQuery          zod shape + normalization
 *   normalizePortableQuery(yaml: PortableQueryYaml): PortableQuery   for input already parsed by the runbook schema
 *   parseRawQuery(input: unknown): RawQuery
 *   normalizeRawQuery(yaml: RawQueryYaml): RawQuery
 *   queryReferences(query): { params: string[]; steps: {step, column}[] }   the `$name` / `$steps.x.y` a query uses
 *   → throw QueryDefinitionError { path: 'where.any[1].sourceIPAddress', reason } for anything the author got wrong.
 *
 * Run / explain time:
 *   compileQuery(query: PortableQuery | RawQuery, engine: EngineName, ctx: CompileContext): CompiledQuery
 *     ctx = { params, stepValues?, window: {start, end}, athena?: {table, partitioning, regions?}, lake?: {eventDataStore}, now? }
 *     - `stepValues(step, column)` returns an earlier step's column values; leave it out when
 *       explaining before a run and `$steps` values are shown as `<values of steps.x.y>`.
 *     - duckdb: `$n` placeholders; values are strings, Dates (TIMESTAMP), numbers and string[] (LIST(VARCHAR)).
 *     - athena: `?` placeholders; send athenaExecutionParameters(compiled.params) as ExecutionParameters.
 *       Result columns are lower-cased by Athena: map them to `compiled.columns` by position.
 *     - lake: values are inlined (escaped); `params` only records them for explain.
 *     - lookup: `compiled.lookup` is the plan; filter what LookupEvents returns with
 *       evaluateQuery(plan.query, events, { window: { start: plan.startTime, end: plan.endTime } }).
 *     - raw SQL: `:name` placeholders from `params`, plus `:window_start`, `:window_end` (required)
 *       and `:table` (the engine's configured table); `columns` is empty (the statement names its own).
 *   → throw QueryValueError for values that do not fit (missing parameter, not a CIDR, bad
 *     table or event data store name, empty window) and UnsafeLiteralError for text that
 *     cannot be sent (NUL, control characters) — before anything reaches an engine.
 *
 *   evaluateQuery(query: PortableQuery, events: Iterable<CloudTrailEvent>, ctx?: EvaluateContext): { columns, rows }
 *   outputColumns(query: PortableQuery): string[]
 *   describeCondition(c: Condition): string    one readable line, for explain
 */
export { parsePortableQuery, parseRawQuery, normalizePortableQuery, normalizeRawQuery, DEFAULT_SELECT, EVENT_IDS_ALIAS, EVENT_IDS_LIMIT, OPERATORS } from './normalize.js';
export { queryReferences, type QueryReferences } from './references.js';
export { compileQuery, isRawQuery } from './compile.js';
export { queryNeedles, unionOfNeedles } from './needles.js';
export { evaluateQuery, type CloudTrailEvent, type EvaluateContext, type EvaluationResult } from './evaluate.js';
export { outputColumns } from './shape.js';
export { describeCondition, describeValue } from './describe.js';
export { athenaExecutionParameters, lakeLiteral, sqlStringLiteral } from './escape.js';
export { EngineCannotAnswerError, QueryDefinitionError, QueryValueError, UnsafeLiteralError } from './errors.js';
export { UnknownFieldError, resolveField } from './fields.js';
export { LOOKUP_ATTRIBUTES } from './lookup.js';
export type {
  AthenaPartitioning,
  AthenaSettings,
  CompileContext,
  CompileSettings,
  LakeSettings,
  ValueContext,
} from './context.js';
export type { Condition, PortableQuery, PortableQueryYaml, RawQuery, RawQueryYaml, SelectItem, ValueRef } from './definition.js';
export type { CompiledQuery, LookupPlan } from './engine.js';
export type { BoundParam, EngineName, Row, TimeWindow } from '../model/query.js';
