/**
 * A CloudWatch alarm state change, as read from a Slack post, and the parts of a Slack message
 * event the reader looks at.
 */

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export interface ParsedAlarm {
  alarmName: string;
  state: AlarmState;
  previousState?: AlarmState;
  /** ISO 8601, UTC. */
  stateChangeTime: string;
  /** A region code (us-east-1), taken from the alarm ARN or the console URL. */
  region: string;
  accountId?: string;
  alarmArn?: string;
  reason?: string;
}

/** The parts of a Slack `message` event (Events API) that can carry an alarm. */
export interface SlackMessageEvent {
  type?: string;
  subtype?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  text?: string;
  bot_id?: string;
  app_id?: string;
  bot_profile?: { app_id?: string };
  attachments?: SlackAttachment[];
  blocks?: unknown[];
}

export interface SlackAttachment {
  fallback?: string;
  pretext?: string;
  title?: string;
  title_link?: string;
  text?: string;
  footer?: string;
  color?: string;
  fields?: { title?: string; value?: string }[];
  /** Attachments may hold Block Kit blocks too. */
  blocks?: unknown[];
}
