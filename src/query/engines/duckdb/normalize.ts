/**
 * Result rows as plain JSON values, the same on every engine: times as
 * `YYYY-MM-DDTHH:MM:SSZ`, integers as numbers, lists of scalars as string arrays, and
 * structs or JSON documents as JSON text.
 */
import type { DuckDBResultReader } from '@duckdb/node-api';
import type { CellValue, Row } from '../../../model/query.js';

export function normalizeRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  return reader.getRowsJS().map((values) => {
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = normalizeCell(values[i]);
    });
    return row;
  });
}

type Scalar = string | number | bigint | boolean | Date | null | undefined;

export function normalizeCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return isoTime(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value) && value.every(isScalar)) {
    // The row type holds string lists; a null inside a list has no spelling there.
    return value.filter((v) => v !== null && v !== undefined).map((v) => String(normalizeCell(v)));
  }
  return JSON.stringify(toJson(value));
}

/** `2024-05-01T12:00:00Z`; milliseconds are kept only when there are any. */
export function isoTime(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

function isScalar(value: unknown): value is Scalar {
  return value === null || value === undefined || value instanceof Date || typeof value !== 'object';
}

/** Nested values (structs, maps, lists of structs) as JSON-safe data. */
function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return isoTime(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}
