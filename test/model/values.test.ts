/** The one parser of each kind of value (src/model/values/): what each accepts, how it normalizes, what it refuses. */
import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID, ACCOUNT_ID, ARN, REGION } from '../../src/model/values/aws-ids.js';
import { parseDuration } from '../../src/model/values/duration.js';
import { addressInRange, parseCidr, parseIp } from '../../src/model/values/ip.js';
import { parseIsoTime, readIsoTime } from '../../src/model/values/time.js';

describe('ISO times', () => {
  it.each([
    ['2026-11-01T10:00:00Z', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T10:00Z', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T12:00:00.250+02:00', '2026-11-01T10:00:00.250Z'],
    ['2026-11-01T12:00:00+0200', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01 10:00:00Z', '2026-11-01T10:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseIsoTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['2026-11-01', '2026-11-01T10:00:00', '2026-02-30T10:00:00Z', '2026-11-01T24:00:00Z', '2026-11-01T10:00:00+25:00', 'yesterday', ''])(
    'refuses %j (no zone, out of range, or not a time)',
    (text) => {
      expect(parseIsoTime(text)).toBeUndefined();
    },
  );
});

describe('times outside CloudTrail\'s life', () => {
  const now = new Date('2026-11-02T12:00:00Z');

  it('refuses a time before 2013, saying so', () => {
    expect(readIsoTime('0999-06-01T00:00:00Z', now)).toEqual({ problem: 'is before 2013, when CloudTrail began recording: no event is that old', malformed: false });
    expect(parseIsoTime('2012-12-31T23:59:59Z', now)).toBeUndefined();
    expect(parseIsoTime('2013-01-01T00:00:00Z', now)?.toISOString()).toBe('2013-01-01T00:00:00.000Z');
  });

  it('refuses a time more than a day after now, saying so', () => {
    expect(readIsoTime('2026-11-03T12:00:01Z', now)).toEqual({
      problem: 'is more than a day in the future (after 2026-11-03T12:00:00.000Z): no event is recorded yet',
      malformed: false,
    });
    expect(parseIsoTime('2026-11-03T12:00:00Z', now)?.toISOString()).toBe('2026-11-03T12:00:00.000Z');
  });

  it('measures "ahead" against the wall clock unless told otherwise', () => {
    const twoDaysAhead = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect(readIsoTime(twoDaysAhead)).toMatchObject({ malformed: false });
  });

  it('tells a malformed time from one out of range', () => {
    expect(readIsoTime('yesterday', now)).toEqual({ problem: 'is not a time', malformed: true });
  });
});

describe('durations', () => {
  it('adds up units and refuses anything else', () => {
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('1w')).toBe(7 * 86_400_000);
    for (const text of ['24', '1.5h', '-1h', '1y', '']) expect(parseDuration(text)).toBeUndefined();
  });
});

describe('IP addresses and CIDRs', () => {
  it('reads addresses in their plain forms, canonically, and an IPv4-mapped one as the IPv4 address', () => {
    expect(parseIp('203.0.113.7')).toEqual({ family: 'v4', text: '203.0.113.7' });
    expect(parseIp('2001:DB8:0:0::1')).toEqual({ family: 'v6', text: '2001:db8::1' });
    expect(parseIp('::ffff:10.0.0.9')).toEqual({ family: 'v4', text: '10.0.0.9' });
  });

  it.each(['127.1', '010.0.0.1', '0x7f.0.0.1', 'fe80::1%eth0', '1::2::3', '10.0.0.1 ', 's3.amazonaws.com'])('refuses %j, which would let one address hide as another', (text) => {
    expect(parseIp(text)).toBeUndefined();
    expect(parseCidr(`${text}/8`)).toBeUndefined();
  });

  it('names a range by its network, whatever host bits were written, and a bare address as one host', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ text: '10.0.0.0/8', family: 'v4', low: '010.000.000.000', high: '010.255.255.255' });
    expect(parseCidr('192.168.0.1')?.text).toBe('192.168.0.1/32');
    expect(parseCidr('2001:db8::7/32')?.text).toBe('2001:db8::/32');
    for (const text of ['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', '2001:db8::/129']) expect(parseCidr(text)).toBeUndefined();
  });

  it('tells whether an address lies in a range, never across families', () => {
    const range = parseCidr('10.0.0.0/8')!;
    expect(addressInRange(parseIp('10.255.0.1')!, range)).toBe(true);
    expect(addressInRange(parseIp('11.0.0.1')!, range)).toBe(false);
    expect(addressInRange(parseIp('::a00:1')!, range)).toBe(false);
  });
});

describe('AWS identifiers', () => {
  it('match whole values only', () => {
    expect(ACCOUNT_ID.test('123456789012')).toBe(true);
    expect(ACCOUNT_ID.test('1234567890123')).toBe(false);
    expect(ACCESS_KEY_ID.test('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(ACCESS_KEY_ID.test('AKIAIOSFODNN7EXAMPLE1')).toBe(false);
    expect(REGION.test('us-gov-west-1')).toBe(true);
    expect(REGION.test('us-east-1; drop table')).toBe(false);
    expect(ARN.test('arn:aws:iam::123456789012:user/alice')).toBe(true);
    expect(ARN.test("arn:aws:iam::123456789012:user/a'b")).toBe(false);
  });
});
