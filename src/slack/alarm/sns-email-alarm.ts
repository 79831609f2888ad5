/**
 * The SNS e-mail form of a CloudWatch alarm, as e-mail-to-Slack forwarding (or a person) posts
 * it: the subject `ALARM: "name" in US East (N. Virginia)`, then the body CloudWatch writes,
 * whose "Alarm Details" list names the alarm, its ARN, the state change, the reason and the
 * time. Read line by line, so an alarm name with spaces is whole (an ARN in free text would
 * stop at the first space).
 */

export interface SnsEmailAlarm {
  alarmName?: string;
  /** The ARN as the details list gives it, to the end of its line. */
  arn?: string;
  /** The state change time, ISO. */
  time?: string;
  reason?: string;
  accountId?: string;
}

const SUBJECT = /^\W*(?:ALARM|OK|INSUFFICIENT[_ ]DATA):\s+"(.+)"\s+in\s+\S.*$/m;
const DETAIL = (label: string) => new RegExp(String.raw`^\s*-?\s*${label}:[ \t]+(\S.*?)\s*$`, 'm');

export function snsEmailAlarm(text: string): SnsEmailAlarm | undefined {
  const subject = SUBJECT.exec(text)?.[1];
  const name = DETAIL('Name').exec(text)?.[1];
  const arn = DETAIL('Alarm Arn').exec(text)?.[1];
  if (subject === undefined && !(name && arn)) return undefined;
  const timestamp = DETAIL('Timestamp').exec(text)?.[1];
  return {
    alarmName: name ?? subject,
    arn,
    time: timestamp ? emailTime(timestamp) : undefined,
    reason: DETAIL('Reason for State Change').exec(text)?.[1],
    accountId: DETAIL('AWS Account').exec(text)?.[1]?.match(/^\d{12}$/)?.[0],
  };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** CloudWatch's e-mail time, "Monday 02 November, 2026 11:59:12 UTC", as ISO. */
export function emailTime(text: string): string | undefined {
  const m = /(\d{1,2}) ([A-Za-z]+),? (\d{4}) (\d{2}):(\d{2}):(\d{2}) UTC/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return undefined;
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
