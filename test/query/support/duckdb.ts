/**
 * An in-memory DuckDB `events` table (the contract's DDL) filled from CloudTrail records,
 * and a way to run a compiled query on it and get rows shaped like the evaluator's.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createEventsTableSql, EVENTS_COLUMNS } from '../../../src/query/engines/duckdb/table.js';
import { USER_IDENTITY, type FieldSpec } from '../../../src/query/fields.js';
import { toDuckDBBindings } from './duckdb-bind.js';
import type { CloudTrailEvent, CompiledQuery, Row } from '../../../src/query/index.js';

/** json_transform structure for a struct spec: {"type": "VARCHAR", "sessionContext": {...}}. */
function structure(spec: FieldSpec): unknown {
  if (spec.kind !== 'struct') return 'VARCHAR';
  return Object.fromEntries(Object.entries(spec.fields ?? {}).map(([k, v]) => [k, structure(v)]));
}

function columnFromJson(name: string, type: string): string {
  const path = `'$.${name}'`;
  if (type === 'TIMESTAMP') return `CAST(j->>${path} AS TIMESTAMP)`;
  if (type === 'BOOLEAN') return `CAST(j->>${path} AS BOOLEAN)`;
  if (type === 'JSON') return `j->${path}`; // a JSON null stays a JSON 'null', as a loader would keep it
  if (type.startsWith('STRUCT')) return `json_transform(j->${path}, '${JSON.stringify(structure(USER_IDENTITY))}')`;
  return `j->>${path}`;
}

export interface EventsDb {
  connection: DuckDBConnection;
  run(compiled: CompiledQuery): Promise<Row[]>;
  count(): Promise<number>;
  close(): void;
}

function toCell(v: unknown): Row[string] {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(String);
  if (v === undefined) return null;
  return v as Row[string];
}

export async function openEventsDb(events: readonly CloudTrailEvent[]): Promise<EventsDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(createEventsTableSql());
  const select = EVENTS_COLUMNS.map(([name, type]) => columnFromJson(name, type)).join(', ');
  for (const e of events) {
    await connection.run(`INSERT INTO events SELECT ${select} FROM (SELECT $1::JSON AS j)`, [JSON.stringify(e)]);
  }
  return {
    connection,
    async run(compiled) {
      const { values, types } = toDuckDBBindings(compiled.params);
      const reader = await connection.runAndReadAll(compiled.text, values, types);
      return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toCell(v)])));
    },
    async count() {
      const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM events');
      return Number(reader.getRowObjectsJS()[0]!.n);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
