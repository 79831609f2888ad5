/**
 * Amazon Athena over the CloudTrail table AWS documents: column names are lower case,
 * eventtime is the text `YYYY-MM-DDTHH:MM:SSZ`, payloads (requestparameters, ...) are JSON
 * strings, useridentity is a ROW. Values are `?` ExecutionParameters (one per value; Athena
 * has no array parameters). The window also prunes the partition column(s), so a 24-hour
 * question reads one or two days of logs rather than the whole bucket.
 */
import type { TimeWindow } from '../../model/query.js';
import type { AthenaSettings, CompileContext } from '../context.js';
import { QueryValueError } from '../errors.js';
import type { Binder, SqlDialect } from './dialect.js';
import { positionalBinder } from './binders.js';
import { trinoJsonText, trinoShared } from './trino.js';
import { partitionDays, partitionTerms, slashDate, type PartitionTerm } from './athena-partitions.js';

const quote = (name: string): string => `"${name.toLowerCase()}"`;

const TABLE_PART = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function settingsOf(ctx: CompileContext): AthenaSettings {
  if (!ctx.athena) throw new QueryValueError('compiling for athena needs the athena settings (table and partitioning)');
  return ctx.athena;
}

/** `db.table` → `"db"."table"`, after checking each part is a plain name. */
export function athenaTableName(table: string): string {
  const parts = table.split('.');
  if (parts.length > 3 || !parts.every((p) => TABLE_PART.test(p))) {
    throw new QueryValueError(`athena table "${table}" is not a table name such as cloudtrail_logs or security.cloudtrail_logs (letters, digits, "_" and "-", parts separated by ".")`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}

function checkRegions(regions: readonly string[]): void {
  for (const r of regions) {
    if (!REGION.test(r)) throw new QueryValueError(`athena region "${r}" is not an AWS region name such as us-east-1`);
  }
}

function range(column: string, [from, to]: readonly [string, string], binder: Binder): string {
  return from === to
    ? `${quote(column)} = ${binder.bind(from, 'window.partition')}`
    : `${quote(column)} BETWEEN ${binder.bind(from, 'window.partition')} AND ${binder.bind(to, 'window.partition')}`;
}

function termSql(term: PartitionTerm, binder: Binder): string {
  const parts = [`${quote('year')} = ${binder.bind(term.year, 'window.partition')}`];
  if (term.months) parts.push(range('month', term.months, binder));
  if (term.days) parts.push(range('day', term.days, binder));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
}

function partitionPredicates(window: TimeWindow, settings: AthenaSettings, binder: Binder): string[] {
  const { first, last } = partitionDays(window);
  switch (settings.partitioning) {
    case 'none':
      return [];
    case 'timestamp':
      return [
        `${quote('timestamp')} BETWEEN ${binder.bind(slashDate(first), 'window.start')} AND ${binder.bind(slashDate(last), 'window.end')}`,
      ];
    case 'region-year-month-day': {
      const out: string[] = [];
      if (settings.regions && settings.regions.length > 0) {
        checkRegions(settings.regions);
        out.push(`${quote('region')} IN (${settings.regions.map((r) => binder.bind(r, 'athena.regions')).join(', ')})`);
      }
      const terms = partitionTerms(first, last).map((t) => termSql(t, binder));
      out.push(terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`);
      return out;
    }
    default:
      throw new QueryValueError(`athena partitioning "${String(settings.partitioning)}" is not one of timestamp, region-year-month-day, none`);
  }
}

export const athenaDialect: SqlDialect = {
  ...trinoShared,
  engine: 'athena',
  bindsLists: false,
  binder: positionalBinder,
  table: (ctx) => athenaTableName(settingsOf(ctx).table),

  column: quote,
  structField: (column, path) => [column, ...path].map(quote).join('.'),
  listColumn: quote,
  // Payload columns are JSON text; a JSON `null` payload is stored as the text 'null'.
  jsonText: (column, path) => (path.length === 0 ? `NULLIF(${quote(column)}, 'null')` : trinoJsonText(quote(column), path)),
  // eventtime already is `YYYY-MM-DDTHH:MM:SSZ` text.
  timeText: (expr) => expr,

  windowPredicates: (window, binder, ctx) => [
    ...partitionPredicates(window, settingsOf(ctx), binder),
    `${quote('eventTime')} >= ${binder.bind(window.start, 'window.start')}`,
    `${quote('eventTime')} < ${binder.bind(window.end, 'window.end')}`,
  ],
};
