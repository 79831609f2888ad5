/**
 * What every planted story is made of: the incident it leaves for a runbook to find, a
 * clock anchored at the start of the last 24 hours, and the helpers that turn names into
 * the identities and dates CloudTrail writes. incidents.ts and foothold-incidents.ts tell
 * the stories; generate.ts files their records with the background traffic.
 */
import type { AccountCast, IamUser } from './cast.js';
import type { Random } from './random.js';
import { stableId } from './random.js';
import type { CloudTrailRecord, EventSpec } from './record.js';
import { buildRecord } from './record.js';

export interface PlantedIncident {
  /** A stable name for the incident. */
  id: string;
  /** The runbook that should find it. */
  runbook: string;
  /** The parameters to run that runbook with (as `name=value` on the command line). */
  params: Record<string, string>;
  /**
   * The ids of the runbook's checks that raise it, each at medium or worse, citing its events:
   * what `ctrb sweep` reports (for an investigation, `ctrb run` with `params`).
   */
  findings: string[];
  description: string;
  /** The events a finding must point at. */
  eventIDs: string[];
}

/** A stretch of time in which an account's trail recorded nothing (logging was off). */
export interface LoggingGap {
  account: string;
  start: Date;
  end: Date;
}

export class Story {
  readonly records: CloudTrailRecord[] = [];
  constructor(
    private readonly rng: Random,
    private readonly anchor: Date,
  ) {}

  /** A time `hh:mm:ss` after the anchor. */
  at(hms: string): Date {
    const [h, m, s] = hms.split(':').map(Number) as [number, number, number];
    return new Date(this.anchor.getTime() + ((h * 60 + m) * 60 + s) * 1000);
  }

  emit(spec: EventSpec): CloudTrailRecord {
    const rec = buildRecord(this.rng, spec);
    this.records.push(rec);
    return rec;
  }
}

export function ids(records: CloudTrailRecord[]): string[] {
  return records.map((r) => r.eventID);
}

export function user(account: AccountCast, name: string) {
  const u = account.users.get(name);
  if (!u) throw new Error(`account ${account.id} has no user ${name}`);
  return u;
}

export function roleNamed(account: AccountCast, name: string) {
  const r = account.roles.get(name);
  if (!r) throw new Error(`account ${account.id} has no role ${name}`);
  return r;
}

/**
 * The user the leaked CI key creates for itself (backup-svc), with the ids IAM hands it:
 * one story creates it, a later one comes back through it.
 */
export function backdoorUser(account: string): IamUser {
  const name = 'backup-svc';
  return {
    name,
    accountId: account,
    arn: `arn:aws:iam::${account}:user/${name}`,
    principalId: stableId('AIDA', `${account}/user/${name}`, 17),
    accessKeyId: stableId('AKIA', `${account}/key/${name}`, 16),
  };
}

/** "Nov 3, 2026, 2:12:03 AM": how IAM and STS write dates in responses. */
export function iamDate(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** "2026-11-02T04:20:12.481093217Z": how the newer JSON services write times in responses. */
export function nanoTime(d: Date, rng: Random): string {
  return d.toISOString().replace(/\.\d{3}Z$/, `.${String(rng.int(0, 999_999_999)).padStart(9, '0')}Z`);
}

export function denied(principalArn: string, action: string, ec2 = false): { code: string; message: string } {
  const why = `User: ${principalArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  return ec2
    ? { code: 'Client.UnauthorizedOperation', message: `You are not authorized to perform this operation. ${why}` }
    : { code: 'AccessDenied', message: why };
}
