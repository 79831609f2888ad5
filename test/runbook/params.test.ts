import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { checkResolvedParams, ParamError, parseKeyValues, resolveParams, type ParamsRunbook } from '../../src/runbook/params.js';
import { paramSchema } from '../../src/runbook/schema.js';

const NOW = new Date('2026-11-02T12:00:00Z');

function runbook(params: Record<string, z.input<typeof paramSchema>>, windowDefault = '24h'): ParamsRunbook {
  return {
    id: 'root-activity',
    window: { default: windowDefault },
    params: Object.fromEntries(Object.entries(params).map(([name, spec]) => [name, paramSchema.parse(spec)])),
  };
}

function resolve(rb: ParamsRunbook, input: Record<string, string>) {
  return resolveParams(rb, input, { now: NOW });
}

/** The messages of the ParamError that resolving throws. */
function problems(rb: ParamsRunbook, input: Record<string, string>): string[] {
  try {
    resolve(rb, input);
  } catch (e) {
    expect(e).toBeInstanceOf(ParamError);
    return (e as ParamError).problems.map((p) => p.message);
  }
  throw new Error('expected the parameters to be refused');
}

function accepts(type: z.input<typeof paramSchema>['type'], text: string, extra: object = {}) {
  return resolve(runbook({ p: { type, ...extra } }), { p: text }).params.p;
}

function refuses(type: z.input<typeof paramSchema>['type'], text: string, extra: object = {}) {
  return problems(runbook({ p: { type, ...extra } }), { p: text });
}

describe('parseKeyValues', () => {
  it('reads name=value tokens, keeping "=" inside values', () => {
    expect(parseKeyValues(['user=alice', 'cidrs=10.0.0.0/8,192.168.0.0/16', 'filter=a=b'])).toEqual({
      user: 'alice',
      cidrs: '10.0.0.0/8,192.168.0.0/16',
      filter: 'a=b',
    });
  });

  it('refuses a token without "=", an empty name and a repeated name, all in one error', () => {
    try {
      parseKeyValues(['alice', '=bob', 'user=a', 'user=b']);
      expect.unreachable();
    } catch (e) {
      expect((e as ParamError).problems.map((p) => p.message)).toEqual([
        '"alice" is not name=value (e.g. since=24h or --since 24h)',
        '"=bob" has no parameter name before "=" (e.g. since=24h)',
        'user: given more than once (for several values, separate them with commas: user=a,b)',
      ]);
    }
  });
});

