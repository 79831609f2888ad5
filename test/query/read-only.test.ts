/**
 * Raw SQL steps only read: exactly one SELECT (or WITH … SELECT), on every engine, refused by
 * `ctrb validate` naming the step, and refused by DuckDB's own statement type at run time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotReadOnlyError } from '../../src/query/engines/duckdb/index.js';
import { readOnlyProblem } from '../../src/query/read-only.js';
import { validateFile } from '../../src/terminal/commands/validate.js';
import { cloudTrailEvent, duckdbQuery, makeLogsDir, removeDir, window, writeS3Logs } from '../engines/cloudtrail-files.js';
import { openDuckDb, type OpenedSession } from '../engines/open-duckdb.js';

const UPDATE = `UPDATE loaded_events SET eventName = 'x' WHERE eventTime >= :window_start AND eventTime < :window_end`;
const CREATE_AS = `CREATE TABLE stolen AS SELECT * FROM :table WHERE "eventTime" >= :window_start AND "eventTime" < :window_end`;
const SELECT = `SELECT "eventName" FROM :table WHERE "eventTime" >= :window_start AND "eventTime" < :window_end`;

describe('the text of raw SQL', () => {
  it.each([
    ['a SELECT', 'SELECT 1'],
    ['a SELECT ending in ;', 'select 1;  -- done'],
    ['a WITH … SELECT', 'WITH logins AS (SELECT * FROM t WHERE x IN (SELECT y FROM u)) SELECT * FROM logins'],
    ['a WITH RECURSIVE with a column list', 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n'],
    ['a parenthesized UNION', '(SELECT 1) UNION (SELECT 2)'],
    ['semicolons and keywords in literals, identifiers and comments', `SELECT 'a; DROP TABLE t' AS "update; delete" /* ; insert */ FROM t -- ; update`],
  ])('accepts %s', (_, sql) => {
    expect(readOnlyProblem(sql)).toBeUndefined();
  });

  it.each([
    ['an UPDATE', UPDATE, 'is an UPDATE statement; a raw step may only read (one SELECT, or WITH … SELECT)'],
    ['a CREATE TABLE … AS SELECT', CREATE_AS, 'is a CREATE statement; a raw step may only read (one SELECT, or WITH … SELECT)'],
    ['a WITH … INSERT', 'WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a', 'is an INSERT statement; a raw step may only read (one SELECT, or WITH … SELECT)'],
    ['a COPY of a SELECT', "COPY (SELECT * FROM t) TO '/tmp/out.csv'", 'is a COPY statement; a raw step may only read (one SELECT, or WITH … SELECT)'],
    ['a SELECT followed by a DELETE', 'SELECT 1; DELETE FROM t', 'holds 2 statements; a raw step is exactly one SELECT'],
    ['nothing but a comment', '-- nothing', 'is empty'],
  ])('refuses %s', (_, sql, problem) => {
    expect(readOnlyProblem(sql)).toBe(problem);
  });
});

describe('ctrb validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrb-readonly-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function validate(steps: string): Promise<string[]> {
    const file = join(dir, 'writer.yaml');
    await writeFile(file, `id: writer\ntitle: Writer\nsummary: Raw SQL that writes.\nseverity: low\nsteps:\n${steps}`);
    return (await validateFile(file)).map((i) => `${i.path}: ${i.message}`);
  }

  it('refuses the UPDATE and the CREATE TABLE … AS of the issue, naming each step, on every engine they are written for', async () => {
    const issues = await validate(
      `  - id: harmless\n    raw: { sql: { duckdb: '${SELECT}' } }\n` +
        `  - id: rename\n    raw: { sql: { duckdb: "${UPDATE}", athena: "${UPDATE}" } }\n` +
        `  - id: copy\n    raw: { sql: { duckdb: '${CREATE_AS}' } }\n`,
    );
    expect(issues).toEqual([
      'steps[1].raw.sql.duckdb: step "rename" does not compile for duckdb: raw SQL for duckdb is an UPDATE statement; a raw step may only read (one SELECT, or WITH … SELECT)',
      'steps[1].raw.sql.athena: step "rename" does not compile for athena: raw SQL for athena is an UPDATE statement; a raw step may only read (one SELECT, or WITH … SELECT)',
      'steps[2].raw.sql.duckdb: step "copy" does not compile for duckdb: raw SQL for duckdb is a CREATE statement; a raw step may only read (one SELECT, or WITH … SELECT)',
    ]);
  });

  it('asks DuckDB\'s own parser about the DuckDB SQL', async () => {
    const issues = await validate(`  - id: broken\n    raw: { sql: { duckdb: 'SELECT "eventName" FROM :table WHERE "eventTime" >= :window_start AND "eventTime" < :window_end AND' } }\n`);
    expect(issues).toEqual([expect.stringMatching(/^steps\[0\]\.raw\.sql\.duckdb: step "broken" does not compile for duckdb: DuckDB refuses it: syntax error/)]);
  });

  it('passes a raw SELECT', async () => {
    expect(await validate(`  - id: harmless\n    raw: { sql: { duckdb: '${SELECT}' } }\n`)).toEqual([]);
  });
});

describe('DuckDB runs only what it prepares as a SELECT', () => {
  let logs: string;
  let opened: OpenedSession;
  beforeAll(async () => {
    logs = await makeLogsDir();
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'ConsoleLogin', eventTime: '2024-05-01T02:00:00Z' })]);
    opened = await openDuckDb(logs, window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z'));
  });
  afterAll(async () => {
    await opened.session.close();
    await removeDir(logs);
  });

  it('refuses an UPDATE that reached the engine, and the events stay as they were', async () => {
    const update = opened.session.run(duckdbQuery(`UPDATE loaded_events SET "eventName" = 'x'`));
    await expect(update).rejects.toBeInstanceOf(NotReadOnlyError);
    await expect(update).rejects.toThrow('DuckDB reads this statement as UPDATE, not SELECT: a query step may only read');
    expect(await opened.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'ConsoleLogin' }]);
  });

  it('refuses a CREATE TABLE … AS, and no table is made', async () => {
    await expect(opened.session.run(duckdbQuery('CREATE TABLE stolen AS SELECT * FROM events'))).rejects.toThrow('as CREATE, not SELECT');
    expect(await opened.rows("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'stolen'")).toEqual([{ n: 0 }]);
  });
});
