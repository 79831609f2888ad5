/**
 * The signed Slack requests the bot has accepted, in Redis, so that every bot replica refuses
 * one sent again (slack/request-guard.ts).
 *
 * Key, under the deployment's prefix:
 *   <prefix>slack:seen:<sha-256 of the request's signature>   kept while the signature is valid
 */
import type { Redis } from 'ioredis';
import type { SeenRequests } from '../slack/app.js';

export class RedisSeenRequests implements SeenRequests {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async firstSighting(key: string, ttlMs: number): Promise<boolean> {
    // One atomic SET NX: of two replicas taking the same request at once, exactly one wins.
    const set = await this.redis.set(`${this.prefix}slack:seen:${key}`, '1', 'PX', Math.ceil(ttlMs), 'NX');
    return set === 'OK';
  }
}
