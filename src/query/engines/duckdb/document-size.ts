/**
 * What DuckDB needs to know of a log file before reading it whole: whether it is gzipped (by
 * content: a `.json` may be gzipped and a `.json.gz` may not be) and how big its JSON document
 * is, since DuckDB reads a document only up to `maximum_object_size`. A gzip file ends with its
 * uncompressed size (modulo 4 GiB, of its last member): a hint, which is enough, since a
 * document DuckDB cannot read whole is read the careful way instead (careful.ts).
 */
import { open } from 'node:fs/promises';

export interface DocumentInfo {
  gzip: boolean;
  /** Bytes of JSON, as far as can be told without reading it. */
  bytes: number;
  /**
   * A gzip file whose trailer cannot be its own: cut off near its end. DuckDB's reader does
   * not check the trailer, so such a file is read the careful way, which names it.
   */
  suspect?: boolean;
}

/** Deflate shrinks at most about 1032 to 1; stored blocks grow by 5 bytes per 64 KiB. */
const MAX_RATIO = 1032;

/**
 * Whether a gzip file of `size` bytes may hold `declared` bytes (its trailer's ISIZE, modulo
 * 4 GiB). Past 4 MiB any value may be a wrapped size, so only smaller files are judged.
 */
function plausibleSize(size: number, declared: number): boolean {
  if (size * MAX_RATIO >= 2 ** 32) return true;
  const overhead = 18 + 5 * Math.ceil(declared / 65_535 + 1);
  return declared + overhead >= size && declared <= size * MAX_RATIO;
}

export async function documentInfo(path: string): Promise<DocumentInfo> {
  let file;
  try {
    file = await open(path, 'r');
    const { size } = await file.stat();
    const head = Buffer.alloc(2);
    await file.read(head, 0, 2, 0);
    const gzip = size >= 18 && head[0] === 0x1f && head[1] === 0x8b;
    if (!gzip) return { gzip, bytes: size };
    const tail = Buffer.alloc(4);
    await file.read(tail, 0, 4, size - 4);
    const bytes = tail.readUInt32LE(0);
    return plausibleSize(size, bytes) ? { gzip, bytes } : { gzip, bytes, suspect: true };
  } catch {
    // Unreadable: DuckDB will fail on it, and the careful read will say why.
    return { gzip: false, bytes: 0 };
  } finally {
    await file?.close();
  }
}
