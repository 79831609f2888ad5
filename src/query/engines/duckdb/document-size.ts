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
    return { gzip, bytes: tail.readUInt32LE(0) };
  } catch {
    // Unreadable: DuckDB will fail on it, and the careful read will say why.
    return { gzip: false, bytes: 0 };
  } finally {
    await file?.close();
  }
}
