/**
 * Alarm posts formatted for people rather than machines: AWS Chatbot / Amazon Q Developer
 * notifications and SNS-to-Slack integrations that lay the alarm out in attachments or blocks.
 * These carry the alarm's console URL (or its ARN), which names the alarm and its region, and
 * say the state in words, emoji or colour. A post whose alarm, region or state cannot be read
 * with confidence is not an alarm.
 */
import { findAlarmArn, findConsoleAlarmUrl, findGoViewAlarmArn, parseAlarmArn } from './locators.js';
import { snsEmailAlarm } from './sns-email-alarm.js';
import type { AlarmState, ParsedAlarm, SlackMessageEvent } from './types.js';

// CloudWatch writes states in capitals; matching them case-sensitively keeps "the Alarm
// name" or "ok" in prose from reading as a state. Labels may be capitalised either way.
const STATE = String.raw`(ALARM|OK|INSUFFICIENT[_ ]DATA)`;
// Markup between a label and its value (`*`, `_`, a backtick, ": "), on the same line.
const GAP = String.raw`[^\w\n]{0,4}`;

/** Ways posts say the state, most explicit first; each yields [current, previous?]. */
const STATE_PATTERNS: { pattern: RegExp; current: number; previous?: number }[] = [
  // "State changed from OK to ALARM", "from *OK* to *ALARM*"
  { pattern: new RegExp(String.raw`\bfrom${GAP}${STATE}${GAP}\s+to${GAP}${STATE}\b`), current: 2, previous: 1 },
  // "Current State: ALARM", "*New state:* ALARM", "State: `ALARM`" (not "Old State: …")
  { pattern: new RegExp(String.raw`\b(?<!(?:[Oo]ld|[Pp]revious|[Pp]rior) )[Ss]tate${GAP}${STATE}\b`), current: 1 },
  // CloudWatch's own reason text: "(minimum 1 datapoint for OK -> ALARM transition)"
  { pattern: new RegExp(String.raw`\bfor ${STATE} -> ${STATE} transition`), current: 2, previous: 1 },
  // The SNS e-mail subject: ALARM: "RootAccountUsage" in US East (N. Virginia)
  { pattern: new RegExp(String.raw`^\W*${STATE}:\s`, 'm'), current: 1 },
  { pattern: new RegExp(String.raw`\bin ${STATE} state\b`), current: 1 },
];

// "Old State: OK", laid out next to the current state.
const PREVIOUS_STATE = new RegExp(String.raw`\b(?:[Oo]ld|[Pp]revious|[Pp]rior) [Ss]tate${GAP}${STATE}\b`);

const ALARM_EMOJI = [':rotating_light:', '🚨', ':red_circle:', '🔴', ':fire:'];
const OK_EMOJI = [':white_check_mark:', '✅', ':large_green_circle:', '🟢', ':heavy_check_mark:'];
const ALARM_COLORS = new Set(['danger', 'd13212', 'ff0000', 'e01e5a', 'cc0000']);
const OK_COLORS = new Set(['good', '1d8102', '36a64f', '2eb886']);

export function alarmFromReadablePost(texts: readonly string[], event: SlackMessageEvent): ParsedAlarm | null {
  return readReadablePost(texts, event).alarm;
}

/** The alarm of a readable post, or why the post cannot be read as one. */
export function readReadablePost(texts: readonly string[], event: SlackMessageEvent): { alarm: ParsedAlarm; why?: undefined } | { alarm: null; why: string } {
  const all = texts.join('\n');
  const url = findConsoleAlarmUrl(all);
  const email = snsEmailAlarm(all);
  // Whole ARNs first (a go/view link, the e-mail's details line); one in free text stops at the first space.
  const arn = findGoViewAlarmArn(all) ?? (email?.arn ? parseAlarmArn(email.arn) : undefined) ?? findAlarmArn(all);
  // The URL holds the whole (encoded) name, as does a whole ARN and the e-mail's Name line.
  const alarmName = url?.alarmName ?? email?.alarmName ?? arn?.alarmName;
  const region = arn?.region ?? url?.region;
  const states = readState(texts, event);
  // The post follows the state change within seconds; it is the best time these posts give,
  // unless the e-mail form says when.
  const time = email?.time ?? slackTsToIso(event.ts);
  if (!alarmName) return { alarm: null, why: 'no alarm name: no CloudWatch console link, alarm ARN or SNS e-mail subject' };
  if (!region) return { alarm: null, why: `no region for alarm "${alarmName}": no CloudWatch console link or alarm ARN names one` };
  if (!states) return { alarm: null, why: `no state for alarm "${alarmName}": nothing says ALARM, OK or INSUFFICIENT_DATA` };
  if (!time) return { alarm: null, why: `no time for alarm "${alarmName}"` };
  return {
    alarm: {
      alarmName,
      state: states.current,
      previousState: states.previous,
      stateChangeTime: time,
      region,
      accountId: arn?.accountId ?? email?.accountId ?? /\bAccount(?: ID)?\W{0,3}(\d{12})\b/i.exec(all)?.[1],
      alarmArn: arn?.arn,
      reason: email?.reason ?? texts.find((t) => /^Threshold Crossed|datapoints? \[/.test(t))?.trim(),
    },
  };
}

function readState(texts: readonly string[], event: SlackMessageEvent): { current: AlarmState; previous?: AlarmState } | undefined {
  const all = texts.join('\n');
  for (const { pattern, current, previous } of STATE_PATTERNS) {
    const m = pattern.exec(all);
    if (!m) continue;
    const before = previous ? m[previous] : PREVIOUS_STATE.exec(all)?.[1];
    return { current: normalize(m[current]!), previous: before ? normalize(before) : undefined };
  }
  if (ALARM_EMOJI.some((e) => all.includes(e))) return { current: 'ALARM' };
  if (OK_EMOJI.some((e) => all.includes(e))) return { current: 'OK' };
  for (const a of event.attachments ?? []) {
    const color = a.color?.replace(/^#/, '').toLowerCase();
    if (color && ALARM_COLORS.has(color)) return { current: 'ALARM' };
    if (color && OK_COLORS.has(color)) return { current: 'OK' };
  }
  return undefined;
}

function normalize(state: string): AlarmState {
  const upper = state.toUpperCase().replace(' ', '_');
  return upper === 'ALARM' || upper === 'OK' ? upper : 'INSUFFICIENT_DATA';
}

/** Slack's `ts` ("1715677965.123459") as an ISO time. */
export function slackTsToIso(ts: string | undefined): string | undefined {
  if (!ts || !/^\d+(\.\d+)?$/.test(ts)) return undefined;
  return new Date(Math.floor(Number(ts) * 1000)).toISOString();
}
