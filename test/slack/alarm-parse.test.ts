import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAlarmSourcePost, parseAlarmPost, whyNotAnAlarm, type SlackMessageEvent } from '../../src/slack/alarm/index.js';

function fixture(name: string): SlackMessageEvent {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as SlackMessageEvent;
}

describe('reading an alarm from a Slack post', () => {
  it('the CloudWatch SNS message posted as text (Slack-escaped)', () => {
    expect(parseAlarmPost(fixture('sns-alarm-text.json'))).toEqual({
      alarmName: 'RootAccountUsage',
      state: 'ALARM',
      previousState: 'OK',
      stateChangeTime: '2026-11-02T11:59:12.331Z',
      region: 'us-east-1',
      accountId: '123456789012',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:RootAccountUsage',
      reason:
        'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/11/26 11:58:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
    });
  });

  it('the SNS message in a ```json fence in an attachment, with a link Slack marked up', () => {
    expect(parseAlarmPost(fixture('sns-alarm-fenced-attachment.json'))).toMatchObject({
      alarmName: 'IAMPolicyChanges-prod',
      state: 'ALARM',
      region: 'eu-central-1',
      accountId: '210987654321',
      stateChangeTime: '2026-11-02T08:04:51.902Z',
    });
  });

  it('the SNS notification envelope with the alarm in Message, back to OK', () => {
    expect(parseAlarmPost(fixture('sns-envelope-ok.json'))).toMatchObject({
      alarmName: 'ConsoleSigninFailures',
      state: 'OK',
      previousState: 'ALARM',
      region: 'eu-west-1',
      stateChangeTime: '2026-11-02T13:15:02.017Z',
    });
  });

  it('the EventBridge "CloudWatch Alarm State Change" event in a rich-text code block', () => {
    expect(parseAlarmPost(fixture('eventbridge-state-change-blocks.json'))).toEqual({
      alarmName: 'CloudTrailConfigChanges',
      state: 'ALARM',
      previousState: 'OK',
      stateChangeTime: '2026-11-02T09:41:07.122Z',
      region: 'ap-southeast-2',
      accountId: '444455556666',
      alarmArn: 'arn:aws:cloudwatch:ap-southeast-2:444455556666:alarm:CloudTrailConfigChanges',
      reason:
        'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/11/26 09:40:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
    });
  });

  it('an AWS Chatbot attachment: name and region from the console link, state from the reason', () => {
    const event = fixture('chatbot-attachment-alarm.json');
    expect(parseAlarmPost(event)).toEqual({
      alarmName: 'UnauthorizedAPICalls',
      state: 'ALARM',
      previousState: 'OK',
      stateChangeTime: '2026-11-02T11:03:11.902Z', // the post's ts
      region: 'us-west-2',
      accountId: '123456789012',
      alarmArn: undefined,
      reason:
        'Threshold Crossed: 1 out of the last 1 datapoints [14.0 (02/11/26 10:58:00)] was greater than or equal to the threshold (10.0) (minimum 1 datapoint for OK -> ALARM transition).',
    });
  });

  it('an Amazon Q Developer post in blocks, with a slash and a space in the alarm name', () => {
    expect(parseAlarmPost(fixture('amazon-q-blocks-alarm.json'))).toMatchObject({
      alarmName: 'prod/Root Login',
      state: 'ALARM',
      previousState: 'OK',
      region: 'eu-central-1',
      accountId: '111122223333',
    });
  });

  it('an SNS-to-Slack app laying the alarm out in fields (INSUFFICIENT_DATA, GovCloud console)', () => {
    expect(parseAlarmPost(fixture('notify-slack-fields-insufficient.json'))).toMatchObject({
      alarmName: 'S3BucketPolicyChanges',
      state: 'INSUFFICIENT_DATA',
      previousState: 'ALARM',
      region: 'us-gov-west-1',
    });
  });

  it('ignores posts that are not alarms', () => {
    expect(parseAlarmPost(fixture('human-chatter.json'))).toBeNull();
    expect(parseAlarmPost(fixture('chatbot-health-event.json'))).toBeNull();
    expect(parseAlarmPost({ type: 'message', ts: '1793620800.000100', text: '{"AlarmName": "x"' })).toBeNull();
    expect(parseAlarmPost({ type: 'message', ts: '1793620800.000100', text: '```{"detail-type":"EC2 Instance State-change Notification"}```' })).toBeNull();
  });
});

describe('where the region comes from', () => {
  const sns = (overrides: Record<string, unknown>) => {
    const base = JSON.parse(fixture('sns-alarm-text.json').text!.replace(/&gt;/g, '>')) as Record<string, unknown>;
    return { type: 'message', ts: '1793620800.000100', text: JSON.stringify({ ...base, ...overrides }) };
  };

  it('is the alarm ARN, whatever the display name says', () => {
    const alarm = parseAlarmPost(sns({ Region: 'US East (N. Virginia)', AlarmArn: 'arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:RootAccountUsage' }));
    expect(alarm?.region).toBe('ap-northeast-3');
  });

  it('never the display name: without an ARN the SNS message is not enough', () => {
    expect(parseAlarmPost(sns({ AlarmArn: undefined }))).toBeNull();
  });

  it('is the console URL region parameter, not the console host', () => {
    const event: SlackMessageEvent = {
      type: 'message',
      ts: '1793620800.000100',
      text: 'State changed from OK to ALARM: <https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=ca-west-1#alarmsV2:alarm/Foo|Foo>',
    };
    expect(parseAlarmPost(event)).toMatchObject({ alarmName: 'Foo', region: 'ca-west-1', state: 'ALARM' });
  });

  it('is the ARN over the console URL when a post has both', () => {
    const event: SlackMessageEvent = {
      type: 'message',
      ts: '1793620800.000100',
      text: 'New state: ALARM\narn:aws:cloudwatch:sa-east-1:123456789012:alarm:Foo\nhttps://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/Foo',
    };
    expect(parseAlarmPost(event)).toMatchObject({ region: 'sa-east-1', accountId: '123456789012' });
  });
});

