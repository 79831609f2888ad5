/**
 * Short messages around runs: why a command was refused (shown only to its author), and the
 * "recovered" note an OK alarm post adds to the alarm's thread.
 */
import type { ParsedAlarm } from '../alarm/types.js';
import { mrkdwnSection } from './layout.js';
import { fitMessage, type SlackMessage } from './limits.js';
import { escapeMrkdwn, inlineCode, slackTime } from './mrkdwn.js';

/** `⚠️ headline` and one bullet per problem (e.g. every bad parameter at once). */
export function renderRefusal(headline: string, problems: readonly string[] = []): SlackMessage {
  const bullets = problems.map((p) => `• ${escapeMrkdwn(p)}`).join('\n');
  const text = `⚠️ ${escapeMrkdwn(headline)}${bullets ? `\n${bullets}` : ''}`;
  const fallback = escapeMrkdwn(`${headline}${problems.length ? `: ${problems.join('; ')}` : ''}`);
  return fitMessage({ text: fallback, blocks: [mrkdwnSection(text)] });
}

export function renderAlarmRecovered(alarm: ParsedAlarm): SlackMessage {
  const text = `✅ ${inlineCode(alarm.alarmName)} is back to *OK* ${slackTime(alarm.stateChangeTime)}${
    alarm.reason ? `\n${escapeMrkdwn(alarm.reason)}` : ''
  }`;
  return fitMessage({ text: `Recovered: ${escapeMrkdwn(alarm.alarmName)} is OK`, blocks: [mrkdwnSection(text)] });
}
