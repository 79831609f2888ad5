/**
 * Compile a normalized query for one engine. SQL engines share one compiler
 * (./sql-compiler.ts) and differ only by their dialect object (./dialects/); LookupEvents
 * has its own planner (./lookup.ts); raw SQL is bound per engine (./raw.ts).
 */
import type { PortableQuery, RawQuery } from './definition.js';
import type { CompiledQuery } from './engine.js';
import type { EngineName } from '../model/query.js';
import type { CompileContext } from './context.js';
import type { SqlDialect, SqlEngine } from './dialects/dialect.js';
import { duckdbDialect } from './dialects/duckdb.js';
import { athenaDialect } from './dialects/athena.js';
import { lakeDialect } from './dialects/lake.js';
import { compileSql } from './sql-compiler.js';
import { compileRaw } from './raw.js';
import { compileLookup } from './lookup.js';
import { EngineCannotAnswerError, QueryValueError } from './errors.js';

export const SQL_DIALECTS: Readonly<Record<SqlEngine, SqlDialect>> = {
  duckdb: duckdbDialect,
  athena: athenaDialect,
  lake: lakeDialect,
};

export function isRawQuery(query: PortableQuery | RawQuery): query is RawQuery {
  return 'sql' in query;
}

export function compileQuery(query: PortableQuery | RawQuery, engine: EngineName, ctx: CompileContext): CompiledQuery {
  if (engine === 'lookup') {
    if (isRawQuery(query)) {
      throw new EngineCannotAnswerError(
        'raw SQL has no LookupEvents form: run this step on duckdb, athena or lake, or write it as a portable query',
        Object.keys(query.sql) as EngineName[],
        'step',
      );
    }
    return compileLookup(query, ctx);
  }
  const dialect = SQL_DIALECTS[engine];
  if (!dialect) throw new QueryValueError(`unknown engine "${String(engine)}"; expected duckdb, athena, lake or lookup`);
  return isRawQuery(query) ? compileRaw(query, dialect, ctx) : compileSql(query, dialect, ctx);
}
