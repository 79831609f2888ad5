import { execFile } from 'node:child_process';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../src/query/engine.js';
import {
  CloudTrailUnreadableError,
  createDuckDbEngine,
  LogsPathNotFoundError,
  NoCloudTrailFilesError,
} from '../../src/query/engines/duckdb/index.js';
import { cloudTrailEvent, makeLogsDir, removeDir, window, writeBytes, writeJsonFile, writeS3Logs } from './cloudtrail-files.js';
import { openDuckDb } from './open-duckdb.js';

const MAY_1 = window('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z');

let logs: string;
let session: EngineSession | undefined;

beforeEach(async () => {
  logs = await makeLogsDir();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await removeDir(logs);
});

describe('duckdb engine: damaged and foreign files', () => {
  it('names a truncated .json.gz in a warning and answers from the other files', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'GoodOne' })], { region: 'us-east-1' });
    const [damaged] = await writeS3Logs(logs, [cloudTrailEvent(), cloudTrailEvent()], { region: 'eu-west-1' });
    const gz = gzipSync(JSON.stringify({ Records: [cloudTrailEvent(), cloudTrailEvent()] }));
    await writeFile(damaged!, gz.subarray(0, Math.floor(gz.length / 2)));

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'GoodOne' }]);
    expect(opened.warnings).toHaveLength(1);
    expect(opened.warnings[0]).toContain('eu-west-1/2024/05/01/');
    expect(opened.warnings[0]).toMatch(/skipped .*\.json\.gz: not a complete gzip file/);
  });

  it('names a file whose JSON is cut off', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'GoodOne' })]);
    const text = JSON.stringify({ Records: [cloudTrailEvent(), cloudTrailEvent()] });
    await writeBytes(join(logs, 'cut.json'), text.slice(0, text.length - 40));

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'GoodOne' }]);
    expect(opened.warnings).toEqual([expect.stringMatching(/^skipped cut\.json: not valid JSON/)]);
  });

  it('names a file holding one malformed event among good files, and keeps the good files', async () => {
    const good = await Promise.all(
      ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((region) =>
        writeS3Logs(logs, [cloudTrailEvent({ awsRegion: region })], { region }),
      ),
    );
    const badEvent = JSON.stringify(cloudTrailEvent()).replace('"eventTime":"2024-05-01T12:00:00Z"', '"eventTime":yesterday');
    await writeBytes(join(logs, 'odd', 'bad-event.json'), `{"Records":[${JSON.stringify(cloudTrailEvent())},${badEvent}]}`);

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: good.length }]);
    expect(opened.warnings).toEqual([expect.stringMatching(/^skipped odd\/bad-event\.json: an event could not be read/)]);
    expect(opened.warnings[0]).not.toContain('.ndjson');
  });

  it('skips a JSON file that is not CloudTrail, saying what it lacks', async () => {
    await writeS3Logs(logs, [cloudTrailEvent()]);
    await writeJsonFile(join(logs, 'package.json'), { name: 'not-logs', version: '1.0.0' });

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }]);
    expect(opened.warnings).toEqual([
      expect.stringMatching(/^skipped package\.json: not CloudTrail: it has neither a top-level "Records" array/),
    ]);
  });

  it('names every damaged .json.gz, whatever its size or where it is cut: empty, cut after 60 bytes, under 18 bytes', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'GoodOne' })]);
    const gz = gzipSync(JSON.stringify({ Records: [cloudTrailEvent(), cloudTrailEvent(), cloudTrailEvent()] }));
    await writeBytes(join(logs, 'empty.json.gz'), Buffer.alloc(0));
    await writeBytes(join(logs, 'cut-60.json.gz'), gz.subarray(0, 60));
    await writeBytes(join(logs, 'cut-10.json.gz'), gz.subarray(0, 10));
    await writeBytes(join(logs, 'tiny.json'), Buffer.from('{"Rec'));
    await writeBytes(join(logs, 'empty.json'), Buffer.alloc(0));

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'GoodOne' }]);
    expect([...opened.warnings].sort()).toEqual([
      expect.stringMatching(/^skipped cut-10\.json\.gz: not a complete gzip file/),
      expect.stringMatching(/^skipped cut-60\.json\.gz: not a complete gzip file/),
      expect.stringMatching(/^skipped empty\.json\.gz: the file is empty/),
      expect.stringMatching(/^skipped empty\.json: the file is empty/),
      expect.stringMatching(/^skipped tiny\.json: not valid JSON/),
    ]);
  });

  it('names a .json.gz cut anywhere, from its first byte to its last', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'GoodOne' })]);
    const gz = gzipSync(JSON.stringify({ Records: [cloudTrailEvent(), cloudTrailEvent(), cloudTrailEvent()] }));
    // Up to its last byte: a cut in the gzip trailer (checksum and size), after every event,
    // is caught by the size the trailer then claims.
    const cuts = [1, 2, 3, 9, 10, 17, 18, 19, 30, 60, Math.floor(gz.length / 2), gz.length - 20, gz.length - 9, gz.length - 8, gz.length - 4, gz.length - 1];
    for (const cut of cuts) await writeBytes(join(logs, `cut-${String(cut).padStart(4, '0')}.json.gz`), gz.subarray(0, cut));

    const opened = await openDuckDb(logs, MAY_1);
    session = opened.session;

    expect(await opened.rows('SELECT "eventName" FROM events')).toEqual([{ eventName: 'GoodOne' }]);
    const named = opened.warnings.map((w) => /^skipped (cut-\d+\.json\.gz): /.exec(w)?.[1]);
    expect(named.sort()).toEqual(cuts.map((cut) => `cut-${String(cut).padStart(4, '0')}.json.gz`).sort());
  });

  it('warns about a day folder it cannot read (mode 000) and reads the others; fails naming it when nothing else is there', async () => {
    await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'GoodOne' })]);
    const [locked] = await writeS3Logs(logs, [cloudTrailEvent({ eventName: 'Hidden' })], { region: 'eu-west-1' });
    const lockedDay = dirname(locked!);
    await chmod(lockedDay, 0o000);
    try {
      const opened = await openAsUnprivileged(logs);
      expect(opened.rows).toEqual([{ eventName: 'GoodOne' }]);
      expect(opened.warnings).toEqual([`skipped folder ${relative(logs, lockedDay)}: permission denied; its files were not read`]);

      await rm(join(logs, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1'), { recursive: true });
      const failed = await openAsUnprivileged(logs);
      expect(failed.error).toContain(`no CloudTrail file under "${logs}" could be read: 1 folder could not be listed:`);
      expect(failed.error).toContain(`skipped folder ${relative(logs, lockedDay)}: permission denied`);
    } finally {
      await chmod(lockedDay, 0o755);
    }
  });

  it('fails, listing why, when not one file could be read', async () => {
    await writeJsonFile(join(logs, 'a.json'), { hello: 'world' });
    await writeBytes(join(logs, 'b.json.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));

    const error = await openDuckDb(logs, MAY_1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CloudTrailUnreadableError);
    expect((error as Error).message).toContain(`none of the 2 CloudTrail files under "${logs}" could be read`);
    expect((error as Error).message).toContain('skipped a.json: not CloudTrail');
    expect((error as Error).message).toContain('skipped b.json.gz: not a complete gzip file');
  });
});

