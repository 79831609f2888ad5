/**
 * IP addresses and CIDR ranges, with one definition shared by the SQL dialects and the
 * in-memory evaluator.
 *
 * CloudTrail's sourceIPAddress holds IPv4 and IPv6 addresses but also service names
 * (`s3.amazonaws.com`) and `AWS Internal`. `in_cidr` / `not_in_cidr` only ever match values
 * that are IP addresses, so both need an exact "is this an address" test and an exact range
 * test on every engine. DuckDB runs here without extensions (no `inet`), and the two Trino
 * engines' `IPADDRESS` casts accept forms this code does not (IPv4-mapped and dotted-tail
 * IPv6, zone ids) and would match them differently. So every engine uses the same scheme:
 *
 * 1. An address is recognised by a strict pattern: dotted-quad IPv4 without leading zeros,
 *    or IPv6 in hexadecimal groups with optional `::` (case-insensitive). Forms with an
 *    embedded IPv4 tail (`::ffff:1.2.3.4`) and zone ids (`fe80::1%eth0`) are not addresses
 *    here; CloudTrail writes neither for sourceIPAddress.
 * 2. An address becomes a fixed-width, order-preserving key: IPv4 octets zero-padded to
 *    three digits (`010.000.000.001`), IPv6 expanded to 32 lower-case hex digits.
 * 3. A CIDR becomes the keys of its first and last address, so membership is
 *    `key BETWEEN low AND high`: exact for any prefix length, with no expansion into patterns.
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 'v4' | 'v6';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const HEXTET = '[0-9A-Fa-f]{1,4}';

/**
 * The bodies of the address patterns, without anchors (each dialect anchors them its own
 * way). They contain no quote, backslash or `?`, so they can sit in SQL text as literals
 * and never look like an Athena placeholder.
 */
export const IPV4_PATTERN_BODY = `(${OCTET}[.]){3}${OCTET}`;
export const IPV6_PATTERN_BODY = [
  `(${HEXTET}:){7}${HEXTET}`,
  `(${HEXTET}:){1,7}:`,
  `(${HEXTET}:){1,6}:${HEXTET}`,
  `(${HEXTET}:){1,5}(:${HEXTET}){1,2}`,
  `(${HEXTET}:){1,4}(:${HEXTET}){1,3}`,
  `(${HEXTET}:){1,3}(:${HEXTET}){1,4}`,
  `(${HEXTET}:){1,2}(:${HEXTET}){1,5}`,
  `${HEXTET}:(:${HEXTET}){1,6}`,
  `:((:${HEXTET}){1,7}|:)`,
].join('|');

const IPV4_RE = new RegExp(`^(${IPV4_PATTERN_BODY})$`);
const IPV6_RE = new RegExp(`^(${IPV6_PATTERN_BODY})$`);

/** Which family a value's text is, or null if it is not an address in the sense above. */
export function ipFamily(value: string): IpFamily | null {
  if (IPV4_RE.test(value)) return 'v4';
  if (IPV6_RE.test(value)) return 'v6';
  return null;
}

/** `10.0.0.1` → `010.000.000.001`. Only for values ipFamily() calls v4. */
export function ipv4Key(address: string): string {
  return address
    .split('.')
    .map((o) => o.padStart(3, '0'))
    .join('.');
}

/**
 * `2001:DB8::1` → `20010db8000000000000000000000001`. Only for values ipFamily() calls v6.
 * The steps are the ones the SQL dialects spell out: count the groups the `::` stands for,
 * expand it to that many zero groups, drop empty pieces, pad each group to four digits.
 */
export function ipv6Key(address: string): string {
  const lower = address.toLowerCase();
  const colons = lower.length - lower.replaceAll(':', '').length;
  const zeroGroups = 8 - colons + (lower.startsWith(':') ? 1 : 0) + (lower.endsWith(':') ? 1 : 0);
  const zeros = '0:0:0:0:0:0:0:0'.slice(0, Math.max(2 * zeroGroups - 1, 0));
  return lower
    .replace('::', `:${zeros}:`)
    .split(':')
    .filter((g) => g !== '')
    .map((g) => g.padStart(4, '0'))
    .join('');
}

/** The comparable key of an address, or null if the value is not an address. */
export function ipKey(value: string): { family: IpFamily; key: string } | null {
  const family = ipFamily(value);
  if (family === 'v4') return { family, key: ipv4Key(value) };
  if (family === 'v6') return { family, key: ipv6Key(value) };
  return null;
}

export interface CidrRange {
  /** The network it is, e.g. `10.0.0.0/8` (for `10.1.2.3/8` too). */
  text: string;
  family: IpFamily;
  /** Key of the first address of the range. */
  low: string;
  /** Key of the last address of the range. */
  high: string;
}

function keyFromBigInt(family: IpFamily, n: bigint): string {
  if (family === 'v4') {
    const octets = [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n).padStart(3, '0'));
    return octets.join('.');
  }
  return n.toString(16).padStart(32, '0');
}

function addressToBigInt(family: IpFamily, address: string): bigint {
  const bytes = ipaddr.parse(address).toByteArray();
  const width = family === 'v4' ? 4 : 16;
  if (bytes.length !== width) throw new Error(`unexpected address width for ${address}`);
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;
const MAPPED_V4 = new RegExp(`^::ffff:(${IPV4_PATTERN_BODY})$`, 'i');

/** An address given as input (a parameter, a CIDR's base, a CEL argument), parsed once. */
export interface IpAddress {
  family: IpFamily;
  /** The canonical text: IPv4 dotted, IPv6 lower-case and compressed (`2001:db8::1`). */
  text: string;
}

/**
 * The one parser of IP addresses given as input: the strict forms of ipFamily() (no `127.1`,
 * octal `010.0.0.1`, hex or zone ids, which CloudTrail never records and which would let one
 * address hide as another), plus `::ffff:a.b.c.d`, read as the IPv4 address it maps.
 */
export function parseIp(text: string): IpAddress | undefined {
  const mapped = MAPPED_V4.exec(text)?.[1];
  const address = mapped ?? text;
  const family = ipFamily(address);
  if (!family) return undefined;
  return { family, text: ipaddr.parse(address).toString() };
}

/**
 * The one parser of CIDR ranges: `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a
 * one-address range). Host bits below the prefix are dropped, as network tools do, so
 * `10.1.2.3/8` is `10.0.0.0/8`. Returns undefined for anything else.
 */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const { family } = address;
  const bits = family === 'v4' ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!PREFIX.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  const value = addressToBigInt(family, address.text);
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const low = value & ~hostMask;
  const high = low | hostMask;
  const network = family === 'v4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address.text}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address.text}/${prefix}`);
  return { text: `${network.toString()}/${prefix}`, family, low: keyFromBigInt(family, low), high: keyFromBigInt(family, high) };
}

/** Whether an input address lies in a range parsed by parseCidr. */
export function addressInRange(address: IpAddress, range: CidrRange): boolean {
  if (address.family !== range.family) return false;
  const key = address.family === 'v4' ? ipv4Key(address.text) : ipv6Key(address.text);
  return key >= range.low && key <= range.high;
}

/** Whether a field value lies in one of the ranges (false for values that are not addresses). */
export function inAnyCidr(value: string, ranges: readonly CidrRange[]): boolean {
  const k = ipKey(value);
  if (!k) return false;
  return ranges.some((r) => r.family === k.family && k.key >= r.low && k.key <= r.high);
}
