/**
 * One strict validator per parameter type. A value that passes is what reaches the query
 * compiler, so each validator matches the whole string against the type's exact form: this
 * is the first line of the injection defence, before values are bound as query parameters.
 */
import { ACCESS_KEY_ID, ACCOUNT_ID, ARN, IAM_USER_NAME, REGION } from '../model/values/aws-ids.js';
import { parseCidr, parseIp } from '../model/values/ip.js';
import type { ParamSpec, ParamType } from './schema.js';
import { MAX_DURATION_MS, parseDuration } from '../model/values/duration.js';
import { readIsoTime } from '../model/values/time.js';

/** Longest value a `string` parameter takes: enough for any CloudTrail field worth matching. */
export const MAX_STRING_LENGTH = 256;

/** The accepted, normalized value, or why it was refused (when "is not <noun>" is not enough). */
export type ParseOutcome = { value: string | number } | { refused: true; reason?: string };

export interface ParamTypeRule {
  /** What a value of this type is, for "… is not <noun>". */
  noun: string;
  /** The accepted form with an example, for "(expected …)". */
  expected(spec: ParamSpec): string;
  parse(text: string, spec: ParamSpec, now: Date): ParseOutcome;
}

const accept = (value: string | number): ParseOutcome => ({ value });
const refuse = (reason?: string): ParseOutcome => ({ refused: true, reason });
const matching = (pattern: RegExp) => (text: string) => (pattern.test(text) ? accept(text) : refuse());

// Control characters have no place in a search term and are how log-forging payloads start.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function parseDurationValue(text: string): ParseOutcome {
  const ms = parseDuration(text);
  if (ms === undefined) return refuse();
  if (ms > MAX_DURATION_MS) return refuse('is longer than ten years');
  return accept(text);
}

/** An ISO time, or a duration meaning "that long before now". */
function parseTimeValue(text: string, now: Date): ParseOutcome {
  const reading = readIsoTime(text);
  if ('time' in reading) return accept(reading.time.toISOString());
  if (!reading.malformed) return refuse(reading.problem);
  const ago = parseDuration(text);
  if (ago === undefined) return refuse();
  if (ago > MAX_DURATION_MS) return refuse('is longer ago than ten years');
  return accept(new Date(now.getTime() - ago).toISOString());
}

function parseStringValue(text: string, spec: ParamSpec): ParseOutcome {
  if (text.length > MAX_STRING_LENGTH) return refuse(`is longer than ${MAX_STRING_LENGTH} characters`);
  if (CONTROL_CHARACTER.test(text)) return refuse('contains a control character');
  // Anchored: a runbook's pattern describes the whole value, never a substring of it.
  if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(text)) {
    return refuse(`does not match ${spec.pattern}`);
  }
  return accept(text);
}

/**
 * A whole number in decimal digits (a sign allowed), within the parameter's `min` and `max`:
 * it reaches CEL as an int, so a threshold compares with counts without `int()`.
 */
function parseNumberValue(text: string, spec: ParamSpec): ParseOutcome {
  if (!/^[-+]?\d{1,16}$/.test(text)) return refuse();
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return refuse('is too large');
  if (spec.min !== undefined && n < spec.min) return refuse(`is less than ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) return refuse(`is more than ${spec.max}`);
  return accept(n === 0 ? 0 : n);
}

/** "a whole number from 1 to 24", "a whole number of at least 1", for messages. */
export function numberRange(spec: Pick<ParamSpec, 'min' | 'max'>): string {
  if (spec.min !== undefined && spec.max !== undefined) return `a whole number from ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return `a whole number of at least ${spec.min}`;
  if (spec.max !== undefined) return `a whole number of at most ${spec.max}`;
  return 'a whole number';
}

export const PARAM_TYPE_RULES: Record<ParamType, ParamTypeRule> = {
  duration: {
    noun: 'a duration',
    expected: () => 'a number and a unit s, m, h, d or w, e.g. 30m, 24h, 7d or 1h30m',
    parse: parseDurationValue,
  },
  time: {
    noun: 'a time',
    expected: () => 'an ISO 8601 time with a zone, e.g. 2026-11-01T10:00:00Z, or a duration ago such as 2h',
    parse: (text, _spec, now) => parseTimeValue(text, now),
  },
  enum: {
    noun: 'an allowed value',
    expected: (spec) => `one of ${(spec.values ?? []).join(', ')}`,
    parse: (text, spec) => ((spec.values ?? []).includes(text) ? accept(text) : refuse()),
  },
  account: {
    noun: 'an AWS account id',
    expected: () => '12 digits, e.g. 123456789012',
    parse: matching(ACCOUNT_ID),
  },
  region: {
    noun: 'an AWS region',
    expected: () => 'a region name such as us-east-1, eu-central-2 or us-gov-west-1',
    parse: matching(REGION),
  },
  arn: {
    noun: 'an ARN',
    expected: () => 'arn:<partition>:<service>:<region>:<account>:<resource>, e.g. arn:aws:iam::123456789012:user/alice',
    parse: matching(ARN),
  },
  access_key_id: {
    noun: 'an access key id',
    expected: () => '20 characters starting with AKIA or ASIA, e.g. AKIAIOSFODNN7EXAMPLE',
    parse: matching(ACCESS_KEY_ID),
  },
  iam_user: {
    noun: 'an IAM user name',
    expected: () => '1 to 64 letters, digits or + = , . @ _ -, e.g. alice',
    parse: matching(IAM_USER_NAME),
  },
  ip: {
    noun: 'an IP address',
    expected: () => 'an IPv4 or IPv6 address, e.g. 203.0.113.7 or 2001:db8::1',
    parse: (text) => {
      const address = parseIp(text);
      return address ? accept(address.text) : refuse();
    },
  },
  cidr: {
    noun: 'a CIDR block',
    expected: () => 'an IPv4 or IPv6 network such as 10.0.0.0/8 or 2001:db8::/32',
    parse: (text) => {
      const network = parseCidr(text);
      return network ? accept(network.text) : refuse();
    },
  },
  number: {
    noun: 'a whole number',
    expected: (spec) => `${numberRange(spec)}, e.g. ${spec.min ?? 5}`,
    parse: parseNumberValue,
  },
  string: {
    noun: 'an accepted text',
    expected: (spec) =>
      spec.pattern !== undefined
        ? `text matching ${spec.pattern}`
        : `text of at most ${MAX_STRING_LENGTH} characters without control characters`,
    parse: (text, spec) => parseStringValue(text, spec),
  },
};
