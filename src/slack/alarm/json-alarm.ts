/**
 * Alarm state changes posted as JSON text, as SNS-to-Slack integrations do: the CloudWatch
 * alarm SNS message, the EventBridge "CloudWatch Alarm State Change" event, and either of them
 * inside an SNS notification envelope. Code fences around the JSON are allowed.
 */
import { findAlarmArn, isRegionCode, parseAlarmArn } from './locators.js';
import { ALARM_STATES, type AlarmState, type ParsedAlarm } from './types.js';

/** The JSON value in a text (fenced or not), or undefined when there is none. */
export function parseJsonText(text: string): unknown {
  const unfenced = text.replace(/^\s*```[a-zA-Z]*\s*/, '').replace(/\s*```\s*$/, '').trim();
  for (const candidate of [unfenced, outermostObject(unfenced)]) {
    if (!candidate?.startsWith('{')) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // not JSON: try the next candidate
    }
  }
  return undefined;
}

function outermostObject(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start !== -1 && end > start ? text.slice(start, end + 1) : undefined;
}

export function alarmFromJson(value: unknown, depth = 0): ParsedAlarm | null {
  if (!isObject(value) || depth > 2) return null;
  // An SNS envelope: the alarm is the JSON string in `Message`.
  if (value.Type === 'Notification' && typeof value.Message === 'string') {
    return alarmFromJson(parseJsonText(value.Message), depth + 1);
  }
  if (typeof value.AlarmName === 'string' && 'NewStateValue' in value) return fromSnsAlarm(value);
  if (value['detail-type'] === 'CloudWatch Alarm State Change') return fromEventBridge(value);
  return null;
}

/** The CloudWatch alarm message SNS delivers (AlarmName, NewStateValue, AlarmArn, …). */
function fromSnsAlarm(msg: Record<string, unknown>): ParsedAlarm | null {
  const state = alarmState(msg.NewStateValue);
  const time = isoTime(msg.StateChangeTime);
  const arn = typeof msg.AlarmArn === 'string' ? parseAlarmArn(msg.AlarmArn) : undefined;
  // Without the ARN only the display name says where the alarm is: not good enough.
  if (!state || !time || !arn) return null;
  return {
    alarmName: msg.AlarmName as string,
    state,
    previousState: alarmState(msg.OldStateValue),
    stateChangeTime: time,
    region: arn.region,
    accountId: typeof msg.AWSAccountId === 'string' ? msg.AWSAccountId : arn.accountId,
    alarmArn: arn.arn,
    reason: typeof msg.NewStateReason === 'string' ? msg.NewStateReason : undefined,
  };
}

/** The EventBridge event: `detail.alarmName`, `detail.state`, the alarm ARN in `resources`. */
function fromEventBridge(event: Record<string, unknown>): ParsedAlarm | null {
  const detail = isObject(event.detail) ? event.detail : {};
  const current = isObject(detail.state) ? detail.state : {};
  const previous = isObject(detail.previousState) ? detail.previousState : {};
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const arn = resources.map((r) => (typeof r === 'string' ? (parseAlarmArn(r) ?? findAlarmArn(r)) : undefined)).find(Boolean);
  const eventRegion = typeof event.region === 'string' && isRegionCode(event.region) ? event.region : undefined;
  const alarmName = typeof detail.alarmName === 'string' ? detail.alarmName : arn?.alarmName;
  const state = alarmState(current.value);
  const time = isoTime(current.timestamp) ?? isoTime(event.time);
  const region = arn?.region ?? eventRegion;
  if (!alarmName || !state || !time || !region) return null;
  return {
    alarmName,
    state,
    previousState: alarmState(previous.value),
    stateChangeTime: time,
    region,
    accountId: typeof event.account === 'string' ? event.account : arn?.accountId,
    alarmArn: arn?.arn,
    reason: typeof current.reason === 'string' ? current.reason : undefined,
  };
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
