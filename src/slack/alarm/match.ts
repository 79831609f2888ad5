/**
 * Which runbooks an alarm starts: those whose `triggers.alarms` globs match the alarm name.
 *
 * Globs are case-sensitive, as CloudWatch alarm names are. An alarm name is one flat string,
 * not a path: `*` also matches `/` (so `prod/*` and `*RootLogin*` match `prod/eu/RootLogin`),
 * and names starting with `.` are matched like any other.
 *
 * When several runbooks match, each of them runs, in its own run in the alarm's thread, in
 * runbook id order: every matching runbook was written for this alarm, and silently choosing
 * one would hide the others' findings.
 */
import picomatch from 'picomatch';
import type { Runbook } from '../../runbook/schema.js';
import type { ChildAlarm, ParsedAlarm } from './types.js';

export type TriggeredRunbook = Pick<Runbook, 'id' | 'triggers'>;

// Stands in for "/" so picomatch's path rules do not apply (not a character alarm names use).
const SLASH_STAND_IN = '\u2215';
const compiled = new Map<string, (name: string) => boolean>();

function matcherFor(glob: string): (name: string) => boolean {
  let matcher = compiled.get(glob);
  if (!matcher) {
    matcher = picomatch(glob.replaceAll('/', SLASH_STAND_IN), { dot: true, nocase: false, windows: false });
    compiled.set(glob, matcher);
  }
  return matcher;
}

export function alarmNameMatches(alarmName: string, glob: string): boolean {
  return matcherFor(glob)(alarmName.replaceAll('/', SLASH_STAND_IN));
}

export function matchAlarm<R extends TriggeredRunbook>(alarmName: string, runbooks: readonly R[]): R[] {
  return runbooks
    .filter((rb) => rb.triggers.alarms.some((glob) => alarmNameMatches(alarmName, glob)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** A runbook an alarm post starts, and the child alarm that starts it (composite alarms). */
export interface AlarmTrigger<R extends TriggeredRunbook> {
  runbook: R;
  /** The composite alarm's child whose name the runbook's triggers match; absent when the alarm's own name does. */
  child?: ChildAlarm;
}

/**
 * The runbooks an alarm starts: those its own name matches and, for a composite alarm, those
 * its child alarms' names match (the runbooks are written for the children). One run per
 * runbook, however many children match it: the first child in the message's order says where.
 */
export function matchAlarmPost<R extends TriggeredRunbook>(alarm: Pick<ParsedAlarm, 'alarmName' | 'children'>, runbooks: readonly R[]): AlarmTrigger<R>[] {
  const triggers = new Map<string, AlarmTrigger<R>>();
  for (const runbook of matchAlarm(alarm.alarmName, runbooks)) triggers.set(runbook.id, { runbook });
  for (const child of alarm.children ?? []) {
    for (const runbook of matchAlarm(child.alarmName, runbooks)) if (!triggers.has(runbook.id)) triggers.set(runbook.id, { runbook, child });
  }
  return [...triggers.values()].sort((a, b) => a.runbook.id.localeCompare(b.runbook.id));
}
