/**
 * Composite alarms and alarm JSON that cannot be read, as posted by SNS-to-Slack relays: the
 * child alarms that raised a composite are read from where CloudWatch says them; a message cut
 * off or malformed is unreadable with why (never read again as prose, which could pass for an
 * alarm), and a CloudWatch message without its state, time or ARN says which it lacks.
 */
import { describe, expect, it } from 'vitest';
import { matchAlarmPost, parseAlarmPost, readAlarmPost, type SlackMessageEvent } from '../../src/slack/alarm/index.js';

const ACCOUNT = '123456789012';
const arn = (name: string, region = 'us-east-1', account = ACCOUNT) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

/** The SNS message CloudWatch sends for a composite alarm. */
function snsComposite(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AlarmName: 'prod-SecurityComposite',
    AlarmDescription: null,
    AWSAccountId: ACCOUNT,
    NewStateValue: 'ALARM',
    NewStateReason: `${arn('prod-RootLogin')} transitioned to ALARM at Monday 02 November, 2026 11:59:12 UTC`,
    StateChangeTime: '2026-11-02T11:59:12.331+0000',
    Region: 'US East (N. Virginia)',
    AlarmArn: arn('prod-SecurityComposite'),
    OldStateValue: 'OK',
    AlarmRule: 'ALARM("prod-RootLogin") OR ALARM(prod-AccessKeyLeak)',
    TriggeringChildren: [{ Arn: arn('prod-RootLogin', 'eu-west-1', '210987654321'), State: { Value: 'ALARM', Timestamp: '2026-11-02T11:59:12.100+0000' } }],
    ...overrides,
  };
}

const post = (text: string): SlackMessageEvent => ({ type: 'message', subtype: 'bot_message', ts: '1793620752.000100', text });

/** The EventBridge event of a composite alarm's state change. */
function eventBridgeComposite(triggering: unknown[]): Record<string, unknown> {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2026-11-02T11:59:13Z',
    region: 'us-east-1',
    resources: [arn('prod-SecurityComposite')],
    detail: {
      alarmName: 'prod-SecurityComposite',
      state: {
        value: 'ALARM',
        reason: `${arn('prod-AccessKeyLeak')} transitioned to ALARM at Monday 02 November, 2026 11:59:12 UTC`,
        reasonData: JSON.stringify({ triggeringAlarms: triggering }),
        timestamp: '2026-11-02T11:59:12.331+0000',
      },
      previousState: { value: 'OK', timestamp: '2026-11-01T08:00:00.000+0000' },
      configuration: { alarmRule: 'ALARM(prod-RootLogin) OR ALARM(prod-AccessKeyLeak)', actionsSuppressor: null },
    },
  };
}

describe('composite alarms', () => {
  it('reads the triggering children of the SNS message, each where its ARN says', () => {
    expect(parseAlarmPost(post(JSON.stringify(snsComposite())))).toEqual({
      alarmName: 'prod-SecurityComposite',
      state: 'ALARM',
      previousState: 'OK',
      stateChangeTime: '2026-11-02T11:59:12.331Z',
      region: 'us-east-1',
      accountId: ACCOUNT,
      alarmArn: arn('prod-SecurityComposite'),
      reason: `${arn('prod-RootLogin')} transitioned to ALARM at Monday 02 November, 2026 11:59:12 UTC`,
      children: [{ alarmName: 'prod-RootLogin', region: 'eu-west-1', accountId: '210987654321' }],
    });
  });

  it('reads the triggering alarms of the EventBridge event (reasonData), leaving out children in other states', () => {
    const event = eventBridgeComposite([
      { arn: arn('prod-AccessKeyLeak'), state: { value: 'ALARM', timestamp: '2026-11-02T11:59:12.100+0000' } },
      { arn: arn('prod-Maintenance'), state: { value: 'OK', timestamp: '2026-11-02T11:00:00.000+0000' } },
    ]);
    expect(parseAlarmPost(post(`\`\`\`${JSON.stringify(event)}\`\`\``))?.children).toEqual([{ alarmName: 'prod-AccessKeyLeak', region: 'us-east-1', accountId: ACCOUNT }]);
  });

  it('falls back to the ARNs of the reason, then to the alarms the rule needs in ALARM', () => {
    const noTriggering = snsComposite({ TriggeringChildren: undefined });
    expect(parseAlarmPost(post(JSON.stringify(noTriggering)))?.children).toEqual([{ alarmName: 'prod-RootLogin', region: 'us-east-1', accountId: ACCOUNT }]);
    const ruleOnly = snsComposite({ TriggeringChildren: undefined, NewStateReason: 'ALARM', AlarmRule: `ALARM("prod-RootLogin") OR (ALARM('a b') AND NOT OK(${arn('x')})) OR ALARM(${arn('prod-AccessKeyLeak')})` });
    expect(parseAlarmPost(post(JSON.stringify(ruleOnly)))?.children).toEqual([
      { alarmName: 'prod-RootLogin' },
      { alarmName: 'a b' },
      { alarmName: 'prod-AccessKeyLeak', region: 'us-east-1', accountId: ACCOUNT },
    ]);
  });

  it('a metric alarm has no children', () => {
    expect(parseAlarmPost(post(JSON.stringify(snsComposite({ AlarmRule: undefined, TriggeringChildren: undefined }))))).not.toHaveProperty('children');
  });

  it('starts the runbooks its children match, one run per runbook, the first matching child saying where', () => {
    const runbooks = [
      { id: 'root-logins', triggers: { alarms: ['*RootLogin*'] } },
      { id: 'key-usage', triggers: { alarms: ['*AccessKeyLeak*'] } },
      { id: 'composite-own', triggers: { alarms: ['*SecurityComposite'] } },
      { id: 'cpu', triggers: { alarms: ['*CPU*'] } },
    ];
    const children = [{ alarmName: 'prod-RootLogin', region: 'eu-west-1' }, { alarmName: 'prod-AccessKeyLeak' }, { alarmName: 'eu-RootLogin', region: 'eu-central-1' }];
    expect(matchAlarmPost({ alarmName: 'prod-SecurityComposite', children }, runbooks)).toEqual([
      { runbook: runbooks[2] },
      { runbook: runbooks[1], child: children[1] },
      { runbook: runbooks[0], child: children[0] },
    ]);
    expect(matchAlarmPost({ alarmName: 'Composite', children: [{ alarmName: 'HighCPU-disk' }] }, runbooks.slice(0, 2))).toEqual([]);
  });
});

