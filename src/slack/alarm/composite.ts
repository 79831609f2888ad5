/**
 * The child alarms of a composite alarm, as its state change message names them. A composite
 * alarm (AlarmRule `ALARM(RootLogin) OR ALARM(KeyLeak)`) is raised by its children, and the
 * runbooks are written for the children: the composite's name rarely says what happened.
 *
 * Where the children are read, most precise first:
 * - the children that triggered the state change: SNS `TriggeringChildren`
 *   (`[{ Arn, State: { Value } }]`), EventBridge `detail.state.reasonData.triggeringAlarms`
 *   (`[{ arn, state: { value } }]`, a JSON string);
 * - the ARNs in the reason (`arn:…:alarm:RootLogin transitioned to ALARM at …`);
 * - else every alarm the rule needs in ALARM (`ALARM("name")`, `ALARM(name)` or an ARN),
 *   since any of them may be the one that fired.
 */
import { parseAlarmArn } from './locators.js';
import type { ChildAlarm } from './types.js';

export interface CompositeFields {
  /** The composite's rule: SNS `AlarmRule`, EventBridge `detail.configuration.alarmRule`. */
  rule?: unknown;
  /** The triggering children, as the message lists them. */
  triggering?: unknown;
  /** The state reason text. */
  reason?: unknown;
}

/** The children, or undefined when the message is not a composite alarm's. */
export function compositeChildren(fields: CompositeFields): ChildAlarm[] | undefined {
  if (typeof fields.rule !== 'string' && !Array.isArray(fields.triggering)) return undefined;
  const fromTriggering = Array.isArray(fields.triggering) ? fields.triggering.flatMap(triggeringChild) : [];
  if (fromTriggering.length > 0) return unique(fromTriggering);
  const fromReason = typeof fields.reason === 'string' ? reasonChildren(fields.reason) : [];
  if (fromReason.length > 0) return unique(fromReason);
  return unique(typeof fields.rule === 'string' ? ruleChildren(fields.rule) : []);
}

/** One triggering child (SNS or EventBridge spelling) in ALARM, or nothing. */
function triggeringChild(entry: unknown): ChildAlarm[] {
  if (entry === null || typeof entry !== 'object') return [];
  const e = entry as Record<string, unknown>;
  const arn = e.Arn ?? e.arn;
  const state = (e.State ?? e.state) as Record<string, unknown> | undefined;
  const value = state?.Value ?? state?.value;
  // A child listed in another state did not raise the composite (a rule with OK(…) terms).
  if (typeof arn !== 'string' || (value !== undefined && value !== 'ALARM')) return [];
  const child = childOf(arn);
  return child ? [child] : [];
}

const REASON_ARN = /(arn:aws(?:-[a-z]+)*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:\S+?) transitioned to ALARM\b/g;

function reasonChildren(reason: string): ChildAlarm[] {
  return [...reason.matchAll(REASON_ARN)].flatMap((m) => {
    const child = childOf(m[1]!);
    return child ? [child] : [];
  });
}

// ALARM("a name"), ALARM('a name'), ALARM(name) or ALARM(arn:…), as CloudWatch accepts them.
const RULE_ALARM = /\bALARM\(\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^()\s"']+))\s*\)/g;

function ruleChildren(rule: string): ChildAlarm[] {
  return [...rule.matchAll(RULE_ALARM)].flatMap((m) => {
    const name = (m[1]?.replace(/\\(.)/g, '$1') ?? m[2] ?? m[3] ?? '').trim();
    const child = name === '' ? undefined : childOf(name);
    return child ? [child] : [];
  });
}

/** A child named by its ARN (name, region, account), or by its bare name. */
function childOf(text: string): ChildAlarm | undefined {
  const arn = parseAlarmArn(text);
  if (arn) return { alarmName: arn.alarmName, region: arn.region, accountId: arn.accountId };
  return text.startsWith('arn:') ? undefined : { alarmName: text };
}

function unique(children: ChildAlarm[]): ChildAlarm[] {
  const seen = new Set<string>();
  return children.filter((c) => {
    const key = JSON.stringify([c.alarmName, c.region, c.accountId]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
