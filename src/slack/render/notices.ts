/**
 * Short messages around runs: why a command was refused (shown only to its author), and the
 * "recovered" note an OK alarm post adds to the alarm's thread.
 */
import type { ParsedAlarm } from '../alarm/types.js';
import { mrkdwnSection } from './layout.js';
import { fitMessage, type SlackMessage } from './limits.js';
import { botTextMrkdwn, escapeMrkdwn, inlineCode, slackTime } from './mrkdwn.js';
import type { BotText } from '../../model/text.js';

/**
 * `⚠️ headline` and one bullet per problem (e.g. every bad parameter at once). Text is
 * escaped; the mentions the bot wrote as such (model/text.ts) stay mentions.
 */
export function renderRefusal(headline: BotText, problems: readonly BotText[] = []): SlackMessage {
  const bullets = problems.map((p) => `• ${botTextMrkdwn(p)}`).join('\n');
  const text = `⚠️ ${botTextMrkdwn(headline)}${bullets ? `\n${bullets}` : ''}`;
  const fallback = `${botTextMrkdwn(headline)}${problems.length ? `: ${problems.map(botTextMrkdwn).join('; ')}` : ''}`;
  return fitMessage({ text: fallback, blocks: [mrkdwnSection(text)] });
}

export function renderAlarmRecovered(alarm: ParsedAlarm): SlackMessage {
  const text = `✅ ${inlineCode(alarm.alarmName)} is back to *OK* ${slackTime(alarm.stateChangeTime)}${
    alarm.reason ? `\n${escapeMrkdwn(alarm.reason)}` : ''
  }`;
  return fitMessage({ text: `Recovered: ${escapeMrkdwn(alarm.alarmName)} is OK`, blocks: [mrkdwnSection(text)] });
}
