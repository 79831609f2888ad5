/**
 * Reads a CloudWatch alarm state change from a Slack post: first as posted JSON (the SNS alarm
 * message or the EventBridge event, fenced or not, in the text, an attachment or a block), then
 * as a human-readable notification (AWS Chatbot / Amazon Q Developer, SNS-to-Slack apps).
 * Anything else is `null`: not an alarm, ignored.
 */
import { readReadablePost } from './chatbot-alarm.js';
import { alarmFromJson, parseJsonText } from './json-alarm.js';
import { messageTexts } from './message-text.js';
import type { ParsedAlarm, SlackMessageEvent } from './types.js';

export function parseAlarmPost(event: SlackMessageEvent): ParsedAlarm | null {
  return readAlarmPost(event).alarm;
}

/** The alarm of a post, or why it could not be read as one (for the log of an alarm channel). */
export function readAlarmPost(event: SlackMessageEvent): { alarm: ParsedAlarm; why?: undefined } | { alarm: null; why: string } {
  const texts = messageTexts(event);
  if (texts.length === 0) return { alarm: null, why: 'the post has no text, attachments or blocks to read' };
  for (const text of texts) {
    const json = parseJsonText(text);
    const alarm = json === undefined ? null : alarmFromJson(json);
    if (alarm) return { alarm };
  }
  return readReadablePost(texts, event);
}
