/**
 * Stage one log file for DuckDB: read it, gunzip it (zlib, on libuv's thread pool, so
 * files decompress while DuckDB inserts) and split its event array into one event per line
 * (split.ts). The lines stay in memory until their batch is written for DuckDB.
 */
import { readFile as readFileWithCallback } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { splitEventArray, type DocumentKind } from './split.js';

/**
 * The callback readFile, not fs/promises': the promise version reads through a FileHandle
 * in several steps, and on a tree of thousands of small files that showed as a third of
 * the main thread's time.
 */
const readFile = promisify(readFileWithCallback);
const gunzipAsync = promisify(gunzip);

/**
 * zlib hands back its output in chunks (16 KiB by default), each a callback, then copies
 * them into one buffer. A gzip file ends with its uncompressed size, so one chunk of that
 * size is enough: this halves the CPU spent decompressing. The size is only a hint (it is
 * modulo 4 GiB, and covers the last member of a multi-member file), hence the bounds.
 */
function gunzipChunkSize(gz: Buffer): number {
  const declared = gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.min(Math.max(declared, 64 * 1024), 256 * 1024 * 1024);
}

export type StagedFile =
  | {
      ok: true;
      source: string;
      kind: DocumentKind;
      /** One event per line, each ending in a newline; empty when the file holds no events. */
      lines: Buffer;
      events: number;
    }
  /** `problem` completes the sentence "skipped <file>: ...". */
  | { ok: false; source: string; problem: string };

export async function stageFile(source: string): Promise<StagedFile> {
  let doc: Buffer;
  try {
    doc = await readFile(source);
  } catch (error) {
    return { ok: false, source, problem: `cannot read it (${messageOf(error)})` };
  }
  if (isGzip(doc)) {
    try {
      doc = await gunzipAsync(doc, { chunkSize: gunzipChunkSize(doc) });
    } catch (error) {
      return { ok: false, source, problem: `not a complete gzip file (${messageOf(error)})` };
    }
  }
  const split = splitEventArray(doc);
  if (split.kind === 'not-cloudtrail') return { ok: false, source, problem: `not CloudTrail: ${split.reason}` };
  if (split.kind === 'malformed') return { ok: false, source, problem: `not valid JSON: ${split.reason}` };
  return { ok: true, source, kind: split.kind, lines: split.lines, events: split.events };
}

export function stagedBytes(staged: StagedFile): number {
  return staged.ok ? staged.lines.length : 0;
}

/** By content, not name: a `.json` file may be gzipped and a `.json.gz` may not be. */
function isGzip(doc: Buffer): boolean {
  return doc.length >= 2 && doc[0] === 0x1f && doc[1] === 0x8b;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
