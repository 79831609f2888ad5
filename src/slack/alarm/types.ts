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
  /**
   * A composite alarm's child alarms that put it in its state (or, when the message does not
   * list them, the alarms its rule needs in ALARM): the alarms runbooks are written for.
   * Absent for a metric alarm.
   */
  children?: ChildAlarm[];
}

/** A child alarm of a composite alarm: its name, and where it is when its ARN says so. */
export interface ChildAlarm {
  alarmName: string;
  region?: string;
  accountId?: string;
}

/**
 * What a post says: an alarm; an alarm message that cannot be read (JSON cut off or
 * malformed, or a CloudWatch message without the fields a run needs), with why; or, as
 * `null`, no alarm at all.
 */
export type AlarmReading = { kind: 'alarm'; alarm: ParsedAlarm } | { kind: 'unreadable'; problem: string } | null;

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
