/**
 * The CEL environment every runbook expression runs in: the helper functions responders
 * reach for (hour and weekday of an event time, CIDR membership), the string extensions,
 * and the conversion of run data (params, step results, rows) into CEL values and back.
 */
import {
  celEnv,
  celFunc,
  CelScalar,
  isCelList,
  isCelMap,
  isCelUint,
  listType,
  type CelEnv,
  type CelInput,
  type CelList,
  type CelValue,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { CellValue, Row } from '../model/query.js';
import type { ResolvedParams, StepResult } from '../model/run.js';
import { readIsoTime } from '../model/values/time.js';
import { addressInRange, parseCidr, parseIp } from '../model/values/ip.js';
import { adminStatements, isAdminPolicyArn, outsidePrincipals, policyPrincipals } from './cel-policy.js';
import { loggingChange } from './cel-logging.js';
import { sharedWith } from './cel-sharing.js';

/** The variables an expression may name; `row` only inside a check or remediation with `for_each`. */
export const CEL_VARIABLES = ['params', 'steps', 'window', 'row'] as const;
export type CelVariable = (typeof CEL_VARIABLES)[number];

function eventTime(fn: string, text: string): Date {
  // CloudTrail's eventTime is ISO 8601 with a Z; anything else is a runbook mistake worth
  // an error rather than a silently wrong hour.
  const reading = readIsoTime(text);
  if ('problem' in reading) {
    const what = reading.malformed ? 'is not an ISO 8601 time such as 2026-11-01T10:00:00Z' : reading.problem;
    throw new Error(`${fn}: ${JSON.stringify(text)} ${what}`);
  }
  return reading.time;
}

/** True when `text` is an IP address inside `cidr`; IPv4-mapped IPv6 counts as IPv4. */
function ipInCidr(text: string, cidr: string): boolean {
  const range = parseCidr(cidr);
  if (!range) throw new Error(`inCidr: ${JSON.stringify(cidr)} is not a CIDR block such as 10.0.0.0/8`);
  const address = parseIp(text);
  // sourceIPAddress also holds service names (`ec2.amazonaws.com`): those are in no network.
  return address !== undefined && addressInRange(address, range);
}

function cidrList(list: CelList): string[] {
  return [...list].map((item) => {
    if (typeof item !== 'string') throw new Error('inCidr: the list must hold CIDR blocks as strings');
    return item;
  });
}

export const RUNBOOK_FUNCTIONS = [
  celFunc('hour', [CelScalar.STRING], CelScalar.INT, (time) => BigInt(eventTime('hour', time).getUTCHours())),
  celFunc('weekday', [CelScalar.STRING], CelScalar.INT, (time) => BigInt(eventTime('weekday', time).getUTCDay())),
  celFunc('inCidr', [CelScalar.STRING, listType(CelScalar.DYN)], CelScalar.BOOL, (ip, cidrs) =>
    cidrList(cidrs).some((cidr) => ipInCidr(ip, cidr)),
  ),
  celFunc('inCidr', [CelScalar.STRING, CelScalar.STRING], CelScalar.BOOL, (ip, cidr) => ipInCidr(ip, cidr)),
  // Policy documents as CloudTrail logs them (JSON text): whom they let in, what they grant.
  celFunc('policyPrincipals', [CelScalar.STRING], listType(CelScalar.STRING), (text) => policyPrincipals(text)),
  celFunc('outsidePrincipals', [CelScalar.STRING, listType(CelScalar.DYN)], listType(CelScalar.STRING), (text, own) =>
    outsidePrincipals(text, stringList('outsidePrincipals', own)),
  ),
  celFunc('adminStatements', [CelScalar.STRING], listType(CelScalar.STRING), (text) => adminStatements(text)),
  celFunc('isAdminPolicyArn', [CelScalar.STRING], CelScalar.BOOL, (arn) => isAdminPolicyArn(arn)),
  // What a logging change did: off, narrowed, on or changed; requestParameters may be null.
  celFunc('loggingChange', [CelScalar.STRING, CelScalar.DYN], CelScalar.STRING, (name, params) =>
    loggingChange(name, typeof params === 'string' ? params : null),
  ),
  // Whom a snapshot, image or database snapshot permission change adds (account ids, `all`).
  celFunc('sharedWith', [CelScalar.STRING], listType(CelScalar.STRING), (text) => sharedWith(text)),
];

function stringList(fn: string, values: CelList): string[] {
  return [...values].map((item) => {
    if (typeof item !== 'string') throw new Error(`${fn}: the list must hold strings`);
    return item;
  });
}

export const RUNBOOK_CEL_ENV: CelEnv = celEnv({ funcs: [...strings, ...RUNBOOK_FUNCTIONS] });

/** True when `name` is a function or method the environment knows. */
export function isKnownFunction(name: string): boolean {
  return RUNBOOK_CEL_ENV.funcs.find(name) !== undefined;
}

/**
 * A cell as CEL sees it. Whole numbers become CEL ints so counts from `group` compare and
 * add like the integers they are (`row.calls + 1`); other numbers stay doubles.
 */
export function cellToCel(value: CellValue): CelInput {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return value;
}

export function rowToCel(row: Row): Record<string, CelInput> {
  const out: Record<string, CelInput> = {};
  for (const [column, value] of Object.entries(row)) out[column] = cellToCel(value);
  return out;
}

export function paramsToCel(params: ResolvedParams): Record<string, CelInput> {
  const out: Record<string, CelInput> = {};
  for (const [name, value] of Object.entries(params)) out[name] = cellToCel(value);
  return out;
}

/**
 * `steps.<id>` for each finished step: its rows and their count, and how many findings it
 * raised. A failed step is left out, so an expression that needs it fails loudly instead
 * of reading "no rows".
 */
export function stepsToCel(results: Iterable<StepResult>): Record<string, CelInput> {
  const out: Record<string, CelInput> = {};
  for (const result of results) {
    if (result.status === 'failed') continue;
    const rows = result.query?.rows ?? [];
    out[result.stepId] = {
      rows: rows.map(rowToCel),
      count: BigInt(rows.length),
      findings: BigInt(result.findings?.length ?? 0),
      status: result.status,
    };
  }
  return out;
}

/** A CEL value as text in a message: strings as they are, lists joined, null as `null`. */
export function celToText(value: CelValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isCelUint(value)) return String(value.value);
  if (isCelList(value)) return [...value].map(celToText).join(', ');
  if (isCelMap(value)) return `{${[...value].map(([k, v]) => `${String(k)}: ${celToText(v)}`).join(', ')}}`;
  return String(value);
}
