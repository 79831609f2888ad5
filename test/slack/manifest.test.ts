import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string) => parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

describe('slack/manifest.yaml', () => {
  const manifest = read('slack/manifest.yaml');

  it('asks for exactly the bot scopes the code uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['channels:history', 'chat:write', 'chat:write.public', 'commands', 'files:write', 'groups:history', 'usergroups:read', 'users:read'],
    );
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('declares /investigate, interactivity and the alarm channel events on Bolt\'s endpoint', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/investigate', should_escape: false })]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['message.channels', 'message.groups']);
    for (const url of [manifest.features.slash_commands[0].url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url]) {
      expect(new URL(url).pathname).toBe('/slack/events');
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');

  it('runs Redis persistent (AOF, on a volume) and never evicting keys', () => {
    const args: string[] = compose.services.redis.command;
    expect(args.join(' ')).toContain('--appendonly yes');
    expect(args.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(compose.services.redis.volumes).toEqual(['redis-data:/data']);
  });

  it('runs bot and worker from the same image, after Redis is healthy', () => {
    const { bot, worker } = compose.services;
    expect(bot.image).toBe(worker.image);
    expect(bot.command).toEqual(['node', 'bin/ctrb.js', 'bot']);
    expect(worker.command).toEqual(['node', 'bin/ctrb.js', 'worker']);
    for (const service of [bot, worker]) {
      expect(service.depends_on.redis.condition).toBe('service_healthy');
      expect(service.env_file).toBe('.env');
    }
  });
});
