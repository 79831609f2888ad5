/**
 * The labelled detection corpus (test/detection/corpus/*.yaml): CloudTrail events written by
 * hand, one case per attack technique or check, each a positive (the technique done: it must
 * raise a finding at medium or worse) or a negative twin (the same API calls done harmlessly:
 * nothing may alert on them at medium or worse).
 *
 * The YAML states what is particular to each event; `materialize` fills in what every
 * CloudTrail record carries (ids, version, times, the identity an actor shorthand names) so
 * the files the engine reads are shaped like the real thing. Every case acts through
 * principals of its own, so that a threshold counted per principal (refusals, bursts, bulk
 * reads) only ever counts the events of one case.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Severity } from '../../src/model/severity.js';
import { isReadOnlyName } from '../../src/sample/events.js';

export const CORPUS_DIR = join(import.meta.dirname, 'corpus');

/** The corpus's own accounts and regions: every trail read is one of these accounts. */
export const PROD_ACCOUNT = '111122223333';
export const DEV_ACCOUNT = '444455556666';
export const OUTSIDE_ACCOUNT = '999988887777';
export const OWN_REGIONS = ['us-east-1', 'eu-west-1'];
export const PIPELINE_ROLE = `arn:aws:iam::${PROD_ACCOUNT}:role/terraform-deploy`;

/** The environment a sweep of the corpus runs with: the configuration a real deployment sets. */
export const CORPUS_ENV: Readonly<Record<string, string>> = {
  CTRB_OWN_REGIONS: OWN_REGIONS.join(','),
  CTRB_PIPELINE_PRINCIPALS: PIPELINE_ROLE,
};

/** Every event lies in the 24 hours before END, the sweep's window: `at` counts minutes from START. */
export const END = '2026-10-15T00:00:00Z';
const START_MS = Date.parse(END) - 23 * 3600_000;
const LAST_MINUTE = 23 * 60 - 1;

export type Label = 'positive' | 'negative';

export interface ExpectedFinding {
  check: string;
  severity: Severity;
}

export interface CorpusCase {
  id: string;
  /** The runbook that must find a positive (and is charged with a negative it flags). */
  runbook: string;
  label: Label;
  /** What the case does, in a sentence. */
  technique: string;
  /** A negative's positive twin. */
  twin?: string;
  /** A positive's finding must come from this check. */
  check?: string;
  /** Findings the case's runbook must raise on it (a negative's info or low classification). */
  expect: ExpectedFinding[];
  records: Record<string, unknown>[];
  file: string;
}

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/** A stable id from a name, shaped like CloudTrail's UUIDs. */
function uuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function upperId(prefix: string, name: string): string {
  return prefix + createHash('sha256').update(name).digest('hex').slice(0, 16).toUpperCase();
}

/**
 * The userIdentity an actor shorthand names: `user:NAME`, `role:ROLE/SESSION`, `root`, each
 * optionally followed by `@ACCOUNT` (the production account by default).
 */
export function identityOf(actor: string, createdAt: string): Record<string, unknown> {
  // Only a trailing @ and twelve digits name the account: session names may hold an email address.
  const at = /@(\d{12})$/.exec(actor);
  const who = at ? actor.slice(0, at.index) : actor;
  const account = at ? at[1]! : PROD_ACCOUNT;
  if (who === 'root') return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: upperId('ASIA', `root@${account}`) };
  const [kind, rest] = who.split(/:(.*)/s) as [string, string?];
  if (kind === 'user' && rest) {
    return {
      type: 'IAMUser',
      principalId: upperId('AIDA', rest),
      arn: `arn:aws:iam::${account}:user/${rest}`,
      accountId: account,
      accessKeyId: upperId('AKIA', rest),
      userName: rest,
    };
  }
  if (kind === 'role' && rest?.includes('/')) {
    const [role, session] = rest.split(/\/(.*)/s) as [string, string];
    const rolePrincipal = upperId('AROA', `${account}/${role}`);
    return {
      type: 'AssumedRole',
      principalId: `${rolePrincipal}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      accountId: account,
      accessKeyId: upperId('ASIA', `${role}/${session}`),
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: rolePrincipal, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
        webIdFederationData: {},
        attributes: { creationDate: createdAt, mfaAuthenticated: 'false' },
      },
    };
  }
  throw new CorpusError(`unknown actor "${actor}" (expected user:NAME, role:ROLE/SESSION or root, optionally @ACCOUNT)`);
}

/**
 * One full CloudTrail record from a corpus event. The event says `actor` (or a whole
 * `userIdentity`), `at` (minutes after the corpus start), the call and its parameters; the
 * rest takes the values CloudTrail gives an ordinary call.
 */
function materializeRecord(caseId: string, index: number, event: Record<string, unknown>): Record<string, unknown> {
  const { actor, at, repeat: _repeat, ...fields } = event;
  const eventTime = new Date(START_MS + Number(at ?? index) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const userIdentity = (fields.userIdentity as Record<string, unknown> | undefined) ?? identityOf(String(actor), eventTime);
  const eventName = String(fields.eventName);
  const eventSource = String(fields.eventSource);
  return {
    eventVersion: '1.09',
    userIdentity,
    eventTime,
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.0 Python/3.11.9 Linux/6.1 exe/x86_64.amzn.2023',
    requestParameters: null,
    responseElements: null,
    requestID: uuid(`${caseId}/${index}/request`),
    eventID: uuid(`${caseId}/${index}`),
    readOnly: isReadOnlyName(eventName),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: (userIdentity.accountId as string | undefined) ?? PROD_ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.us-east-1.amazonaws.com` },
    ...fields,
  };
}

