/**
 * `ctrb sweep` over the bundled sample, as someone trying the tool sees it: every planted
 * incident is found by the checks its manifest entry names, at medium or worse, on its own
 * events; each public attack technique the sample stands for (the table below, read from the
 * events themselves) is among them; the runbooks that follow one named subject are reported
 * as investigations, none skipped; and nothing else alerts at medium or worse.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../src/model/severity.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { BUNDLED_SAMPLE_DIR } from '../../src/sample/make-bundled-sample.js';
import { readManifest, type SampleManifest } from '../../src/sample/manifest.js';
import type { CloudTrailRecord, Json } from '../../src/sample/record.js';
import type { PlantedIncident } from '../../src/sample/story.js';
import { sweep, type SweepFinding, type SweepResult } from '../../src/terminal/commands/sweep.js';
import { readAllRecords } from './tree.js';

const atLeastMedium = (f: SweepFinding) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf('medium');

function param(e: CloudTrailRecord, name: string): Json | undefined {
  const p = e.requestParameters;
  return p && typeof p === 'object' && !Array.isArray(p) ? p[name] : undefined;
}
const named = (events: CloudTrailRecord[], ...names: string[]) => names.every((n) => events.some((e) => e.eventName === n));

interface Technique {
  technique: string;
  runbook: string;
  check: string;
  /** What the incident's events must show for it to stand for the technique. */
  shows(events: CloudTrailRecord[], manifest: SampleManifest): boolean;
}

/** Issue 9's list of public AWS attack techniques, each with the finding that must report it. */
const TECHNIQUES: Technique[] = [
  { technique: 'secrets read in bulk (BatchGetSecretValue)', runbook: 'secrets-access', check: 'batch-secret-read', shows: (e) => named(e, 'BatchGetSecretValue') },
  { technique: 'a secret read by an unusual principal (a person)', runbook: 'secrets-access', check: 'secret-read-by-a-person', shows: (e) => e.some((x) => x.eventName === 'GetSecretValue' && x.userIdentity.type === 'IAMUser') },
  { technique: 'SSM parameters decrypted by path', runbook: 'secrets-access', check: 'parameter-tree-decrypted', shows: (e) => e.some((x) => x.eventName === 'GetParametersByPath' && param(x, 'withDecryption') === true) },
  { technique: 'SSM SendCommand', runbook: 'instance-remote-access', check: 'command-sent', shows: (e) => named(e, 'SendCommand') },
  { technique: 'SSM StartSession', runbook: 'instance-remote-access', check: 'session-started', shows: (e) => named(e, 'StartSession') },
  {
    technique: "an instance role's credentials used from outside the instance",
    runbook: 'instance-remote-access',
    check: 'instance-credentials-elsewhere',
    shows: (e) => e.length > 0 && e.every((x) => x.userIdentity.type === 'AssumedRole' && /:i-[0-9a-f]+$/.test(x.userIdentity.principalId ?? '')),
  },
  { technique: 'EC2 Instance Connect SendSSHPublicKey', runbook: 'instance-remote-access', check: 'ssh-key-pushed', shows: (e) => named(e, 'SendSSHPublicKey') },
  { technique: 'serial console switched on and a key pushed to it', runbook: 'instance-remote-access', check: 'serial-console', shows: (e) => named(e, 'EnableSerialConsoleAccess', 'SendSerialConsoleSSHPublicKey') },
  { technique: 'instance user data replaced', runbook: 'instance-remote-access', check: 'user-data-replaced', shows: (e) => e.some((x) => x.eventName === 'ModifyInstanceAttribute' && param(x, 'userData') !== undefined) },
  { technique: 'GPU instance launched', runbook: 'instance-launches', check: 'large-instance-type', shows: (e) => e.some((x) => x.eventName === 'RunInstances' && /^(p|g)\d/.test(String(param(x, 'instanceType')))) },
  { technique: 'a burst of RunInstances', runbook: 'instance-launches', check: 'launch-burst', shows: (e) => e.filter((x) => x.eventName === 'RunInstances').length >= 10 },
  {
    technique: 'instances launched outside the own regions',
    runbook: 'instance-launches',
    check: 'launch-outside-own-regions',
    shows: (e, m) => e.some((x) => x.eventName === 'RunInstances' && !m.regions.includes(x.awsRegion)),
  },
  { technique: 'an account leaving the organization', runbook: 'organization-changes', check: 'left-the-organization', shows: (e) => named(e, 'LeaveOrganization') },
  { technique: 'a service control policy detached', runbook: 'organization-changes', check: 'guardrail-removed', shows: (e) => named(e, 'DetachPolicy') },
  { technique: 'persistence through sts:GetFederationToken', runbook: 'iam-persistence', check: 'federation-token', shows: (e) => named(e, 'GetFederationToken') },
  { technique: 'IAM Roles Anywhere trust anchor and profile', runbook: 'iam-persistence', check: 'roles-anywhere', shows: (e) => named(e, 'CreateTrustAnchor', 'CreateProfile') },
  { technique: 'Bedrock model access switched on', runbook: 'bedrock-model-access', check: 'model-access-enabled', shows: (e) => named(e, 'PutUseCaseForModelAccess') },
  {
    technique: 'InvokeModel by a principal that never used it',
    runbook: 'bedrock-model-access',
    check: 'models-invoked-by-unusual-caller',
    shows: (e) => e.length > 0 && e.every((x) => x.eventName === 'InvokeModel'),
  },
  {
    technique: 'DNS resolver query logging disassociated and deleted',
    runbook: 'cloudtrail-tampering',
    check: 'logging-switched-off',
    shows: (e) => named(e, 'DisassociateResolverQueryLogConfig', 'DeleteResolverQueryLogConfig'),
  },
  { technique: 'an EBS snapshot shared with another account', runbook: 'external-access', check: 'shared-with-other-account', shows: (e) => named(e, 'ModifySnapshotAttribute') },
  { technique: 'an RDS snapshot shared with another account', runbook: 'external-access', check: 'shared-with-other-account', shows: (e) => named(e, 'ModifyDBSnapshotAttribute') },
  { technique: 'an AMI made public', runbook: 'external-access', check: 'shared-publicly', shows: (e) => named(e, 'ModifyImageAttribute') },
];