describe('duckdb engine: nothing to read', () => {
  it('explains an empty folder: the path searched and the layouts accepted', async () => {
    await writeBytes(join(logs, 'notes.txt'), 'no logs here');

    const error = await openDuckDb(logs, MAY_1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NoCloudTrailFilesError);
    expect((error as NoCloudTrailFilesError).path).toBe(logs);
    expect((error as Error).message).toContain(`found under "${logs}"`);
    expect((error as Error).message).toContain('AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz');
    expect((error as Error).message).toContain('lookup-events');
  });

  it('explains a path that does not exist', async () => {
    const missing = join(logs, 'no-such-folder');

    const error = await openDuckDb(missing, MAY_1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LogsPathNotFoundError);
    expect((error as Error).message).toContain(`"${missing}" does not exist`);
    expect((error as Error).message).toContain('AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz');
  });
});

describe('duckdb engine: a long load', () => {
  it('reports progress while loading and the final figures at the end', async () => {
    for (let day = 1; day <= 3; day++) {
      const eventTime = `2024-05-0${day}T12:00:00Z`;
      await writeS3Logs(logs, [cloudTrailEvent({ eventTime }), cloudTrailEvent({ eventTime })]);
    }
    const opened = await openDuckDb(logs, window('2024-05-01T00:00:00Z', '2024-05-04T00:00:00Z'));
    session = opened.session;

    expect(opened.progress.length).toBeGreaterThanOrEqual(1);
    expect(opened.progress.at(-1)).toEqual({ filesRead: 3, filesTotal: 3, eventsRead: 6 });
    for (const p of opened.progress) expect(p.filesTotal).toBe(3);
  });

  it('leaves no scratch files behind, while the session is open or after it closes', async () => {
    await writeS3Logs(logs, [cloudTrailEvent(), cloudTrailEvent()]);
    const scratch = await makeLogsDir();
    const opened = await openDuckDb(logs, MAY_1, { scratchDir: scratch, tuning: { batchBytes: 1 } });
    session = opened.session;

    expect(await readdir(scratch)).toEqual([]);
    await opened.session.close();
    expect(await readdir(scratch)).toEqual([]);
    await removeDir(scratch);
  });

  it('stops when its signal is aborted, and leaves nothing behind', async () => {
    for (let day = 1; day <= 5; day++) {
      await writeS3Logs(logs, [cloudTrailEvent({ eventTime: `2024-05-0${day}T12:00:00Z` })]);
    }
    const controller = new AbortController();
    let progressCalls = 0;
    const scratch = await makeLogsDir();
    const engine = createDuckDbEngine({ logsDir: logs, threads: 1, scratchDir: scratch, tuning: { batchBytes: 1 } });

    const opening = engine.open(window('2024-05-01T00:00:00Z', '2024-05-06T00:00:00Z'), {
      signal: controller.signal,
      onProgress: () => {
        progressCalls++;
        controller.abort(new Error('user pressed Ctrl-C'));
      },
    });

    await expect(opening).rejects.toThrow('user pressed Ctrl-C');
    expect(progressCalls).toBe(1);
    expect(await readdir(scratch)).toEqual([]);
    await removeDir(scratch);
  });
});

