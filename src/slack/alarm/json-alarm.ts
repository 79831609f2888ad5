/**
 * Alarm state changes posted as JSON text, as SNS-to-Slack integrations do: the CloudWatch
 * alarm SNS message, the EventBridge "CloudWatch Alarm State Change" event, and either of them
 * inside an SNS notification envelope; metric and composite alarms alike. Code fences around
 * the JSON are allowed.
 *
 * A post that is plainly meant as an alarm's JSON but cannot be read (cut off by a relay's
 * length limit, malformed, or a CloudWatch message without the state, time or ARN a run
 * needs) is said to be unreadable, with why: the listener logs it and starts nothing, rather
 * than reading the fragment as prose and guessing.
 */
import { compositeChildren } from './composite.js';
import { findAlarmArn, isRegionCode, parseAlarmArn } from './locators.js';
import { ALARM_STATES, type AlarmReading, type AlarmState } from './types.js';

/** A text's JSON value, why it is not JSON although it is meant to be, or undefined (no JSON). */
export type JsonText = { kind: 'json'; value: unknown } | { kind: 'broken'; problem: string } | undefined;

// Keys only a CloudWatch alarm message, its EventBridge event or an SNS envelope has.
const ALARM_KEYS = /"(AlarmName|NewStateValue|AlarmArn|alarmName|TopicArn)"|CloudWatch Alarm State Change/;

export function readJsonText(text: string): JsonText {
  const unfenced = text.replace(/^\s*```[a-zA-Z]*\s*/, '').replace(/\s*```\s*$/, '').trim();
  for (const candidate of [unfenced, outermostObject(unfenced)]) {
    if (!candidate?.startsWith('{')) continue;
    try {
      return { kind: 'json', value: JSON.parse(candidate) };
    } catch {
      // not JSON: try the next candidate
    }
  }
  // Text that starts as an alarm's JSON and does not parse: say so, never guess from it.
  if (!unfenced.startsWith('{') || !ALARM_KEYS.test(unfenced)) return undefined;
  return { kind: 'broken', problem: jsonProblem(unfenced) };
}

/** The JSON value in a text (fenced or not), or undefined when there is none or it is broken. */
export function parseJsonText(text: string): unknown {
  const read = readJsonText(text);
  return read?.kind === 'json' ? read.value : undefined;
}

