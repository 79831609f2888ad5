export { parseAlarmPost, readAlarmPost } from './parse.js';
export { isAlarmSourcePost, type AlarmSources } from './source.js';
export { matchAlarm, matchAlarmPost, alarmNameMatches, type AlarmTrigger, type TriggeredRunbook } from './match.js';
export { ALARM_STATES, type AlarmState, type ParsedAlarm, type AlarmReading, type ChildAlarm, type SlackMessageEvent, type SlackAttachment } from './types.js';
