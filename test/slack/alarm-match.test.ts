import { describe, expect, it } from 'vitest';
import { matchAlarm } from '../../src/slack/alarm/index.js';

const runbook = (id: string, ...alarms: string[]) => ({ id, triggers: { alarms } });

describe('matchAlarm: which runbooks an alarm starts', () => {
  const library = [
    runbook('root-activity', 'RootAccountUsage', '*RootLogin*'),
    runbook('iam-policy-changes', 'IAMPolicyChanges-*'),
    runbook('trail-tampering', 'CloudTrailConfigChanges', 'prod/*'),
    runbook('console-login-unusual-source'),
  ];
  const ids = (name: string) => matchAlarm(name, library).map((r) => r.id);

  it('matches exact names and globs', () => {
    expect(ids('RootAccountUsage')).toEqual(['root-activity']);
    expect(ids('IAMPolicyChanges-prod')).toEqual(['iam-policy-changes']);
    expect(ids('eu-RootLogin-alarm')).toEqual(['root-activity']);
  });

  it('is case-sensitive, as alarm names are', () => {
    expect(ids('rootaccountusage')).toEqual([]);
    expect(ids('iampolicychanges-prod')).toEqual([]);
  });

  it('treats an alarm name as one string: * also matches across /', () => {
    expect(ids('prod/eu/CloudTrailConfigChanges')).toEqual(['trail-tampering']);
    expect(ids('prod/eu/RootLogin')).toEqual(['root-activity', 'trail-tampering']);
    expect(ids('.hidden-RootLogin')).toEqual(['root-activity']);
  });

  it('returns every matching runbook, in id order, each to run', () => {
    const both = [runbook('z-second', 'Root*'), runbook('a-first', 'RootAccountUsage')];
    expect(matchAlarm('RootAccountUsage', both).map((r) => r.id)).toEqual(['a-first', 'z-second']);
  });

  it('returns nothing for an alarm no runbook is for', () => {
    expect(ids('HighCPUUtilization')).toEqual([]);
  });
});
