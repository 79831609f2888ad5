/**
 * deploy/athena against what ctrb sends: every field a runbook can name exists in the
 * table DDL with the type the Athena dialect reads it as; every built-in runbook's Athena
 * statement names only columns the table has; the partition columns and projection formats
 * are those the dialect's window predicates compare with; the workgroup caps each query's scan
 * and enforces an encrypted result location.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLOUDTRAIL_COLUMNS, type FieldSpec } from '../../src/query/fields.js';
import { compileStepQuery, prepareRunbook } from '../../src/run/prepare.js';
import { BUILTIN_RUNBOOK_DIR, PACKAGE_ROOT } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { exampleValue } from '../../src/runbook/param-examples.js';
import type { AthenaPartitioning } from '../../src/query/index.js';
import type { ResolvedParams } from '../../src/model/run.js';

const DIR = join(PACKAGE_ROOT, 'deploy', 'athena');
const TABLES: Record<Exclude<AthenaPartitioning, 'none'>, string> = {
  timestamp: 'cloudtrail-table-timestamp.sql',
  'region-year-month-day': 'cloudtrail-table-region-date.sql',
};

// ----- a small reader of Hive DDL types -----------------------------------------------------------

type HiveType = { kind: 'scalar'; name: string } | { kind: 'struct'; fields: Map<string, HiveType> } | { kind: 'array'; of: HiveType } | { kind: 'map' };

function tokens(text: string): string[] {
  return text.match(/`[^`]+`|[A-Za-z_][A-Za-z0-9_]*|[<>,:()]/g)!.map((t) => t.replaceAll('`', ''));
}

function readType(ts: string[], at: { i: number }): HiveType {
  const name = ts[at.i++]!.toLowerCase();
  if (name === 'struct') {
    const fields = new Map<string, HiveType>();
    at.i++; // <
    while (ts[at.i] !== '>') {
      const field = ts[at.i++]!.toLowerCase();
      at.i++; // :
      fields.set(field, readType(ts, at));
      if (ts[at.i] === ',') at.i++;
    }
    at.i++;
    return { kind: 'struct', fields };
  }
  if (name === 'array') {
    at.i++;
    const of = readType(ts, at);
    at.i++;
    return { kind: 'array', of };
  }
  if (name === 'map') {
    at.i++;
    readType(ts, at);
    at.i++;
    readType(ts, at);
    at.i++;
    return { kind: 'map' };
  }
  return { kind: 'scalar', name };
}

/** `name TYPE, name TYPE` inside the parentheses after `marker`. */
function columnsAfter(ddl: string, marker: RegExp): Map<string, HiveType> {
  const ts = tokens(ddl.replace(/--.*$/gm, '').replace(/'[^']*'/g, ''));
  const start = ts.findIndex((t, i) => marker.test(ts.slice(i, i + 3).join(' ')));
  const at = { i: ts.indexOf('(', start) + 1 };
  const out = new Map<string, HiveType>();
  while (ts[at.i] !== ')') {
    const name = ts[at.i++]!.toLowerCase();
    out.set(name, readType(ts, at));
    if (ts[at.i] === ',') at.i++;
  }
  return out;
}

function properties(ddl: string): Record<string, string> {
  return Object.fromEntries([...ddl.matchAll(/'([^']+)'\s*=\s*'([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
}

/** What the DDL must say for a field the compiler knows. */
function mismatch(path: string, spec: FieldSpec, type: HiveType | undefined): string[] {
  if (!type) return [`${path}: missing`];
  switch (spec.kind) {
    case 'string':
    case 'timestamp': // eventtime is CloudTrail's text
    case 'json': // payloads stay JSON text
      return type.kind === 'scalar' && type.name === 'string' ? [] : [`${path}: expected STRING`];
    case 'boolean':
      return type.kind === 'scalar' && ['string', 'boolean'].includes(type.name) ? [] : [`${path}: expected BOOLEAN or STRING`];
    case 'array':
      return type.kind === 'array' ? [] : [`${path}: expected ARRAY`];
    case 'struct':
      if (type.kind !== 'struct') return [`${path}: expected STRUCT`];
      return Object.entries(spec.fields ?? {}).flatMap(([name, sub]) => mismatch(`${path}.${name}`, sub, type.fields.get(name.toLowerCase())));
  }
}

function resolves(columns: Map<string, HiveType>, chain: string[]): boolean {
  let type: HiveType | undefined = columns.get(chain[0]!);
  for (const part of chain.slice(1)) type = type?.kind === 'struct' ? type.fields.get(part) : undefined;
  return type !== undefined;
}

function exampleParams(params: Record<string, { default?: unknown; example?: unknown; list?: boolean }>): ResolvedParams {
  const out: ResolvedParams = {};
  for (const [name, spec] of Object.entries(params)) {
    const v = spec.default ?? spec.example ?? exampleValue(spec as Parameters<typeof exampleValue>[0]);
    out[name] = Array.isArray(v) ? v.map(String) : spec.list ? String(v).split(',') : String(v);
  }
  return out;
}

describe.each(Object.entries(TABLES))('deploy/athena table for %s partitioning', (partitioning, file) => {
  const ddl = readFileSync(join(DIR, file), 'utf8');
  const columns = columnsAfter(ddl, /^CREATE EXTERNAL TABLE/i);
  const partitions = columnsAfter(ddl, /^PARTITIONED BY/i);

  it('has every field the compiler knows, with the type the Athena dialect reads', () => {
    const problems = Object.entries(CLOUDTRAIL_COLUMNS).flatMap(([name, spec]) => mismatch(name, spec, columns.get(name.toLowerCase())));
    expect(problems).toEqual([]);
  });

  it('has every column every built-in runbook’s Athena statement names', () => {
    const now = new Date('2024-05-02T00:00:00Z');
    const ctx = { window: { start: '2024-05-01T00:00:00Z', end: now.toISOString() } };
    const unknown = new Set<string>();
    let statements = 0;
    for (const f of readdirSync(BUILTIN_RUNBOOK_DIR).filter((n) => n.endsWith('.yaml'))) {
      const runbook = parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, f), 'utf8'), f);
      const prepared = prepareRunbook(runbook, f);
      for (const step of prepared.steps) {
        if (step.kind !== 'query' || !step.query || ('sql' in step.query && !step.query.sql.athena)) continue;
        const compiled = compileStepQuery(
          step,
          'athena',
          { ...ctx, params: exampleParams(runbook.params) },
          undefined,
          { athena: { table: 'cloudtrail_logs', partitioning: partitioning as AthenaPartitioning } },
          now,
        );
        statements++;
        const text = compiled.text.replace(/'([^']|'')*'/g, "''");
        // Quoted identifier chains that are not aliases (`AS "x"`) nor the table (`FROM "x"`).
        for (const m of text.matchAll(/"[^"]*"(?:\."[^"]*")*/g)) {
          if (/\b(AS|FROM|JOIN)$/i.test(text.slice(0, m.index).trimEnd())) continue;
          const chain = m[0].split('.').map((p) => p.replaceAll('"', ''));
          if (chain.length === 1 && compiled.columns.includes(chain[0]!)) continue; // an output alias in ORDER BY
          if (!resolves(columns, chain) && !partitions.has(chain[0]!)) unknown.add(`${f}: ${chain.join('.')}`);
        }
      }
    }
    expect(statements).toBeGreaterThan(20);
    expect([...unknown]).toEqual([]);
  });

  it('partitions and projects the way the dialect prunes', () => {
    const props = properties(ddl);
    expect(props['projection.enabled']).toBe('true');
    if (partitioning === 'timestamp') {
      expect([...partitions.entries()]).toEqual([['timestamp', { kind: 'scalar', name: 'string' }]]);
      // The dialect compares "timestamp" with yyyy/MM/dd text (athena-partitions.ts slashDate).
      expect(props['projection.timestamp.format']).toBe('yyyy/MM/dd');
      expect(props['storage.location.template']).toMatch(/\/CloudTrail\/REGION\/\$\{timestamp\}$/);
    } else {
      expect([...partitions.keys()]).toEqual(['region', 'year', 'month', 'day']);
      expect([...partitions.values()].every((t) => t.kind === 'scalar' && t.name === 'string')).toBe(true);
      // Month and day are compared as zero-padded text ranges ('01' … '12').
      expect([props['projection.month.digits'], props['projection.day.digits']]).toEqual(['2', '2']);
      expect(props['storage.location.template']).toMatch(/\/CloudTrail\/\$\{region\}\/\$\{year\}\/\$\{month\}\/\$\{day\}$/);
    }
  });
});

