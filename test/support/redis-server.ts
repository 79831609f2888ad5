/**
 * A real Redis for tests.
 *
 * - When `REDIS_URL` is set, tests use that Redis (CI services, a developer's own).
 * - Otherwise this starts a private `redis-server` on a free local port with persistence
 *   off, and stops it when the suite ends.
 * - When neither is possible the suite fails with a message that says what is missing.
 *
 * Tests share one server per test file and stay apart by key prefix: every call to
 * `prefix()` hands out a fresh one, so test files (and tests inside them) can run in
 * parallel against the same Redis. Pass the prefix to the code under test (approval
 * store, BullMQ's `prefix` option...).
 *
 * ```ts
 * import { useTestRedis } from '../support/redis.js';
 *
 * const redis = useTestRedis();            // starts before the file's tests, stops after
 *
 * it('...', async () => {
 *   const prefix = redis.prefix();         // e.g. "test:3f9c2a1b:"
 *   const conn = redis.connect();          // an ioredis client, closed by stop()
 *   // or: new Queue('runs', { connection: { url: redis.url }, prefix: redis.prefix() })
 * });
 * ```
 *
 * Outside vitest's hooks (benchmarks too): `const redis = await startTestRedis(); ...; await redis.stop();`
 * This module does not import vitest, so scripts outside the test runner can use it;
 * `useTestRedis` (in redis.ts) adds the hooks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export interface TestRedis {
  /** A `redis://` URL for code that connects by itself. */
  readonly url: string;
  /** Whether this helper started (and will stop) the server, rather than using REDIS_URL. */
  readonly ownServer: boolean;
  /** A key prefix no other test has been given, e.g. `test:3f9c2a1b:`. */
  prefix(): string;
  /** A new ioredis client for this Redis; `stop()` closes it. */
  connect(): Redis;
  /**
   * Close the clients from `connect()`, then stop the private server, or, on a shared
   * REDIS_URL, delete the keys under the prefixes this helper handed out.
   */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;

export interface TestRedisOptions {
  /** How long to wait for Redis to answer PING (default 10 s: CI services start slowly). */
  startTimeoutMs?: number;
}

/** Starts (or connects to) a Redis for tests. See the module comment. */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const timeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const shared = process.env.REDIS_URL;
  if (shared) {
    await waitForPing(shared, timeoutMs).catch((e: unknown) => {
      throw new Error(
        `REDIS_URL is set to ${redactUrl(shared)} but that Redis does not answer: ${(e as Error).message}. ` +
          'Start it, fix REDIS_URL, or unset REDIS_URL to let the tests start their own redis-server.',
      );
    });
    return handle(shared, undefined);
  }
  const server = await startPrivateServer(timeoutMs);
  return handle(server.url, server);
}

interface PrivateServer {
  url: string;
  process: ChildProcess;
  dir: string;
}

function handle(url: string, server: PrivateServer | undefined): TestRedis {
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  let stopped = false;
  return {
    url,
    ownServer: server !== undefined,
    prefix() {
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      prefixes.push(prefix);
      return prefix;
    },
    connect() {
      const client = new Redis(url, { maxRetriesPerRequest: 3 });
      clients.push(client);
      return client;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!server) await deleteKeys(url, prefixes);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      if (server) await stopPrivateServer(server);
    },
  };
}

async function startPrivateServer(timeoutMs: number): Promise<PrivateServer> {
  let lastError: Error | undefined;
  // A port found free can be taken by someone else before redis-server binds it; retry.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'ctrb-test-redis-'));
    const output: string[] = [];
    const child = spawn(
      process.env.REDIS_SERVER ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => output.push(b.toString()));
    const spawnFailure = new Promise<never>((_, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => reject(e));
      child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${output.join('').trim()}`)));
    });
    const server: PrivateServer = { url: `redis://127.0.0.1:${port}`, process: child, dir };
    try {
      await Promise.race([waitForPing(server.url, timeoutMs), spawnFailure]);
      killOnExit(child);
      return server;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      await stopPrivateServer(server);
      if (err.code === 'ENOENT') {
        throw new Error(
          'The tests need Redis: REDIS_URL is not set and `redis-server` was not found on PATH. ' +
            'Install Redis (e.g. `apt-get install redis-server` or `brew install redis`), ' +
            'or set REDIS_URL to a Redis the tests may write to (keys go under a unique "test:" prefix), ' +
            'e.g. REDIS_URL=redis://localhost:6379/15.',
          { cause: e },
        );
      }
      lastError = err;
    }
  }
  throw new Error(`Could not start redis-server for the tests: ${lastError?.message}`, { cause: lastError });
}

async function stopPrivateServer(server: PrivateServer): Promise<void> {
  const child = server.process;
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(server.dir, { recursive: true, force: true });
}

// A test run interrupted before afterAll must not leave redis-server processes behind.
const running = new Set<ChildProcess>();
function killOnExit(child: ChildProcess): void {
  if (running.size === 0) {
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (e) {
      lastError = e;
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no answer to PING within ${timeoutMs} ms (${(lastError as Error | undefined)?.message ?? 'timeout'})`);
}

async function deleteKeys(url: string, prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

/** The URL without its password, for error messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