describe('which posts may be alarms', () => {
  const sources = { channels: ['C0ALARMS01', 'G0PRIVALRM'], botIds: ['B0SNSRELAY'], appIds: ['A6L22LZNH'] };

  it('top-level posts in an alarm channel from a configured bot or app', () => {
    expect(isAlarmSourcePost(fixture('sns-alarm-text.json'), sources)).toBe(true);
    expect(isAlarmSourcePost(fixture('chatbot-attachment-alarm.json'), sources)).toBe(true);
    expect(isAlarmSourcePost(fixture('amazon-q-blocks-alarm.json'), sources)).toBe(true);
  });

  it('not a person, another bot, another channel, a thread reply or an edit', () => {
    expect(isAlarmSourcePost(fixture('human-chatter.json'), sources)).toBe(false);
    expect(isAlarmSourcePost(fixture('eventbridge-state-change-blocks.json'), sources)).toBe(false);
    const alarm = fixture('sns-alarm-text.json');
    expect(isAlarmSourcePost({ ...alarm, channel: 'C0GENERAL' }, sources)).toBe(false);
    expect(isAlarmSourcePost({ ...alarm, thread_ts: '1793620000.000100' }, sources)).toBe(false);
    expect(isAlarmSourcePost({ ...alarm, subtype: 'message_changed' }, sources)).toBe(false);
  });
});

describe('alarm shapes posted for people: the SNS e-mail form and Chatbot go/view links', () => {
  const EMAIL = [
    'ALARM: "Root Account Usage" in US East (N. Virginia)',
    '',
    'You are receiving this email because your Amazon CloudWatch Alarm "Root Account Usage" in the US East (N. Virginia) region has entered the ALARM state, because "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/11/26 11:58:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -&gt; ALARM transition)." at "Monday 02 November, 2026 11:59:12 UTC".',
    '',
    'Alarm Details:',
    '- Name:                       Root Account Usage',
    '- Description:                Root user activity (CIS 1.7)',
    '- State Change:               OK -&gt; ALARM',
    '- Reason for State Change:    Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/11/26 11:58:00)] was greater than or equal to the threshold (1.0).',
    '- Timestamp:                  Monday 02 November, 2026 11:59:12 UTC',
    '- AWS Account:                123456789012',
    '- Alarm Arn:                  arn:aws:cloudwatch:us-east-1:123456789012:alarm:Root Account Usage',
  ].join('\n');
  const post = (fields: Partial<SlackMessageEvent>): SlackMessageEvent => ({ type: 'message', channel: 'C0ALARMS01', ts: '1793620752.004100', ...fields }) as SlackMessageEvent;

  it('the SNS e-mail (subject and body) as text: the whole name with its spaces, the region from the ARN, the time it states', () => {
    expect(parseAlarmPost(post({ text: EMAIL }))).toEqual({
      alarmName: 'Root Account Usage',
      state: 'ALARM',
      previousState: 'OK',
      stateChangeTime: '2026-11-02T11:59:12.000Z',
      region: 'us-east-1',
      accountId: '123456789012',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Root Account Usage',
      reason: 'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/11/26 11:58:00)] was greater than or equal to the threshold (1.0).',
    });
  });

  it('a Chatbot attachment whose link is console.aws.amazon.com/go/view?arn=<encoded alarm ARN>', () => {
    const arn = 'arn:aws:cloudwatch:eu-west-1:210987654321:alarm:Console sign-in failures';
    const alarm = parseAlarmPost(
      post({
        text: '',
        attachments: [
          {
            color: 'd13212',
            fallback: 'CloudWatch Alarm | Console sign-in failures | eu-west-1',
            title: ':rotating_light: CloudWatch Alarm | Console sign-in failures',
            title_link: `https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(arn)}&source=chatbot`,
            text: 'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (02/11/26 10:58:00)] was greater than or equal to the threshold (3.0) (minimum 1 datapoint for OK -&gt; ALARM transition).',
          },
        ],
      }),
    );
    expect(alarm).toMatchObject({ alarmName: 'Console sign-in failures', region: 'eu-west-1', accountId: '210987654321', alarmArn: arn, state: 'ALARM' });
  });

  it('says why a post cannot be read as an alarm', () => {
    expect(whyNotAnAlarm(post({ text: '' }))).toBe('the post has no text, attachments or blocks to read');
    expect(whyNotAnAlarm(post({ text: 'CloudWatch says something is wrong 🚨' }))).toBe(
      'no alarm name: no CloudWatch console link, alarm ARN or SNS e-mail subject',
    );
    expect(whyNotAnAlarm(post({ text: 'ALARM: "Disk" in US East (N. Virginia)' }))).toBe(
      'no region for alarm "Disk": no CloudWatch console link or alarm ARN names one',
    );
    expect(whyNotAnAlarm(post({ text: 'Alarm arn:aws:cloudwatch:us-east-1:123456789012:alarm:Disk changed' }))).toBe(
      'no state for alarm "Disk": nothing says ALARM, OK or INSUFFICIENT_DATA',
    );
  });
});
