/**
 * Redis dropping the bot's connections (a failover, a network blip): the bot reconnects by
 * itself, and /investigate starts runs again without a restart. Meanwhile a command is
 * answered at once ("try again"), never left to Slack's 3-second timeout.
 */
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { eventually, startBotHarness, textOf, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness | undefined;

afterAll(async () => {
  await h?.stop();
});

async function clientIds(admin: Redis): Promise<Set<string>> {
  const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
  return new Set([...list.matchAll(/^id=(\d+) /gm)].map((m) => m[1]!));
}

describe('a bot whose Redis connections are cut', () => {
  it('answers within Slack\'s time meanwhile, and starts runs again once it has reconnected', async () => {
    const admin = redis.connect();
    const before = await clientIds(admin);
    h = await startBotHarness(redis);
    const bots = [...(await clientIds(admin))].filter((id) => !before.has(id));
    expect(bots.length).toBeGreaterThan(0);

    // One at a time: CLIENT KILL's filters are ANDed. (The harness's own clients reconnect too.)
    for (const id of bots) await admin.call('CLIENT', 'KILL', 'ID', id);
    const during = await h.slash('root-logins since=2h');
    expect(during.status).toBe(200);
    expect(during.ms).toBeLessThan(3_000);

    const runId = await eventually(async () => {
      const answer = await h!.slash('root-logins since=2h');
      return /run `([0-9a-f-]{36})`/.exec(textOf(answer.body))?.[1];
    }, 60_000);
    const job = await eventually(() => h!.runs.getJob(`run-${runId}`).catch(() => undefined), 60_000);
    expect(job.data).toMatchObject({ runId, runbookId: 'root-logins', source: 'slash' });
  });
});
