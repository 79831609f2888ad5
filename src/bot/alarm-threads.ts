/**
 * Alarm threads in Redis: which post is the thread of an alarm's latest ALARM state (so its
 * OK post can note the recovery there), and which posts have been seen (so notes the bot
 * posts are posted once when Slack delivers a post again).
 *
 * Keys, under the deployment's prefix:
 *   <prefix>alarm:thread:<channel>:<alarm name>   the ALARM post's ts, kept 30 days
 *   <prefix>alarm:seen:<channel>:<post ts>        set on a post's first delivery, kept 1 day
 */
import type { Redis } from 'ioredis';
import type { AlarmThreads } from '../slack/listeners/index.js';

const THREAD_TTL_SECONDS = 30 * 86_400;
/** Slack retries a delivery for minutes, not days. */
const SEEN_TTL_SECONDS = 86_400;

export class RedisAlarmThreads implements AlarmThreads {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(channel: string, alarmName: string, threadTs: string): Promise<void> {
    await this.redis.set(this.threadKey(channel, alarmName), threadTs, 'EX', THREAD_TTL_SECONDS);
  }

  async find(channel: string, alarmName: string): Promise<string | undefined> {
    return (await this.redis.get(this.threadKey(channel, alarmName))) ?? undefined;
  }

  async firstDelivery(channel: string, messageTs: string): Promise<boolean> {
    const set = await this.redis.set(`${this.prefix}alarm:seen:${channel}:${messageTs}`, '1', 'EX', SEEN_TTL_SECONDS, 'NX');
    return set === 'OK';
  }

  private threadKey(channel: string, alarmName: string): string {
    return `${this.prefix}alarm:thread:${channel}:${alarmName}`;
  }
}