/** Why a text is not JSON: cut off (the error is at its end), or malformed where it says. */
function jsonProblem(text: string): string {
  let message = '';
  try {
    JSON.parse(text);
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  const at = /at position (\d+)/.exec(message);
  const position = at ? Number(at[1]) : undefined;
  const cutOff = /end of JSON input|Unterminated string/.test(message) || (position !== undefined && position >= text.length - 2);
  return cutOff
    ? `the alarm JSON is cut off after ${text.length} characters (${message})`
    : `the alarm JSON is malformed (${message})`;
}

function outermostObject(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start !== -1 && end > start ? text.slice(start, end + 1) : undefined;
}

/** An alarm, an unreadable alarm message, or null when the JSON is no alarm message at all. */
export function alarmFromJson(value: unknown, depth = 0): AlarmReading {
  if (!isObject(value) || depth > 2) return null;
  // An SNS envelope: the alarm is the JSON string in `Message`.
  if (value.Type === 'Notification' && typeof value.Message === 'string') {
    const inner = readJsonText(value.Message);
    if (inner?.kind === 'broken') return { kind: 'unreadable', problem: `the SNS notification's Message: ${inner.problem}` };
    return inner === undefined ? null : alarmFromJson(inner.value, depth + 1);
  }
  if (typeof value.AlarmName === 'string' && 'NewStateValue' in value) return fromSnsAlarm(value);
  if (value['detail-type'] === 'CloudWatch Alarm State Change') return fromEventBridge(value);
  return null;
}

/** The CloudWatch alarm message SNS delivers (AlarmName, NewStateValue, AlarmArn, …). */
function fromSnsAlarm(msg: Record<string, unknown>): AlarmReading {
  const state = alarmState(msg.NewStateValue);
  const time = isoTime(msg.StateChangeTime);
  const arn = typeof msg.AlarmArn === 'string' ? parseAlarmArn(msg.AlarmArn) : undefined;
  // Without the ARN only the display name says where the alarm is: not good enough.
  const missing = [!state && 'NewStateValue', !time && 'StateChangeTime', !arn && 'AlarmArn'].filter((m): m is string => typeof m === 'string');
  if (!state || !time || !arn) return unreadable(msg.AlarmName as string, missing);
  const children = compositeChildren({ rule: msg.AlarmRule, triggering: msg.TriggeringChildren, reason: msg.NewStateReason });
  return {
    kind: 'alarm',
    alarm: {
      alarmName: msg.AlarmName as string,
      state,
      previousState: alarmState(msg.OldStateValue),
      stateChangeTime: time,
      region: arn.region,
      accountId: typeof msg.AWSAccountId === 'string' ? msg.AWSAccountId : arn.accountId,
      alarmArn: arn.arn,
      reason: typeof msg.NewStateReason === 'string' ? msg.NewStateReason : undefined,
      ...(children ? { children } : {}),
    },
  };
}

/** The EventBridge event: `detail.alarmName`, `detail.state`, the alarm ARN in `resources`. */
function fromEventBridge(event: Record<string, unknown>): AlarmReading {
  const detail = isObject(event.detail) ? event.detail : {};
  const current = isObject(detail.state) ? detail.state : {};
  const previous = isObject(detail.previousState) ? detail.previousState : {};
  const configuration = isObject(detail.configuration) ? detail.configuration : {};
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const arn = resources.map((r) => (typeof r === 'string' ? (parseAlarmArn(r) ?? findAlarmArn(r)) : undefined)).find(Boolean);
  const eventRegion = typeof event.region === 'string' && isRegionCode(event.region) ? event.region : undefined;
  const alarmName = typeof detail.alarmName === 'string' ? detail.alarmName : arn?.alarmName;
  const state = alarmState(current.value);
  const time = isoTime(current.timestamp) ?? isoTime(event.time);
  const region = arn?.region ?? eventRegion;
  const missing = [!alarmName && 'detail.alarmName', !state && 'detail.state.value', !time && 'detail.state.timestamp', !region && 'region'].filter(
    (m): m is string => typeof m === 'string',
  );
  if (!alarmName || !state || !time || !region) return unreadable(alarmName, missing);
  const reasonData = typeof current.reasonData === 'string' ? parseJsonText(current.reasonData) : undefined;
  const children = compositeChildren({
    rule: configuration.alarmRule,
    triggering: isObject(reasonData) ? reasonData.triggeringAlarms : undefined,
    reason: current.reason,
  });
  return {
    kind: 'alarm',
    alarm: {
      alarmName,
      state,
      previousState: alarmState(previous.value),
      stateChangeTime: time,
      region,
      accountId: typeof event.account === 'string' ? event.account : arn?.accountId,
      alarmArn: arn?.arn,
      reason: typeof current.reason === 'string' ? current.reason : undefined,
      ...(children ? { children } : {}),
    },
  };
}

function unreadable(alarmName: string | undefined, missing: string[]): AlarmReading {
  const which = alarmName ? `the CloudWatch message of alarm ${JSON.stringify(alarmName)}` : 'the CloudWatch alarm message';
  return { kind: 'unreadable', problem: `${which} has no usable ${missing.join(', ')}` };
}

function alarmState(value: unknown): AlarmState | undefined {
  return ALARM_STATES.find((s) => s === value);
}

/**
 * CloudWatch writes `2024-05-14T09:12:43.123+0000` (no colon in the offset), which not every
 * date parser accepts; the result is always ISO 8601 in UTC.
 */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const normalized = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(normalized)) return undefined;
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