describe('alarm JSON that cannot be read', () => {
  const whole = JSON.stringify(snsComposite({ AlarmRule: undefined, TriggeringChildren: undefined }));

  it('a message cut off by the relay is unreadable, not an alarm read from the fragment', () => {
    // The fragment still holds the ARN and "OK -> ALARM": read as prose it would pass for an alarm.
    const full = JSON.stringify({ ...JSON.parse(whole), NewStateReason: 'Threshold Crossed (minimum 1 datapoint for OK -> ALARM transition).' });
    const cut = full.slice(0, full.indexOf('"OldStateValue"') + 20);
    expect(cut).toContain(arn('prod-SecurityComposite'));
    expect(readAlarmPost(post(cut))).toEqual({ kind: 'unreadable', problem: expect.stringMatching(new RegExp(`^the alarm JSON is cut off after ${cut.length} characters \\(`)) });
    expect(readAlarmPost(post(`${whole.slice(0, 120)}…`))).toEqual({ kind: 'unreadable', problem: expect.stringMatching(/^the alarm JSON is cut off after 121 characters/) });
    expect(parseAlarmPost(post(cut))).toBeNull();
  });

  it('malformed JSON is unreadable, saying where it breaks', () => {
    const broken = whole.replace('"NewStateValue":"ALARM",', '"NewStateValue":"ALARM",,');
    expect(readAlarmPost(post(broken))).toEqual({ kind: 'unreadable', problem: expect.stringMatching(/^the alarm JSON is malformed \(.*position \d+/) });
  });

  it('an SNS envelope whose Message is cut off says so', () => {
    const envelope = JSON.stringify({ Type: 'Notification', TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alarms`, Message: whole.slice(0, 200) });
    expect(readAlarmPost(post(envelope))).toEqual({ kind: 'unreadable', problem: expect.stringMatching(/^the SNS notification's Message: the alarm JSON is cut off after 200 characters/) });
  });

  it('a CloudWatch message without what a run needs names what it lacks', () => {
    const lacking = JSON.stringify({ ...JSON.parse(whole), AlarmArn: undefined, StateChangeTime: 'yesterday' });
    expect(readAlarmPost(post(lacking))).toEqual({ kind: 'unreadable', problem: 'the CloudWatch message of alarm "prod-SecurityComposite" has no usable StateChangeTime, AlarmArn' });
  });

  it('a readable copy elsewhere in the post wins over a cut-off one', () => {
    const event: SlackMessageEvent = { ...post(whole.slice(0, 300)), attachments: [{ text: whole }] };
    expect(readAlarmPost(event)).toMatchObject({ kind: 'alarm', alarm: { alarmName: 'prod-SecurityComposite', state: 'ALARM' } });
  });

  it('text that is not meant as alarm JSON is still no alarm at all', () => {
    expect(readAlarmPost(post('{ deploy finished }'))).toBeNull();
    expect(readAlarmPost(post('{"status": "ok"'))).toBeNull();
  });
});
