/**
 * Reads a CloudWatch alarm state change from a Slack post: first as posted JSON (the SNS alarm
 * message or the EventBridge event, fenced or not, in the text, an attachment or a block), then
 * as a human-readable notification (AWS Chatbot / Amazon Q Developer, SNS-to-Slack apps).
 *
 * A post whose alarm JSON cannot be read (cut off, malformed, fields missing) is unreadable:
 * it is not read again as prose, where a fragment could pass for an alarm with a guessed time.
 * Anything else is `null`: not an alarm, ignored.
 */
import { alarmFromReadablePost } from './chatbot-alarm.js';
import { alarmFromJson, readJsonText } from './json-alarm.js';
import { messageTexts } from './message-text.js';
import type { AlarmReading, ParsedAlarm, SlackMessageEvent } from './types.js';

export function readAlarmPost(event: SlackMessageEvent): AlarmReading {
  const texts = messageTexts(event);
  let unreadable: AlarmReading = null;
  for (const text of texts) {
    const json = readJsonText(text);
    const reading = json === undefined ? null : json.kind === 'broken' ? ({ kind: 'unreadable', problem: json.problem } as const) : alarmFromJson(json.value);
    // A readable copy elsewhere in the post (the fallback text of a cut-off block) wins.
    if (reading?.kind === 'alarm') return reading;
    unreadable ??= reading;
  }
  if (unreadable) return unreadable;
  const alarm = alarmFromReadablePost(texts, event);
  return alarm ? { kind: 'alarm', alarm } : null;
}

/** The alarm a post carries, or null (no alarm, or one that cannot be read). */
export function parseAlarmPost(event: SlackMessageEvent): ParsedAlarm | null {
  const reading = readAlarmPost(event);
  return reading?.kind === 'alarm' ? reading.alarm : null;
}
