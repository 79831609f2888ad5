export { parseAlarmPost, readAlarmPost } from './parse.js';
export { isAlarmSourcePost, type AlarmSources } from './source.js';
export { matchAlarm, alarmNameMatches, type TriggeredRunbook } from './match.js';
export { ALARM_STATES, type AlarmState, type ParsedAlarm, type SlackMessageEvent, type SlackAttachment } from './types.js';
