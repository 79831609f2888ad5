/**
 * The raw SQL escape hatch: per-engine text with `:name` placeholders. Each placeholder is
 * replaced by the dialect's own (DuckDB `$n`, Athena `?`) and its value bound, or, on
 * CloudTrail Lake, inlined by the audited escape function. `:window_start` / `:window_end`
 * are the run's window, in the form the engine compares eventTime with; `:table` is the
 * engine's configured table. The text must be one SELECT (read-only.ts): raw SQL reads, never writes.
 */
import type { RawQuery } from './definition.js';
import type { CompiledQuery } from './engine.js';
import type { CompileContext } from './context.js';
import type { SqlDialect } from './dialects/dialect.js';
import { QueryValueError } from './errors.js';
import { replacePlaceholders, TABLE_PLACEHOLDER } from './raw-sql.js';
import { readOnlyProblem } from './read-only.js';
import { resolveRawValue } from './values.js';
import { checkedWindow } from './sql-compiler.js';

export function compileRaw(query: RawQuery, dialect: SqlDialect, ctx: CompileContext): CompiledQuery {
  const text = query.sql[dialect.engine];
  if (text === undefined) {
    const has = Object.keys(query.sql).join(', ');
    throw new QueryValueError(`this raw query has no SQL for ${dialect.engine} (it has SQL for: ${has}); add sql.${dialect.engine} or run it on another engine`);
  }
  const writes = readOnlyProblem(text);
  if (writes) throw new QueryValueError(`raw SQL for ${dialect.engine} ${writes}`);
  const window = checkedWindow(ctx);
  const binder = dialect.binder();
  const sql = replacePlaceholders(text, (p) => {
    if (p.name === TABLE_PLACEHOLDER) return dialect.table(ctx);
    if (p.name === 'window_start') return binder.bind(window.start, 'window.start');
    if (p.name === 'window_end') return binder.bind(window.end, 'window.end');
    const ref = query.params[p.name];
    if (!ref) throw new QueryValueError(`raw SQL for ${dialect.engine} uses :${p.name}, which is not declared in params`);
    const v = resolveRawValue(ref, ctx);
    if (!Array.isArray(v.value) || dialect.bindsLists) return binder.bind(v.value, v.source);
    // Engines without list parameters get one value per element, for `IN (:names)`; an empty
    // list becomes NULL, which no value equals.
    return v.value.length === 0 ? 'NULL' : v.value.map((x) => binder.bind(x, v.source)).join(', ');
  });
  // Raw statements name their own columns; the engine reports them with the rows.
  return { engine: dialect.engine, text: sql, params: binder.params, columns: [] };
}
