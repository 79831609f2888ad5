/**
 * Turn one log file's bytes into what DuckDB reads fastest: its events one per line
 * (newline-delimited JSON), optionally only the lines that can matter to the run
 * (line-filter.ts). Pure and synchronous: it runs in the staging threads (stage-worker.ts),
 * or on the main thread for a handful of files.
 *
 * Two ways to find the events:
 *
 * - the quick way, for a file as CloudTrail writes it (`{"Records":[{"eventVersion":…},…]}` on
 *   one line): every `},{"eventVersion":` is the boundary between two events, found by the
 *   native substring search, and its comma becomes a newline. The sequence cannot occur inside
 *   a JSON string (its quote would end the string); where it occurs nested inside an event,
 *   the cut leaves two lines that are not JSON objects, DuckDB refuses them, and the file is
 *   staged again the thorough way (read-staged.ts): a wrong cut is never read as events;
 * - the thorough way (split.ts): a walk over every byte that tracks strings and nesting, for
 *   any other shape (pretty-printed, other member order, lookup-events output) and to name
 *   what is wrong with a file that is not CloudTrail.
 */
import { gunzipSync } from 'node:zlib';
import { filterLines, type LineFilter, type LineVerdicts } from './line-filter.js';
import { splitEventArray, type DocumentKind } from './split.js';

export type StagedDocument =
  | {
      ok: true;
      kind: DocumentKind;
      /** The lines to hand DuckDB, each ending in a newline; empty when none is kept. */
      pieces: Buffer[];
      /** Bytes of the pieces. */
      bytes: number;
      /** Events in the file. */
      events: number;
      /** Events staged (all of them without a filter). */
      kept: number;
      /** The quick way found the events: a file DuckDB refuses is staged again the thorough way. */
      quick: boolean;
      /** What the filter saw of the lines it left out (line-filter.ts); absent without a filter. */
      verdicts?: LineVerdicts;
    }
  /** `problem` completes the sentence "skipped <file>: ...". */
  | { ok: false; problem: string };

export interface StageOptions {
  filter?: LineFilter | null;
  /** Skip the quick way (the file was refused after it). */
  thorough?: boolean;
}

/** A file's bytes as read from disk: gunzipped by content, split, filtered. */
export function stageBytes(raw: Buffer, options: StageOptions = {}): StagedDocument {
  if (raw.length === 0) return { ok: false, problem: 'the file is empty (0 bytes): CloudTrail never delivers one; it may still be being written' };
  let doc = raw;
  if (isGzip(raw)) {
    try {
      doc = gunzipSync(raw, { chunkSize: gunzipChunkSize(raw) });
    } catch (error) {
      return { ok: false, problem: `not a complete gzip file (${messageOf(error)})` };
    }
  }
  return stageDocument(doc, options);
}

/** A JSON document (mutated in place: separators become newlines). */
export function stageDocument(doc: Buffer, options: StageOptions = {}): StagedDocument {
  const quick = options.thorough ? null : quickSplit(doc);
  if (quick) return finish('records', doc, quick, true, options.filter);
  const split = splitEventArray(doc);
  if (split.kind === 'not-cloudtrail') return { ok: false, problem: `not CloudTrail: ${split.reason}` };
  if (split.kind === 'malformed') return { ok: false, problem: `not valid JSON: ${split.reason}` };
  // The walk hands back the lines as one buffer; their starts are after each newline.
  const starts: number[] = [];
  const { lines } = split;
  if (split.events > 0) {
    starts.push(0);
    for (let i = lines.indexOf(NEWLINE); i >= 0 && i < lines.length - 1; i = lines.indexOf(NEWLINE, i + 1)) starts.push(i + 1);
  }
  // lookup-events lines carry each event as an escaped string: never filtered.
  const filter = split.kind === 'records' ? options.filter : null;
  return finish(split.kind, lines, { starts, end: lines.length }, false, filter);
}

