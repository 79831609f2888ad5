/**
 * `ctrb bot` and `ctrb audit` as an operator runs them: real processes, configured from the
 * environment.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../src/approval/index.js';
import { FAKE_APP_TOKEN, FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import { useTestRedis } from '../support/redis.js';
import { RUNBOOKS_DIR, SIGNING_SECRET } from './harness.js';
import { freePort } from '../support/ports.js';

const CTRB = join(import.meta.dirname, '..', '..', 'bin', 'ctrb.js');
const redis = useTestRedis();
let slack: FakeSlackApi;

beforeAll(async () => {
  slack = await FakeSlackApi.start();
});
afterAll(async () => {
  await slack?.close();
});

function ctrb(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CTRB, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('ctrb bot', () => {
  it('serves until SIGTERM, then stops and exits 0', async () => {
    const port = await freePort();
    const bot = ctrb(['bot'], {
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      CTRB_REDIS_PREFIX: redis.prefix(),
      CTRB_RUNBOOKS: RUNBOOKS_DIR,
      PORT: String(port),
    });
    const deadline = Date.now() + 90_000; // a bound for a hung start, on a loaded machine
    while ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status !== 200) {
      if (Date.now() > deadline) throw new Error(`the bot did not answer /healthz:\n${bot.out()}${bot.err()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.out()).toContain('ctrb bot stopped');
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'refused')).toBe('refused');
  });

  it('exits with a clear error when Slack refuses its Socket Mode app token, holding nothing open', async () => {
    const bot = ctrb(['bot'], {
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_APP_TOKEN: 'xapp-1-A0000000000-0000000000000-refusedrefusedrefused',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      CTRB_REDIS_PREFIX: redis.prefix(),
      CTRB_RUNBOOKS: RUNBOOKS_DIR,
      PORT: String(await freePort()),
    });
    const code = await Promise.race([bot.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000))]);
    if (code === 'still running') bot.child.kill('SIGKILL');
    expect(code).toBe(1);
    expect(bot.err()).toContain('invalid_auth');
  });

  for (const mode of ['HTTP mode', 'Socket Mode'] as const) {
    it(`exits 1 naming PORT when the port is taken (${mode}), before connecting to Slack`, async () => {
      const taken = await occupyPort();
      const opened = slack.callsTo('apps.connections.open', { all: true }).length;
      try {
        const bot = ctrb(['bot'], {
          SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
          ...(mode === 'Socket Mode' ? { SLACK_APP_TOKEN: FAKE_APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
          SLACK_API_URL: slack.apiUrl,
          REDIS_URL: redis.url,
          CTRB_REDIS_PREFIX: redis.prefix(),
          CTRB_RUNBOOKS: RUNBOOKS_DIR,
          PORT: String(taken.port),
        });
        expect(await exitWithin(bot, 60_000)).toBe(1);
        expect(bot.err()).toContain(`error PORT ${taken.port} is already in use by another process: stop it, or set PORT to a free port`);
        // One plain sentence, not a stack trace.
        expect(bot.err()).not.toContain('    at ');
        expect(slack.callsTo('apps.connections.open', { all: true })).toHaveLength(opened);
      } finally {
        taken.server.close();
      }
    });
  }

  it('exits 0 on SIGTERM while it is still starting (Slack not answering yet)', async () => {
    // A Slack that takes connections and never answers: the start waits on it.
    let reached!: () => void;
    const waiting = new Promise<void>((resolve) => (reached = resolve));
    const silent = createServer((socket) => {
      socket.on('error', () => undefined);
      reached();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const bot = ctrb(['bot'], {
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_APP_TOKEN: FAKE_APP_TOKEN,
        SLACK_API_URL: `http://127.0.0.1:${(silent.address() as { port: number }).port}/api/`,
        REDIS_URL: redis.url,
        CTRB_REDIS_PREFIX: redis.prefix(),
        CTRB_RUNBOOKS: RUNBOOKS_DIR,
        PORT: String(await freePort()),
      });
      await waiting;
      bot.child.kill('SIGTERM');
      expect(await exitWithin(bot, 60_000)).toBe(0);
      expect(bot.out()).toContain('stopped while starting');
    } finally {
      silent.close();
    }
  });

  it('exits 1 saying why when Slack refuses to let it reconnect (Socket Mode, app token revoked)', async () => {
    const own = await FakeSlackApi.start();
    try {
      const bot = ctrb(['bot'], {
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_APP_TOKEN: FAKE_APP_TOKEN,
        SLACK_API_URL: own.apiUrl,
        REDIS_URL: redis.url,
        CTRB_REDIS_PREFIX: redis.prefix(),
        CTRB_RUNBOOKS: RUNBOOKS_DIR,
        PORT: String(await freePort()),
      });
      const first = await own.socketMode.waitForSession(1, 60_000);
      // The token is revoked, then Slack recycles the connection: the reconnection is refused.
      own.failWith('apps.connections.open', 'invalid_auth', 100);
      own.socketMode.requestDisconnect('refresh_requested', first);
      expect(await exitWithin(bot, 40_000)).toBe(1);
      expect(bot.err()).toContain('error the bot stopped: An API error occurred: invalid_auth');
      expect(bot.out()).toContain('"msg":"the bot stopped on an error it cannot recover from"');
    } finally {
      await own.close();
    }
  }, 180_000);

  it('refuses to start on a bad environment, listing every problem in one message, exit code 2', async () => {
    const bot = ctrb(['bot'], { SLACK_BOT_TOKEN: 'xoxp-not-a-bot-token', REDIS_URL: 'http://localhost' });
    expect(await bot.exited).toBe(2);
    expect(bot.err()).toContain('the configuration is not valid (3 problems)');
    for (const variable of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL']) expect(bot.err()).toContain(`${variable}:`);
    expect(bot.err()).not.toContain('xoxp-not-a-bot-token');
  });
});

describe('ctrb audit', () => {
  it('prints the audit trail as JSON lines', async () => {
    const prefix = redis.prefix();
    const store = new ApprovalStore(redis.connect(), { prefix, logger: pino({ level: 'silent' }) });
    const approval = await store.createApproval({
      runId: 'r1',
      runbookId: 'key-usage',
      stepId: 'deactivate',
      plan: { action: 'iam.deactivate-access-key', summary: 'Deactivate a key', targets: [], calls: [], reversible: true, warnings: [] },
      policy: { approvers: ['U0ALICE'] },
      requestedBy: 'U0REQUESTER',
    });
    await store.decide(approval.id, 'U0ALICE', 'approve');

    const audit = ctrb(['audit', '--since', '1h'], { REDIS_URL: redis.url, CTRB_REDIS_PREFIX: prefix });
    expect(await audit.exited).toBe(0);
    const entries = audit.out().trim().split('\n').map((line) => JSON.parse(line) as { event: string; actor: string });
    expect(entries.map((e) => [e.event, e.actor])).toEqual([
      ['requested', 'U0REQUESTER'],
      ['decision', 'U0ALICE'],
    ]);
  });
});

describe('Redis out of reach', () => {
  /** The operator's view: one line on stderr, naming Redis and why, no stack trace, exit 1. */
  async function saysRedisIsUnreachable(run: ReturnType<typeof ctrb>, port: number) {
    expect(await run.exited).toBe(1);
    const lines = run.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^error Redis at redis://:\\*{4}@127\\.0\\.0\\.1:${port}/? \\(REDIS_URL\\) cannot be reached: connect ECONNREFUSED`));
    expect(run.err() + run.out()).not.toContain('s3cr3t');
    expect(run.err() + run.out()).not.toMatch(/\n\s+at |"stack"/);
  }

  const environment = (port: number) => ({
    REDIS_URL: `redis://:s3cr3t@127.0.0.1:${port}`,
    CTRB_REDIS_CONNECT_TIMEOUT: '1s',
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    CTRB_RUNBOOKS: RUNBOOKS_DIR,
  });

  it('ctrb audit says so in one line and exits 1', async () => {
    const port = await freePort();
    await saysRedisIsUnreachable(ctrb(['audit'], environment(port)), port);
  });

  it('ctrb bot says so in one line and exits 1', async () => {
    const port = await freePort();
    await saysRedisIsUnreachable(ctrb(['bot'], { ...environment(port), PORT: String(await freePort()) }), port);
  });

  it('ctrb worker says so in one line and exits 1', async () => {
    const port = await freePort();
    await saysRedisIsUnreachable(ctrb(['worker'], environment(port)), port);
  });
});

/** The exit code, or SIGKILL and "still running" after `ms`. */
async function exitWithin(bot: ReturnType<typeof ctrb>, ms: number): Promise<number | null | 'still running'> {
  const code = await Promise.race([bot.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), ms))]);
  if (code === 'still running') bot.child.kill('SIGKILL');
  return code;
}

/** A port some other process holds, as the bot finds it. */
async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return { server, port: (server.address() as { port: number }).port };
}
