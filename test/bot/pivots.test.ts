/**
 * Pivot buttons, as a responder uses them: a run's finding names an access key and its
 * principal; the buttons under it start the runbooks that accept those values, in the same
 * thread, over the same window, under each runbook's access rules, and every click is audited.
 * Signed requests through the real Bolt receiver, the fake Slack Web API, real Redis, a real
 * worker and DuckDB on the bundled sample.
 */
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceManifest } from '../../src/evidence/bundle.js';
import type { RunRecord } from '../../src/model/run.js';
import type { StoredMessage } from '../fakes/slack-api.js';
import { stepIdOf } from '../support/worker.js';
import { useTestRedis } from '../support/redis.js';
import { eventually, PEOPLE, startBotHarness, textOf, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;
let workerPort: number;
const RUNBOOKS = new URL('./pivot-runbooks/', import.meta.url).pathname;
const LEAKED_KEY = 'AKIAJ63F99Z1QEIMQU6Q';
const CHANNEL = 'C0SECOPS';

beforeAll(async () => {
  h = await startBotHarness(redis, { CTRB_RUNBOOKS: RUNBOOKS, CTRB_WORKER_PORT: '0' });
  workerPort = (await h.startWorker()).opsPort!;
});
afterAll(async () => {
  await h?.stop();
});

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

async function startRun(text: string, user: string): Promise<string> {
  const answer = await h.slash(text, { user, channel: CHANNEL });
  const runId = /run `([0-9a-f-]{36})`/.exec(textOf(answer.body))?.[1];
  if (!runId) throw new Error(`not started: ${textOf(answer.body)}`);
  return runId;
}

function runReaches(runId: string, status: RunRecord['status']): Promise<RunRecord> {
  return eventually(async () => {
    const record = await h.runStore.getRecord(runId);
    return record?.status === status ? record : undefined;
  }, 60_000);
}

function buttonsOf(message: StoredMessage): Button[] {
  const actions = (message.blocks ?? []).filter((b) => (b as { type: string }).type === 'actions') as { elements: Array<Button & { type: string }> }[];
  return actions.flatMap((a) => a.elements.filter((e) => e.type === 'button'));
}

/** The text of the `count`th ephemeral message (the clicker's answer), once it is there. */
async function nthEphemeral(count: number): Promise<string> {
  const all = await eventually(() => (h.slack.ephemerals.length >= count ? h.slack.ephemerals : undefined), 30_000);
  return textOf(all[count - 1]);
}

describe('pivot buttons', () => {
  let record: RunRecord;
  let findingReply: StoredMessage;

  beforeAll(async () => {
    const runId = await startRun('refused-keys', PEOPLE.alice);
    record = await runReaches(runId, 'completed');
    findingReply = h.slack.threadReplies(CHANNEL, record.slack.threadTs!).find((m) => stepIdOf(m) === 'flag')!;
  }, 120_000);

  it('offers, under the finding, the runbooks that take the key and the principal it names', () => {
    expect(textOf(findingReply)).toContain(LEAKED_KEY);
    const labels = buttonsOf(findingReply).map((b) => b.text.text);
    expect(labels).toContain(`${LEAKED_KEY} → key-usage`);
    expect(labels).toContain('arn:aws:iam::123456789012:user/ci-deploy → principal-trail');
    expect(labels.length).toBeLessThanOrEqual(4);
  });

  it('a click starts the runbook in the same thread with the value and the window filled, and audits it', async () => {
    const before = h.slack.ephemerals.length;
    const button = buttonsOf(findingReply).find((b) => b.text.text.endsWith('→ key-usage'))!;
    await h.click(button.action_id, button.value, PEOPLE.alice, { channel: CHANNEL, ts: findingReply.ts });
    const told = await nthEphemeral(before + 1);
    expect(told).toContain('Starting');
    const newRunId = /run `([0-9a-f-]{36})`/.exec(told)?.[1];
    expect(newRunId).toBeDefined();

    const started = await runReaches(newRunId!, 'completed');
    expect(started.context.runbookId).toBe('key-usage');
    expect(started.context.params.access_key_id).toBe(LEAKED_KEY);
    expect(started.context.window).toEqual(record.context.window);
    expect(started.context.requestedBy).toBe(PEOPLE.alice);
    // The pivot's run posts in the thread it was clicked in.
    expect(started.slack.threadTs).toBe(record.slack.threadTs);
    const replies = h.slack.threadReplies(CHANNEL, record.slack.threadTs!);
    expect(replies.some((m) => stepIdOf(m) === 'calls')).toBe(true);
    // key-usage names a timeline step: its picture is posted in the thread when the run ends.
    const picture = await eventually(() => [...h.slack.uploads.values()].find((u) => u.completed && u.filename === `key-usage-timeline-${newRunId}.png`), 30_000);
    expect(picture.threadTs).toBe(record.slack.threadTs);
    const png = PNG.sync.read(picture.bytes!);
    expect(png.width).toBeGreaterThanOrEqual(960);

    const audit = await h.approvals.readAudit();
    const pivot = audit.find((e) => e.event === 'pivot' && e.runId === newRunId);
    expect(pivot).toMatchObject({ actor: PEOPLE.alice, runbookId: 'key-usage', value: LEAKED_KEY, result: 'started', fromRunId: record.context.runId, channel: CHANNEL });
    const starts = audit.filter((e) => e.event === 'run_started');
    expect(starts.find((e) => e.runId === newRunId)).toMatchObject({ source: 'pivot', actor: PEOPLE.alice, params: { access_key_id: LEAKED_KEY } });
    expect(starts.find((e) => e.runId === record.context.runId)).toMatchObject({ source: 'slash', runbookId: 'refused-keys', channel: CHANNEL, engine: 'duckdb' });
  }, 120_000);

  it('a click by someone the runbook does not allow is refused, starts nothing and is audited', async () => {
    const before = h.slack.ephemerals.length;
    const jobsBefore = (await h.runs.getJobs(['waiting', 'active', 'completed', 'delayed'])).length;
    const button = buttonsOf(findingReply).find((b) => b.text.text.endsWith('→ principal-trail'))!;
    await h.click(button.action_id, button.value, PEOPLE.alice, { channel: CHANNEL, ts: findingReply.ts });
    const told = await nthEphemeral(before + 1);
    expect(told).toContain('You may not start principal-trail');

    const refused = await eventually(async () => (await h.approvals.readAudit()).find((e) => e.event === 'pivot' && e.result === 'refused'));
    expect(refused).toMatchObject({ actor: PEOPLE.alice, runbookId: 'principal-trail', value: 'arn:aws:iam::123456789012:user/ci-deploy' });
    expect(refused.runId).toBeUndefined();
    expect((await h.runs.getJobs(['waiting', 'active', 'completed', 'delayed'])).length).toBe(jobsBefore);
  });

  it('a button value that names no stored pivot starts nothing', async () => {
    const before = h.slack.ephemerals.length;
    await h.click('pivot:0', `${record.context.runId}/flag/9`, PEOPLE.alice, { channel: CHANNEL, ts: findingReply.ts });
    expect(await nthEphemeral(before + 1)).toContain('no longer leads anywhere');
    await h.click('pivot:0', 'not-a-reference', PEOPLE.alice, { channel: CHANNEL, ts: findingReply.ts });
    expect(await nthEphemeral(before + 2)).toContain('no longer leads anywhere');
  });

  it('Export evidence puts the run bundle in the thread as a zip whose manifest matches its files, and audits the manifest hash', async () => {
    const parent = h.slack.message(CHANNEL, record.slack.parentTs!)!;
    const button = buttonsOf(parent).find((b) => b.action_id === 'evidence_export')!;
    expect(button.value).toBe(record.context.runId);
    const before = h.slack.ephemerals.length;
    await h.click(button.action_id, button.value, PEOPLE.carol, { channel: CHANNEL, ts: parent.ts });
    const told = await nthEphemeral(before + 1);

    const upload = await eventually(() => [...h.slack.uploads.values()].find((u) => u.completed && u.filename === `evidence-refused-keys-${record.context.runId}.zip`), 30_000);
    expect(upload.threadTs).toBe(record.slack.threadTs);
    const files = unzipSync(new Uint8Array(upload.bytes!));
    const folder = `evidence-refused-keys-${record.context.runId}/`;
    const manifestBytes = Buffer.from(files[`${folder}manifest.json`]!);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as EvidenceManifest;
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['run.json', 'findings.json', 'plans.json', 'steps/01-keys.csv', 'steps/01-keys.json']));
    for (const f of manifest.files) expect(createHash('sha256').update(files[`${folder}${f.path}`]!).digest('hex'), f.path).toBe(f.sha256);
    expect(Object.keys(files).length).toBe(manifest.files.length + 1);

    const hash = createHash('sha256').update(manifestBytes).digest('hex');
    expect(told).toContain(hash);
    const audit = await h.approvals.readAudit();
    expect(audit.find((e) => e.event === 'evidence_exported')).toMatchObject({ actor: PEOPLE.carol, runId: record.context.runId, runbookId: 'refused-keys', manifestSha256: hash });
  }, 60_000);

  it('the bot and the worker serve health, readiness and Prometheus metrics that count what happened', async () => {
    for (const port of [h.bot.port, workerPort]) {
      for (const path of ['/healthz', '/readyz']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(res.status, `${port}${path}`).toBe(200);
      }
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      // (Bot and worker share one process here, so one registry: each endpoint shows both sides.)
      expect(text).toMatch(/^ctrb_runs_started_total\{runbook="refused-keys",source="slash"\} 1$/m);
      expect(text).toMatch(/^ctrb_runs_started_total\{runbook="key-usage",source="pivot"\} 1$/m);
      expect(text).toMatch(/^ctrb_runs_finished_total\{runbook="refused-keys",outcome="completed"\} 1$/m);
      expect(text).toMatch(/^ctrb_step_duration_seconds_count\{engine="duckdb",kind="query",status="ok"\} [1-9]/m);
      expect(text).toMatch(/^ctrb_queue_jobs\{queue="runs",state="waiting"\} 0$/m);
      expect(text).toMatch(/^ctrb_audit_events_total\{event="pivot",state="refused"\} 1$/m);
      expect(text).toMatch(/^ctrb_audit_events_total\{event="evidence_exported",state=""\} 1$/m);
      expect(text).toMatch(/^ctrb_cache_lookups_total\{result="(hit|miss)"\} [1-9]/m);
      expect(text).toContain('ctrb_process_resident_memory_bytes');
    }
  });
});
