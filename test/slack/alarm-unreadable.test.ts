/**
 * A post from a configured alarm source, in a watched channel, that the bot cannot read as an
 * alarm: one quiet log line naming the channel and why, never silence; other posts stay unlogged.
 */
import { Writable } from 'node:stream';
import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { ListenerDeps } from '../../src/slack/listeners/deps.js';
import { onMessage } from '../../src/slack/listeners/alarm.js';
import type { SlackMessageEvent } from '../../src/slack/alarm/index.js';

function listener() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const deps = {
    alarmSources: { channels: ['C0ALARMS'], botIds: ['B0CHATBOT'], appIds: [] },
    logger: createLogger({ level: 'info' }, sink),
  } as unknown as ListenerDeps;
  // Nothing is posted for an unreadable post: any Slack call would throw here.
  const client = {} as webApi.WebClient;
  return { lines, send: (event: Partial<SlackMessageEvent>) => onMessage(deps, client, { type: 'message', ts: '1793620752.004100', ...event } as SlackMessageEvent) };
}

describe('alarm channel posts the bot cannot read', () => {
  it('logs one info line naming the channel and why, for a post from an alarm source', async () => {
    const { lines, send } = listener();
    await send({ channel: 'C0ALARMS', bot_id: 'B0CHATBOT', text: 'ALARM: "Disk full" in US East (N. Virginia)' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      channel: 'C0ALARMS',
      why: 'no region for alarm "Disk full": no CloudWatch console link or alarm ARN names one',
      msg: 'a post in alarm channel C0ALARMS was not read as an alarm: no region for alarm "Disk full": no CloudWatch console link or alarm ARN names one',
    });
  });

  it('logs nothing for posts that are not from an alarm source or not in a watched channel', async () => {
    const { lines, send } = listener();
    await send({ channel: 'C0ALARMS', text: 'is the disk alarm real?' });
    await send({ channel: 'C0OTHER', bot_id: 'B0CHATBOT', text: 'ALARM: "Disk full" in US East (N. Virginia)' });
    expect(lines).toEqual([]);
  });
});