/** Where each line starts, and where the last one ends (its newline included). */
interface Lines {
  starts: number[];
  end: number;
}

function finish(kind: DocumentKind, buffer: Buffer, lines: Lines, quick: boolean, filter: LineFilter | null | undefined): StagedDocument {
  const events = lines.starts.length;
  if (events === 0) return { ok: true, kind, pieces: [], bytes: 0, events: 0, kept: 0, quick };
  if (!filter) {
    const whole = buffer.subarray(lines.starts[0]!, lines.end);
    return { ok: true, kind, pieces: [whole], bytes: whole.length, events, kept: events, quick };
  }
  const { keep, verdicts } = filterLines(buffer, lines.starts, lines.end, filter);
  // Neighbouring kept lines travel as one piece.
  const pieces: Buffer[] = [];
  let bytes = 0;
  let kept = 0;
  let from = -1;
  for (let i = 0; i <= events; i++) {
    const keepThis = i < events && keep[i] === 1;
    if (keepThis) kept++;
    if (keepThis && from < 0) from = lines.starts[i]!;
    if (!keepThis && from >= 0) {
      const piece = buffer.subarray(from, i < events ? lines.starts[i]! : lines.end);
      pieces.push(piece);
      bytes += piece.length;
      from = -1;
    }
  }
  return { ok: true, kind, pieces, bytes, events, kept, quick, verdicts };
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const HEAD = /^[ \t\r\n]*\{[ \t\r\n]*"Records"[ \t\r\n]*:[ \t\r\n]*\[[ \t\r\n]*/;

/**
 * The quick way, or null when the document is not shaped for it: `{"Records":[` first, `]}`
 * last, no line break inside, every event starting with the same member.
 */
function quickSplit(doc: Buffer): Lines | null {
  const from = doc[0] === 0xef && doc[1] === 0xbb && doc[2] === 0xbf ? 3 : 0;
  const head = HEAD.exec(doc.toString('latin1', from, Math.min(doc.length, from + 64)));
  if (!head) return null;
  const first = from + head[0].length;
  // The closing `]}` (and nothing but space after it).
  let close = doc.length - 1;
  while (close > first && isSpace(doc[close]!)) close--;
  if (doc[close] !== 0x7d) return null;
  close--;
  while (close > first && isSpace(doc[close]!)) close--;
  if (doc[close] !== 0x5d) return null;
  if (close === first) return { starts: [], end: first };
  // Events on one line: a line break inside would be read as a boundary by nobody.
  const newline = doc.indexOf(NEWLINE, first);
  if ((newline >= 0 && newline < close) || (doc.indexOf(RETURN, first) >= 0 && doc.indexOf(RETURN, first) < close)) return null;
  if (doc[first] !== 0x7b || doc[first + 1] !== 0x22) return null;
  const keyEnd = doc.indexOf(0x22, first + 2);
  if (keyEnd < 0 || keyEnd - first > 64 || doc.subarray(first + 2, keyEnd).includes(0x5c)) return null;
  // Walk back over the last event's closing brace: the array's `]` becomes its newline.
  let lastBrace = close - 1;
  while (lastBrace > first && isSpace(doc[lastBrace]!)) lastBrace--;
  if (doc[lastBrace] !== 0x7d) return null;
  const separator = Buffer.concat([Buffer.from('},'), doc.subarray(first, keyEnd + 1), Buffer.from(':')]);
  const starts = [first];
  for (let at = doc.indexOf(separator, first); at >= 0 && at < close; at = doc.indexOf(separator, at + 2)) {
    doc[at + 1] = NEWLINE;
    starts.push(at + 2);
  }
  doc[close] = NEWLINE;
  return { starts, end: close + 1 };
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === NEWLINE || b === RETURN || b === 0x09;
}

/** By content, not name: a `.json` file may be gzipped and a `.json.gz` may not be. */
export function isGzip(doc: Buffer): boolean {
  return doc.length >= 2 && doc[0] === 0x1f && doc[1] === 0x8b;
}

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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
