/**
 * Alarm threads in Redis: which post is the thread of an alarm's latest ALARM state (so its
 * OK post can note the recovery there), and which posts have been seen (so notes the bot
 * posts are posted once when Slack delivers a post again).
 *
 * Keys, under the deployment's prefix:
 *   <prefix>alarm:thread:<channel>:<account>:<region>:<alarm name>   the ALARM post's ts, kept 30 days
 *     (account `-` when the post does not say it)
 *   <prefix>alarm:seen:<channel>:<post ts>        set on a post's first delivery, kept 1 day
 */
import type { Redis } from 'ioredis';
import type { AlarmIdentity, AlarmThreads } from '../slack/listeners/index.js';

const THREAD_TTL_SECONDS = 30 * 86_400;
/** Slack retries a delivery for minutes, not days. */
const SEEN_TTL_SECONDS = 86_400;

export class RedisAlarmThreads implements AlarmThreads {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(channel: string, alarm: AlarmIdentity, threadTs: string): Promise<void> {
    await this.redis.set(this.threadKey(channel, alarm), threadTs, 'EX', THREAD_TTL_SECONDS);
  }

  async find(channel: string, alarm: AlarmIdentity): Promise<string | undefined> {
    return (await this.redis.get(this.threadKey(channel, alarm))) ?? undefined;
  }

  async firstDelivery(channel: string, messageTs: string): Promise<boolean> {
    const set = await this.redis.set(`${this.prefix}alarm:seen:${channel}:${messageTs}`, '1', 'EX', SEEN_TTL_SECONDS, 'NX');
    return set === 'OK';
  }

  private threadKey(channel: string, alarm: AlarmIdentity): string {
    return `${this.prefix}alarm:thread:${channel}:${alarm.accountId ?? '-'}:${alarm.region}:${alarm.alarmName}`;
  }
}