/**
 * Opens the logs in a child process that cannot read a mode-000 folder: as root (the usual
 * CI container) everything is readable, so the child drops to the `nobody` user; otherwise it
 * runs as the current user, who cannot read it either.
 */
async function openAsUnprivileged(dir: string): Promise<{ rows?: unknown[]; warnings?: string[]; error?: string }> {
  await chmod(dir, 0o755);
  // The built engine (test/support/built-cli.setup.ts builds dist/): no TypeScript compiled in the child.
  const engine = fileURLToPath(new URL('../../dist/query/engines/duckdb/index.js', import.meta.url));
  const script = `
    const { createDuckDbEngine } = await import(${JSON.stringify(engine)});
    const warnings = [];
    try {
      const session = await createDuckDbEngine({ logsDir: ${JSON.stringify(dir)}, threads: 1, cache: false })
        .open({ start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-02T00:00:00Z') }, { onWarning: (w) => warnings.push(w) });
      const { rows } = await session.run({ engine: 'duckdb', text: 'SELECT "eventName" FROM events', params: [], columns: [] });
      await session.close();
      console.log(JSON.stringify({ rows, warnings }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.message, warnings }));
    }`;
  const root = process.getuid?.() === 0;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { ...(root ? { uid: 65534, gid: 65534 } : {}), env: { PATH: process.env.PATH ?? '', HOME: dir, CTRB_CACHE: 'off' }, cwd: fileURLToPath(new URL('../..', import.meta.url)) },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`, { cause: error })) : resolve(stdout)),
    ),
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}
