/**
 * Which Slack messages may be alarm posts: new top-level messages in a configured alarm
 * channel, posted by one of the configured alarm bots or apps. Anyone can type an alarm's
 * JSON into a channel; only the integration's own posts may start a run.
 */
import type { SlackMessageEvent } from './types.js';

export interface AlarmSources {
  channels: readonly string[];
  botIds: readonly string[];
  appIds: readonly string[];
}

/** Subtypes that are not a new post (edits, deletions, joins, thread broadcasts…). */
const ACCEPTED_SUBTYPES = new Set([undefined, 'bot_message']);

export function isAlarmSourcePost(event: SlackMessageEvent, sources: AlarmSources): boolean {
  if (!event.channel || !sources.channels.includes(event.channel)) return false;
  if (!ACCEPTED_SUBTYPES.has(event.subtype)) return false;
  // A reply in a thread (ours included) is never a new alarm.
  if (event.thread_ts !== undefined && event.thread_ts !== event.ts) return false;
  const appId = event.app_id ?? event.bot_profile?.app_id;
  return (
    (event.bot_id !== undefined && sources.botIds.includes(event.bot_id)) ||
    (appId !== undefined && sources.appIds.includes(appId))
  );
}
