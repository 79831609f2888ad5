import { afterEach, describe, expect, it } from 'vitest';
import { startTestRedis, useTestRedis } from '../support/redis.js';

describe('the test Redis helper', () => {
  const redis = useTestRedis();

  it('gives a Redis that answers, and a fresh key prefix each time', async () => {
    const conn = redis.connect();
    expect(await conn.ping()).toBe('PONG');
    const a = redis.prefix();
    const b = redis.prefix();
    expect(a).not.toBe(b);
    await conn.set(`${a}k`, '1');
    expect(await conn.get(`${b}k`)).toBeNull();
  });

  it('runs the private server without persistence', async () => {
    if (!redis.ownServer) return expect(process.env.REDIS_URL).toBeTruthy();
    const conn = redis.connect();
    const [, save] = (await conn.config('GET', 'save')) as string[];
    const [, aof] = (await conn.config('GET', 'appendonly')) as string[];
    expect(save).toBe('');
    expect(aof).toBe('no');
  });
});

describe('without Redis', () => {
  const saved = { url: process.env.REDIS_URL, server: process.env.REDIS_SERVER };
  afterEach(() => {
    restore('REDIS_URL', saved.url);
    restore('REDIS_SERVER', saved.server);
  });

  it('fails with a message saying what to install or set', async () => {
    delete process.env.REDIS_URL;
    process.env.REDIS_SERVER = '/nonexistent/redis-server';
    await expect(startTestRedis()).rejects.toThrow(/redis-server.*not found.*Install Redis.*REDIS_URL/s);
  });

  it('names the unreachable REDIS_URL without its password', async () => {
    process.env.REDIS_URL = 'redis://:hunter2@127.0.0.1:1/0';
    const failure = startTestRedis({ startTimeoutMs: 300 });
    await expect(failure).rejects.toThrow(/does not answer/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