describe('deploy/athena workgroup', () => {
  it('caps each query’s scan and enforces an encrypted result location (CloudFormation and CLI forms alike)', () => {
    const template = parseYaml(readFileSync(join(DIR, 'workgroup.yaml'), 'utf8')) as {
      Resources: { WorkGroup: { Type: string; Properties: { WorkGroupConfiguration: Record<string, unknown> & { ResultConfiguration: Record<string, unknown> } } } };
      Parameters: { BytesScannedCutoffPerQuery: { Default: number } };
    };
    const wg = template.Resources.WorkGroup;
    expect(wg.Type).toBe('AWS::Athena::WorkGroup');
    expect(wg.Properties.WorkGroupConfiguration).toMatchObject({ EnforceWorkGroupConfiguration: true, BytesScannedCutoffPerQuery: { Ref: 'BytesScannedCutoffPerQuery' } });
    expect(wg.Properties.WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration).toBeDefined();
    expect(template.Parameters.BytesScannedCutoffPerQuery.Default).toBeGreaterThanOrEqual(10_000_000);

    const cli = JSON.parse(readFileSync(join(DIR, 'workgroup.json'), 'utf8')) as { Configuration: Record<string, unknown> & { ResultConfiguration: Record<string, unknown> } };
    expect(cli.Configuration).toMatchObject({ EnforceWorkGroupConfiguration: true, BytesScannedCutoffPerQuery: 10_737_418_240 });
    expect(cli.Configuration.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_S3' });
  });
});
