/**
 * Stage one log file for DuckDB: read it, gunzip it (zlib, on libuv's thread pool, so
 * several files decompress while DuckDB inserts), split its event array into one event
 * per line (split.ts) and write that to a scratch file DuckDB's JSON reader can take.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { splitEventArray, type DocumentKind } from './split.js';

const gunzipAsync = promisify(gunzip);

export type StagedFile =
  | {
      ok: true;
      source: string;
      kind: DocumentKind;
      /** Scratch file of one event per line; null when the file holds no events. */
      staged: string | null;
      events: number;
      bytes: number;
    }
  /** `problem` completes the sentence "skipped <file>: ...". */
  | { ok: false; source: string; problem: string };

export async function stageFile(source: string, scratchDir: string, id: number): Promise<StagedFile> {
  let doc: Buffer;
  try {
    doc = await readFile(source);
  } catch (error) {
    return { ok: false, source, problem: `cannot read it (${messageOf(error)})` };
  }
  if (isGzip(doc)) {
    try {
      doc = await gunzipAsync(doc);
    } catch (error) {
      return { ok: false, source, problem: `not a complete gzip file (${messageOf(error)})` };
    }
  }
  const split = splitEventArray(doc);
  if (split.kind === 'not-cloudtrail') return { ok: false, source, problem: `not CloudTrail: ${split.reason}` };
  if (split.kind === 'malformed') return { ok: false, source, problem: `not valid JSON: ${split.reason}` };
  if (split.events === 0) return { ok: true, source, kind: split.kind, staged: null, events: 0, bytes: 0 };

  const staged = join(scratchDir, `${id}.ndjson`);
  await writeFile(staged, split.lines);
  return { ok: true, source, kind: split.kind, staged, events: split.events, bytes: split.lines.length };
}

/** By content, not name: a `.json` file may be gzipped and a `.json.gz` may not be. */
function isGzip(doc: Buffer): boolean {
  return doc.length >= 2 && doc[0] === 0x1f && doc[1] === 0x8b;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