let manifest: SampleManifest;
let result: SweepResult;
let byId: Map<string, CloudTrailRecord>;

beforeAll(async () => {
  manifest = await readManifest(BUNDLED_SAMPLE_DIR);
  byId = new Map([...readAllRecords(BUNDLED_SAMPLE_DIR).values()].flat().map((r) => [r.eventID, r]));
  // An empty environment: what the sample declares, and nothing of the machine's CTRB_OWN_*.
  result = await sweep(BUILTIN_RUNBOOK_DIR, {}, undefined, {});
});

const eventsOf = (incident: PlantedIncident) => incident.eventIDs.map((id) => byId.get(id)!);
const investigation = (runbook: string) => result.investigations.some((i) => i.runbook === runbook);
/** The medium-or-worse findings of `check` that cite an event of `incident`. */
function raisedOn(incident: PlantedIncident, check: string): SweepFinding[] {
  const planted = new Set(incident.eventIDs);
  return result.findings.filter((f) => f.runbook === incident.runbook && f.check === check && atLeastMedium(f) && f.eventIDs.some((id) => planted.has(id)));
}

describe('ctrb sweep over the bundled sample', () => {
  it('runs every detection and reports the runbooks that follow one subject as investigations, skipping none', () => {
    expect(result.failed).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.investigations.map((i) => i.runbook)).toEqual(['access-key-activity', 'compromised-credentials', 'principal-activity', 'source-address-activity']);
    // The own accounts and regions come from the sample itself.
    expect(result.derived.own_accounts).toEqual(expect.arrayContaining([...manifest.accounts, ...manifest.partnerAccounts]));
    expect(result.derived.own_regions).toEqual(manifest.regions);
  });

  it('finds each planted incident with the checks its manifest entry names, at medium or worse, on its events', () => {
    const missing: string[] = [];
    for (const incident of manifest.incidents) {
      expect(incident.eventIDs.every((id) => byId.has(id)), `${incident.id}: its events are in the sample`).toBe(true);
      expect(incident.findings.length, `${incident.id} names the findings that report it`).toBeGreaterThan(0);
      if (investigation(incident.runbook)) continue;
      for (const check of incident.findings) if (raisedOn(incident, check).length === 0) missing.push(`${incident.id}: ${incident.runbook} ${check}`);
      const cited = new Set(result.findings.filter((f) => f.runbook === incident.runbook).flatMap((f) => f.eventIDs));
      const uncited = incident.eventIDs.filter((id) => !cited.has(id));
      if (uncited.length > 0) missing.push(`${incident.id}: ${uncited.length} of its events cited by no ${incident.runbook} finding`);
    }
    expect(missing).toEqual([]);
  });

  it('lists the incidents of investigations among the investigations, with the subject they need', () => {
    const followed = manifest.incidents.filter((i) => investigation(i.runbook));
    expect(followed.length).toBeGreaterThan(0);
    for (const incident of followed) {
      const needs = result.investigations.find((i) => i.runbook === incident.runbook)!.needs;
      expect(Object.keys(incident.params)).toEqual(expect.arrayContaining(needs));
    }
  });

  it.each(TECHNIQUES.map((t) => [t.technique, t] as const))('reports %s', (_name, t) => {
    const standing = manifest.incidents.filter((i) => i.runbook === t.runbook && i.findings.includes(t.check) && t.shows(eventsOf(i), manifest));
    expect(standing.map((i) => i.id), `an incident planted for ${t.technique}`).not.toEqual([]);
    for (const incident of standing) expect(raisedOn(incident, t.check).length, `${incident.id}: ${t.runbook} ${t.check}`).toBeGreaterThan(0);
  });

  it('raises nothing at medium or worse that is not about a planted incident', () => {
    const planted = new Set(manifest.incidents.flatMap((i) => i.eventIDs));
    const stray = result.findings.filter((f) => atLeastMedium(f) && !f.eventIDs.some((id) => planted.has(id)));
    expect(stray.map((f) => `[${f.severity}] ${f.runbook} ${f.check}: ${f.message}`)).toEqual([]);
  });
});
