/**
 * Stage one log file for the careful read (careful.ts): read it, gunzip it (zlib, on libuv's
 * thread pool), split its event array into one event per line (split.ts) and write the lines
 * to a scratch file named by the file's number in the load (`<n>.ndjson`).
 */
import { readFile as readFileWithCallback, writeFile as writeFileWithCallback } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { splitEventArray, type DocumentKind } from './split.js';

/**
 * The callback readFile, not fs/promises': the promise version reads through a FileHandle
 * in several steps, and on a tree of thousands of small files that showed as a third of
 * the main thread's time.
 */
const readFile = promisify(readFileWithCallback);
const writeFile = promisify(writeFileWithCallback);
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
      /** The file's number in the load: its rows' `ctrb_file`. */
      number: number;
      kind: DocumentKind;
      /** The scratch file of its events, one per line; null when the file holds no events. */
      path: string | null;
      events: number;
      /** Bytes of the scratch file. */
      bytes: number;
    }
  /** `problem` completes the sentence "skipped <file>: ...". */
  | { ok: false; source: string; number: number; problem: string };

export async function stageFile(source: string, number: number, scratchDir: string): Promise<StagedFile> {
  const split = await readAndSplit(source);
  if (!split.ok) return { ...split, number };
  if (split.events === 0) return { ok: true, source, number, kind: split.kind, path: null, events: 0, bytes: 0 };
  const path = join(scratchDir, `${number}.ndjson`);
  await writeFile(path, split.lines);
  return { ok: true, source, number, kind: split.kind, path, events: split.events, bytes: split.lines.length };
}

type SplitFile =
  | { ok: true; kind: DocumentKind; lines: Buffer; events: number }
  | { ok: false; source: string; problem: string };

async function readAndSplit(source: string): Promise<SplitFile> {
  let doc: Buffer;
  try {
    doc = await readFile(source);
  } catch (error) {
    return { ok: false, source, problem: `cannot read it (${messageOf(error)})` };
  }
  if (doc.length === 0) return { ok: false, source, problem: 'the file is empty (0 bytes): CloudTrail never delivers one; it may still be being written' };
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
  return { ok: true, kind: split.kind, lines: split.lines, events: split.events };
}

/** By content, not name: a `.json` file may be gzipped and a `.json.gz` may not be. */
function isGzip(doc: Buffer): boolean {
  return doc.length >= 2 && doc[0] === 0x1f && doc[1] === 0x8b;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