/** A case's events with `repeat: N` written out N times, a minute apart. */
function expand(events: Record<string, unknown>[]): Record<string, unknown>[] {
  return events.flatMap((e, i) => {
    const times = Number(e.repeat ?? 1);
    const at = Number(e.at ?? i);
    return Array.from({ length: times }, (_, k) => ({ ...e, at: at + k }));
  });
}

const SEVERITIES = new Set(['info', 'low', 'medium', 'high', 'critical']);

export function loadCorpus(dir = CORPUS_DIR): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    let doc: { runbook: string; cases: Record<string, unknown>[] };
    try {
      doc = parse(readFileSync(join(dir, file), 'utf8')) as typeof doc;
    } catch (e) {
      throw new CorpusError(`${file}: ${(e as Error).message}`);
    }
    for (const raw of doc.cases) {
      const id = String(raw.id);
      const where = `${file}: case ${id}`;
      const label = raw.label;
      if (label !== 'positive' && label !== 'negative') throw new CorpusError(`${where}: label must be positive or negative`);
      if (!Array.isArray(raw.events) || raw.events.length === 0) throw new CorpusError(`${where}: no events`);
      const expect = ((raw.expect as ExpectedFinding[] | undefined) ?? []).map((e) => {
        if (!SEVERITIES.has(e.severity)) throw new CorpusError(`${where}: unknown severity ${e.severity}`);
        return { check: String(e.check), severity: e.severity };
      });
      const records = expand(raw.events as Record<string, unknown>[]);
      const late = records.find((r) => !(Number(r.at) >= 0 && Number(r.at) <= LAST_MINUTE));
      if (late) throw new CorpusError(`${where}: an event at minute ${String(late.at)} falls outside the sweep's window (0 to ${LAST_MINUTE})`);
      cases.push({
        id,
        runbook: String(raw.runbook ?? doc.runbook),
        label,
        technique: String(raw.technique ?? ''),
        ...(raw.twin ? { twin: String(raw.twin) } : {}),
        ...(raw.check ? { check: String(raw.check) } : {}),
        expect,
        records: records.map((e, i) => materializeRecord(id, i, e)),
        file,
      });
    }
  }
  checkCorpus(cases);
  return cases;
}

/** Ids unique, twins that exist, and no principal shared by two cases. */
function checkCorpus(cases: CorpusCase[]): void {
  const ids = new Map<string, CorpusCase>();
  const owners = new Map<string, string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new CorpusError(`case id ${c.id} appears twice (${ids.get(c.id)!.file}, ${c.file})`);
    ids.set(c.id, c);
    for (const r of c.records) {
      const arn = String((r.userIdentity as { arn?: string }).arn ?? '');
      const owner = owners.get(arn);
      if (arn && owner !== undefined && owner !== c.id) throw new CorpusError(`${c.file}: case ${c.id} acts as ${arn}, which case ${owner} uses: give each case principals of its own`);
      owners.set(arn, c.id);
    }
  }
  for (const c of cases) {
    if (c.twin && ids.get(c.twin)?.label !== 'positive') throw new CorpusError(`${c.file}: case ${c.id} names ${c.twin} as its twin, which is not a positive case`);
  }
}

/** Writes each corpus file's events as one `{"Records": [...]}` log file under `dir`. */
export function writeCorpusLogs(cases: CorpusCase[], dir: string): void {
  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const c of cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), ...c.records]);
  for (const [file, records] of byFile) writeFileSync(join(dir, file.replace(/\.yaml$/, '.json')), JSON.stringify({ Records: records }, null, 1));
}
