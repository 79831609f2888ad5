/**
 * A message to one person in their direct messages with the app: for when the channel a run
 * was started in is what failed (the bot is not in the private channel, the channel is gone),
 * so the person who started the run is not left waiting for a thread that never comes.
 */
import type { webApi } from '@slack/bolt';
import { channelMention } from '../model/text.js';
import type { RunRecord } from '../model/run.js';
import { renderRefusal } from './render/index.js';

const PERSON = /^[UW][A-Z0-9]{2,}$/;

/**
 * Tells the person who started a run that it stopped, and why, outside its channel. False
 * when there is nobody to tell (an alarm started it).
 */
export async function tellRequesterRunStopped(
  client: { chat: Pick<webApi.WebClient['chat'], 'postMessage'> },
  record: Pick<RunRecord, 'context' | 'slack'>,
  why: string,
): Promise<boolean> {
  const { runId, runbookId, requestedBy } = record.context;
  if (!PERSON.test(requestedBy)) return false;
  const message = renderRefusal([`Run ${runId} (${runbookId}), started in `, channelMention(record.slack.channel), `, ${why}`], [
    `/investigate status ${runId} shows the steps it finished.`,
  ]);
  // A user id as the channel: Slack posts in the app's direct messages with that person.
  await client.chat.postMessage({ channel: requestedBy, ...message });
  return true;
}
