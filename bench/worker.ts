/**
 * The worker's first step over cached logs, in the bot path as deployed: `ctrb bot` and
 * `ctrb worker` as processes, a private Redis, the fake Slack Web API in this process, and
 * the engine benchmark's log tree (bench/data.ts) as the worker's logs. A first
 * /investigate fills the cache (the run, then the background fill); then each of
 * BENCH_WORKER_RUNS runs (default 5), one after another, is timed from the moment the worker
 * starts its job (BullMQ's processedOn) to the moment Slack receives the run's first step.
 * Target: ≤ 300 ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fillPending } from '../src/query/engines/duckdb/index.js';
import { queuePrefix } from '../src/queue/connection.js';
import { jobIds, RUNS_QUEUE } from '../src/queue/jobs.js';
import { RedisRunStore } from '../src/run/redis-store.js';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../test/fakes/slack-api.js';
import { send, slashCommandRequest } from '../test/fakes/slack-signing.js';
import { freePort } from '../test/support/ports.js';
import { startTestRedis } from '../test/support/redis-server.js';
import { benchData, BENCH_LOGS } from './data.js';
import { startChild, waitFor, type Child } from './processes.js';
import { median, printFigure } from './report.js';

const RUNS = Number(process.env.BENCH_WORKER_RUNS ?? 5);
const TARGET_MS = 300;
const SIGNING_SECRET = randomBytes(16).toString('hex');
const CHANNEL = 'C0BENCHWORKER';

export async function main(): Promise<void> {
  const manifest = await benchData();
  const redis = await startTestRedis();
  const slack = await FakeSlackApi.start({ users: [{ id: 'U0BENCH' }] });
  const cacheDir = await mkdtemp(join(tmpdir(), 'ctrb-bench-worker-cache-'));
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const port = await freePort();
  const env = {
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    CTRB_REDIS_PREFIX: prefix,
    CTRB_LOGS_DIR: BENCH_LOGS,
    CTRB_CACHE_DIR: cacheDir,
    CTRB_CACHE_MAX_SIZE: '1TB',
    PORT: String(port),
    LOG_LEVEL: 'info',
  };
  const url = `http://127.0.0.1:${port}/slack/events`;
  const connection = new Redis(redis.url);
  const runs = new Queue(RUNS_QUEUE, { connection: { url: redis.url }, prefix: queuePrefix({ prefix }) });
  const store = new RedisRunStore(connection, { prefix });
  const children: Child[] = [];
  const text = `root-activity since=${manifest.start} until=${manifest.end}`;

  /** One /investigate, to its end: when the worker took the job, and when Slack got its first step. */
  const investigate = async (): Promise<{ startedAt: number; firstStepAt: number }> => {
    const response = await send(url, slashCommandRequest(SIGNING_SECRET, { text, userId: 'U0BENCH', channelId: CHANNEL }));
    const runId = /run `([0-9a-f-]{36})`/.exec(await response.text())?.[1];
    if (!runId) throw new Error('the slash command did not start a run');
    await waitFor(async () => (await store.getRecord(runId))?.status === 'completed', 10 * 60_000, 'the run to complete', children);
    const record = (await store.getRecord(runId))!;
    const job = await Job.fromId(runs, jobIds.run(runId));
    const parentTs = record.slack.parentTs;
    const first = parentTs ? slack.threadReplies(record.slack.channel, parentTs)[0] : undefined;
    const call = first && slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === parentTs && c.response?.ts === first.ts);
    if (!job?.processedOn || !call) throw new Error(`run ${runId}: no job start or no first step in Slack`);
    return { startedAt: job.processedOn, firstStepAt: call.at };
  };

  try {
    const bot = startChild('bot', env);
    const worker = startChild('worker', env);
    children.push(bot, worker);
    await waitFor(async () => (await fetch(url.replace('/slack/events', '/healthz')).catch(() => undefined))?.status === 200, 60_000, 'the bot to answer /healthz', children);
    await waitFor(() => worker.output().includes('"msg":"worker started"'), 60_000, 'the worker to start', children);

    // The first run parses the logs and leaves the cache to be filled; wait until it is.
    const first = await investigate();
    await waitFor(async () => !(await fillPending(cacheDir)), 30 * 60_000, 'the cache to be filled', children);
    const latencies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { startedAt, firstStepAt } = await investigate();
      latencies.push(firstStepAt - startedAt);
    }
    const [load1] = loadavg();
    console.log(
      `\n# worker: job start → first step in Slack, root-activity over cached logs (${manifest.eventCount.toLocaleString('en-US')} events, ` +
        `${manifest.fileCount} files), ${RUNS} runs one after another, load average ${load1!.toFixed(2)}`,
    );
    printFigure('first step, cold', `${first.firstStepAt - first.startedAt} ms`, 'the first run: logs not cached yet (parsed, then filled in the background)');
    const p50 = median(latencies);
    printFigure('first step, cached', `${p50.toFixed(0)} ms`, `median; max ${Math.max(...latencies).toFixed(0)} ms (target ≤ ${TARGET_MS} ms: ${p50 <= TARGET_MS ? 'met' : 'MISSED'})`);
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await runs.close();
    await connection.quit();
    await slack.close();
    await redis.stop();
    await waitFor(async () => !(await fillPending(cacheDir)), 30 * 60_000, 'the background fill to end', []);
    await rm(cacheDir, { recursive: true, force: true });
  }
}