describe('parameter types', () => {
  it.each([
    ['duration', '30m', '30m'],
    ['duration', '1h30m', '1h30m'],
    ['duration', '1w', '1w'],
    ['time', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00.000Z'],
    ['time', '2026-11-01T10:00:00.250+02:00', '2026-11-01T08:00:00.250Z'],
    ['time', '2026-11-01T10:00Z', '2026-11-01T10:00:00.000Z'],
    ['time', '2h', '2026-11-02T10:00:00.000Z'],
    ['account', '123456789012', '123456789012'],
    ['region', 'us-east-1', 'us-east-1'],
    ['region', 'eu-central-2', 'eu-central-2'],
    ['region', 'us-gov-west-1', 'us-gov-west-1'],
    ['region', 'cn-north-1', 'cn-north-1'],
    ['region', 'ap-southeast-5', 'ap-southeast-5'],
    ['arn', 'arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:user/alice'],
    ['arn', 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'],
    ['arn', 'arn:aws:s3:::my-bucket/logs/*', 'arn:aws:s3:::my-bucket/logs/*'],
    ['arn', 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn', 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn'],
    ['access_key_id', 'AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['access_key_id', 'ASIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE'],
    ['iam_user', 'alice', 'alice'],
    ['iam_user', 'svc+deploy=ci,eu.team@corp_1-a', 'svc+deploy=ci,eu.team@corp_1-a'],
    ['ip', '203.0.113.7', '203.0.113.7'],
    ['ip', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['cidr', '10.1.2.3/8', '10.0.0.0/8'],
    ['cidr', '2001:db8::1/32', '2001:db8::/32'],
    ['cidr', '198.51.100.4', '198.51.100.4/32'],
    ['string', 'Invoke Function', 'Invoke Function'],
  ] as const)('%s accepts %s', (type, text, expected) => {
    expect(accepts(type, text)).toBe(expected);
  });

  it.each([
    ['duration', '24'],
    ['duration', '1.5h'],
    ['duration', '1y'],
    ['duration', '-1h'],
    ['time', '2026-11-01T10:00:00'],
    ['time', '2026-11-01'],
    ['time', '2026-02-30T10:00:00Z'],
    ['time', '2026-11-01T24:00:00Z'],
    ['time', 'yesterday'],
    ['account', '12345678901'],
    ['account', '1234567890123'],
    ['account', '12345678901a'],
    ['region', 'us-east'],
    ['region', 'US-EAST-1'],
    ['region', 'us-middle-1'],
    ['region', 'us-east-1; drop table'],
    ['arn', 'arn:aws:iam::1234:user/alice'],
    ['arn', 'arn:aws:iam::123456789012:user/al ice'],
    ["arn", "arn:aws:iam::123456789012:user/a'b"],
    ['arn', 'user/alice'],
    ['access_key_id', 'AKIA123'],
    ['access_key_id', 'AKIAIOSFODNN7EXAMPLEX'],
    ['access_key_id', 'akiaiosfodnn7example'],
    ['access_key_id', 'ABIAIOSFODNN7EXAMPLE'],
    ['iam_user', 'a'.repeat(65)],
    ['iam_user', "alice' OR 1=1"],
    ['iam_user', 'alice bob'],
    ['ip', '010.0.0.1'],
    ['ip', '127.1'],
    ['ip', '1.2.3.256'],
    ['ip', 'fe80::1%eth0'],
    ['ip', 'ec2.amazonaws.com'],
    ['cidr', '10.0.0.0/33'],
    ['cidr', '10.0.0.0/08'],
    ['cidr', '2001:db8::/129'],
    ['cidr', '10.0.0.0/'],
    ['string', 'a'.repeat(257)],
    ['string', 'line\nbreak'],
  ] as const)('%s refuses %j', (type, text) => {
    expect(refuses(type, text)).toHaveLength(1);
  });

  it('explains an access key id the way a responder reads it', () => {
    const rb = runbook({ access_key_id: { type: 'access_key_id' } });
    expect(problems(rb, { access_key_id: 'AKIA123' })).toEqual([
      'access_key_id: "AKIA123" is not an access key id (expected 20 characters starting with AKIA or ASIA, e.g. AKIAIOSFODNN7EXAMPLE)',
    ]);
  });

  it('names the expected form of each refused type', () => {
    expect(refuses('cidr', '10.0.0.0/33')).toEqual([
      'p: "10.0.0.0/33" is not a CIDR block (expected an IPv4 or IPv6 network such as 10.0.0.0/8 or 2001:db8::/32)',
    ]);
    expect(refuses('account', '1234')).toEqual(['p: "1234" is not an AWS account id (expected 12 digits, e.g. 123456789012)']);
    expect(refuses('string', 'x\u0000')).toEqual([
      'p: "x\\u0000" contains a control character (expected text of at most 256 characters without control characters)',
    ]);
  });

  it('enum takes only its values and lists them', () => {
    expect(accepts('enum', 'high', { values: ['low', 'high'] })).toBe('high');
    expect(refuses('enum', 'HIGH', { values: ['low', 'high'] })).toEqual([
      'p: "HIGH" is not an allowed value (expected one of low, high)',
    ]);
  });

  it('string pattern must match the whole value', () => {
    const spec = { pattern: '[a-z]+-\\d+' };
    expect(accepts('string', 'build-42', spec)).toBe('build-42');
    expect(refuses('string', 'xbuild-42; rm', spec)).toEqual([
      'p: "xbuild-42; rm" does not match [a-z]+-\\d+ (expected text matching [a-z]+-\\d+)',
    ]);
  });

  it('an empty value is refused with the expected form', () => {
    expect(refuses('iam_user', '')).toEqual(['p: value is empty (expected 1 to 64 letters, digits or + = , . @ _ -, e.g. alice)']);
  });
});

describe('lists', () => {
  const rb = runbook({ cidrs: { type: 'cidr', list: true } });

  it('splits on commas, trims, normalizes and drops duplicates', () => {
    expect(resolve(rb, { cidrs: '10.1.2.3/16, 10.1.0.0/16,192.168.0.0/16' }).params.cidrs).toEqual([
      '10.1.0.0/16',
      '192.168.0.0/16',
    ]);
  });

  it('reports every bad item', () => {
    expect(problems(rb, { cidrs: '10.0.0.0/8,nope,,1.2.3.4/40' })).toEqual([
      'cidrs: "nope" is not a CIDR block (expected an IPv4 or IPv6 network such as 10.0.0.0/8 or 2001:db8::/32; several separated by commas)',
      'cidrs: value is empty (expected an IPv4 or IPv6 network such as 10.0.0.0/8 or 2001:db8::/32; several separated by commas)',
      'cidrs: "1.2.3.4/40" is not a CIDR block (expected an IPv4 or IPv6 network such as 10.0.0.0/8 or 2001:db8::/32; several separated by commas)',
    ]);
  });

  it('a value without commas is a list of one', () => {
    expect(resolve(rb, { cidrs: '10.0.0.0/8' }).params.cidrs).toEqual(['10.0.0.0/8']);
  });
});

describe('defaults', () => {
  it('apply when absent, and given values win', () => {
    const rb = runbook({
      trusted: { type: 'cidr', list: true, default: ['10.0.0.0/8', '192.168.1.7'] },
      account: { type: 'account', default: 123456789012 },
      level: { type: 'enum', values: ['low', 'high'], default: 'low' },
      user: { type: 'iam_user' },
    });
    expect(resolve(rb, {}).params).toEqual({
      trusted: ['10.0.0.0/8', '192.168.1.7/32'],
      account: '123456789012',
      level: 'low',
    });
    expect(resolve(rb, { level: 'high', user: 'bob' }).params).toMatchObject({ level: 'high', user: 'bob' });
  });

  it('a comma-separated default string fills a list', () => {
    const rb = runbook({ users: { type: 'iam_user', list: true, default: 'alice,bob' } });
    expect(resolve(rb, {}).params.users).toEqual(['alice', 'bob']);
  });

  it('a default that does not fit its type is reported as the default', () => {
    const rb = runbook({ account: { type: 'account', default: 42 } });
    expect(problems(rb, {})).toEqual(['account: default "42" is not an AWS account id (expected 12 digits, e.g. 123456789012)']);
  });
});

describe('unknown and missing parameters', () => {
  const rb = runbook({ user: { type: 'iam_user', required: true }, cidrs: { type: 'cidr', list: true } });

  it('an unknown parameter suggests the closest known name', () => {
    expect(problems(rb, { user: 'alice', usr: 'bob' })).toEqual([
      'usr: not a parameter of root-activity (did you mean user? it takes user, cidrs, since, until)',
    ]);
    expect(problems(rb, { user: 'alice', snice: '2h' })[0]).toContain('did you mean since?');
  });

  it('a name far from every known one gets no guess', () => {
    expect(problems(rb, { user: 'alice', principal: 'bob' })).toEqual([
      'principal: not a parameter of root-activity (it takes user, cidrs, since, until)',
    ]);
  });

  it('a missing required parameter is named with its form', () => {
    expect(problems(rb, {})).toEqual(['user: required (expected 1 to 64 letters, digits or + = , . @ _ -, e.g. alice)']);
  });

  it('collects every problem into one error whose message lists them', () => {
    try {
      resolve(rb, { usr: 'bob', cidrs: 'x', since: 'soon' });
      expect.unreachable();
    } catch (e) {
      const err = e as ParamError;
      expect(err.problems.map((p) => p.param)).toEqual(['usr', 'user', 'cidrs', 'since']);
      expect(err.message.split('\n')[0]).toBe('root-activity: invalid parameters');
      expect(err.message).toContain('  - user: required');
    }
  });
});

describe('the time window', () => {
  const rb = runbook({}, '24h');
  const iso = (w: { start: Date; end: Date }) => ({ start: w.start.toISOString(), end: w.end.toISOString() });

  it('defaults to the runbook look-back, ending now', () => {
    expect(iso(resolve(rb, {}).window)).toEqual({ start: '2026-11-01T12:00:00.000Z', end: '2026-11-02T12:00:00.000Z' });
    expect(iso(resolve(runbook({}, '7d'), {}).window).start).toBe('2026-10-26T12:00:00.000Z');
  });

  it('since as a duration looks back from until', () => {
    expect(iso(resolve(rb, { since: '1h30m' }).window).start).toBe('2026-11-02T10:30:00.000Z');
    expect(iso(resolve(rb, { since: '2h', until: '2026-11-01T10:00:00Z' }).window)).toEqual({
      start: '2026-11-01T08:00:00.000Z',
      end: '2026-11-01T10:00:00.000Z',
    });
  });

  it('since and until as times', () => {
    expect(iso(resolve(rb, { since: '2026-10-31T00:00:00Z', until: '2026-11-01T00:00:00+01:00' }).window)).toEqual({
      start: '2026-10-31T00:00:00.000Z',
      end: '2026-10-31T23:00:00.000Z',
    });
  });

  it('until as a duration means that long ago', () => {
    expect(iso(resolve(rb, { until: '1d' }).window).end).toBe('2026-11-01T12:00:00.000Z');
  });

  it('refuses a window that does not start before it ends', () => {
    expect(problems(rb, { since: '2026-11-02T00:00:00Z', until: '2026-11-01T00:00:00Z' })).toEqual([
      'since: the window would start at 2026-11-02T00:00:00.000Z, not before until 2026-11-01T00:00:00.000Z (expected since earlier than until)',
    ]);
    expect(problems(rb, { since: '0h' })).toHaveLength(1);
  });

  it('refuses times CloudTrail cannot have recorded: before 2013, or more than a day ahead of the clock', () => {
    expect(problems(rb, { since: '0999-06-01T00:00:00Z' })).toEqual([
      'since: "0999-06-01T00:00:00Z" is before 2013, when CloudTrail began recording: no event is that old (expected a duration such as 24h or 7d, or an ISO 8601 time such as 2026-11-01T10:00:00Z)',
    ]);
    const ahead = new Date(Date.now() + 3 * 86_400_000).toISOString();
    expect(problems(rb, { until: ahead })[0]).toMatch(/^until: ".*" is more than a day in the future \(after .*\): no event is recorded yet/);
    expect(problems(runbook({ at: { type: 'time' } }), { at: '2010-01-01T00:00:00Z' })[0]).toMatch(/^at: "2010-01-01T00:00:00Z" is before 2013/);
  });

  it('refuses unreadable since and until', () => {
    expect(problems(rb, { since: 'last week' })).toEqual([
      'since: "last week" is not a duration or a time (expected a duration such as 24h or 7d, or an ISO 8601 time such as 2026-11-01T10:00:00Z)',
    ]);
    expect(problems(rb, { until: '2026-11-01 10:00' })[0]).toMatch(/^until: "2026-11-01 10:00" is not a time/);
    expect(problems(rb, { since: '99999d' })[0]).toContain('is longer than ten years');
  });

  it('since and until are not runbook parameters', () => {
    expect(resolve(rb, { since: '2h' }).params).toEqual({});
  });
});

describe('checking resolved parameters (the worker\'s guard on job data)', () => {
  const rb = runbook({
    trusted: { type: 'cidr', list: true, default: ['10.0.0.0/8'] },
    key: { type: 'access_key_id', required: true },
    at: { type: 'time' },
    name: { type: 'string', pattern: '[a-z]+' },
  });
  const resolved = resolve(rb, { key: 'AKIAIOSFODNN7EXAMPLE', at: '2h', trusted: '10.1.2.3/16,192.168.0.1', since: '6h' });
  const asJob = { params: resolved.params, window: { start: resolved.window.start.toISOString(), end: resolved.window.end.toISOString() } };

  /** The messages of the ParamError the check throws. */
  function refused(job: typeof asJob): string[] {
    try {
      checkResolvedParams(rb, job);
    } catch (e) {
      expect(e).toBeInstanceOf(ParamError);
      return (e as ParamError).problems.map((p) => p.message);
    }
    throw new Error('expected the job data to be refused');
  }

  it('accepts what resolveParams made, however long ago (a time parameter is absolute)', () => {
    expect(() => checkResolvedParams(rb, asJob)).not.toThrow();
    expect(asJob.params).toEqual({ key: 'AKIAIOSFODNN7EXAMPLE', at: '2026-11-02T10:00:00.000Z', trusted: ['10.1.0.0/16', '192.168.0.1/32'] });
  });

  it('refuses a value that is not in its type\'s normal form, though the type would read it', () => {
    expect(refused({ ...asJob, params: { ...asJob.params, trusted: ['10.1.2.3/16'] } })).toEqual([
      expect.stringMatching(/^trusted: "10.1.2.3\/16" is not a CIDR block in its normal form/),
    ]);
    expect(refused({ ...asJob, params: { ...asJob.params, at: '2026-11-02T10:00:00Z' } })[0]).toMatch(/^at: .* is not a time in its normal form/);
  });

  it('refuses values a parameter\'s type refuses, an injection attempt included', () => {
    expect(refused({ ...asJob, params: { ...asJob.params, name: "x' OR '1'='1" } })[0]).toMatch(/^name: .* is not an accepted text in its normal form/);
    expect(refused({ ...asJob, params: { ...asJob.params, key: 'AKIA; DROP TABLE' } })[0]).toMatch(/^key: /);
  });

  it('refuses unknown names, a list where one value goes (and the reverse), numbers, and a missing required value', () => {
    const { key: _key, ...withoutKey } = asJob.params;
    const found = refused({ ...asJob, params: { ...withoutKey, extra: 'x', at: ['2026-11-02T10:00:00.000Z'], trusted: '10.0.0.0/8', name: 5 } });
    expect(found).toHaveLength(5);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^extra: not a parameter of root-activity/),
      expect.stringMatching(/^at: not a value of this parameter's form/),
      expect.stringMatching(/^trusted: not a value of this parameter's form/),
      expect.stringMatching(/^name: not a value of this parameter's form/),
      expect.stringMatching(/^key: required/),
    ]));
  });

  it('refuses a window that is not one', () => {
    expect(refused({ ...asJob, window: { start: asJob.window.end, end: asJob.window.start } })[0]).toMatch(/^since\/until: .* is not a time window/);
    expect(refused({ ...asJob, window: { start: 'yesterday', end: asJob.window.end } })[0]).toMatch(/is not a time window/);
  });
});
