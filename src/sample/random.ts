/**
 * A seeded pseudo-random source. The generator must produce byte-identical trees for the
 * same options, so nothing here reads the clock or Math.random: every draw comes from
 * one sfc32 state seeded from a string.
 */
import { createHash } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Any string seeds a stream; different labels give independent streams. */
  constructor(seed: string) {
    const h = createHash('sha256').update(seed).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    // sfc32: small, fast, and good enough for synthetic traffic.
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Pick by weight; weights need not sum to 1. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T {
    let total = 0;
    for (const it of items) total += weightOf(it);
    let r = this.next() * total;
    for (const it of items) {
      r -= weightOf(it);
      if (r < 0) return it;
    }
    return items[items.length - 1] as T;
  }

  private chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  hex(n: number): string {
    return this.chars(HEX, n);
  }

  upperAlnum(n: number): string {
    return this.chars(UPPER_ALNUM, n);
  }

  mixedAlnum(n: number): string {
    return this.chars(MIXED_ALNUM, n);
  }

  /** An RFC 4122 version-4 UUID, as CloudTrail uses for eventID and most requestIDs. */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[Math.floor(this.next() * 4)] as string;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

/**
 * A stable identifier derived from a name, for things that must not change between runs
 * of different sizes: principal ids, access key ids, snapshot ids. Upper-case letters
 * and digits, like IAM's unique ids.
 */
export function stableId(prefix: string, name: string, length: number): string {
  const digest = createHash('sha256').update(name).digest();
  let s = '';
  for (let i = 0; s.length < length; i++) {
    s += UPPER_ALNUM[(digest[i % digest.length] as number) % UPPER_ALNUM.length];
  }
  return prefix + s;
}

/** Lower-case hex derived from a name (resource ids such as sg-…, snap-…). */
export function stableHex(name: string, length: number): string {
  return createHash('sha256').update(name).digest('hex').slice(0, length);
}
