/**
 * `/investigate` through the real Bolt HTTP receiver, with no worker running: the bot
 * validates, enqueues and answers within Slack's 3 seconds; it never runs a query itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { startBotHarness, textOf, PEOPLE, type BotHarness } from './harness.js';

const redis = useTestRedis();
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness(redis);
});
afterAll(async () => {
  await h?.stop();
});

const waitingRunJobs = async () => (await h.runs.getJobs(['waiting', 'delayed', 'prioritized', 'active'])).map((j) => j.data);

describe('/investigate', () => {
  it('shows usage and the runbooks for an empty command and for help, only to the person who asked', async () => {
    for (const text of ['', 'help']) {
      const answer = await h.slash(text);
      expect(answer.status).toBe(200);
      expect(answer.body?.response_type).toBe('ephemeral');
      const shown = textOf(answer.body);
      expect(shown).toContain('/investigate <runbook>');
      for (const id of ['root-logins', 'restricted', 'key-usage']) expect(shown).toContain(id);
    }
  });

  it('enqueues a run with ids and parameters only, answers with its run id, and needs no worker to answer', async () => {
    const answer = await h.slash('root-logins since=2h account=123456789012', { user: PEOPLE.alice, channel: 'C0SECOPS' });

    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3_000);
    expect(answer.body?.response_type).toBe('ephemeral');
    const runId = /run `([0-9a-f-]{36})`/.exec(textOf(answer.body))?.[1];
    expect(runId, textOf(answer.body)).toBeDefined();
    expect(textOf(answer.body)).toContain('follow the thread in this channel');

    const job = await h.runs.getJob(`run-${runId}`);
    expect(job?.data).toMatchObject({
      runId,
      runbookId: 'root-logins',
      params: { account: '123456789012', trusted_accounts: ['123456789012'] },
      requestedBy: PEOPLE.alice,
      source: 'slash',
      slack: { channel: 'C0SECOPS' },
    });
    // The bundled sample's end is "now" for the workers reading it, so since=2h lands inside it.
    expect(job?.data.window).toEqual({ start: '2026-11-02T22:00:00.000Z', end: '2026-11-03T00:00:00.000Z' });
    expect(JSON.stringify(job?.data)).not.toMatch(/xox[abp]-|abcdef0123456789abcdef0123456789/);
    expect(await job?.getState()).toBe('waiting');

    // Where is it? Queued until a worker takes it.
    const status = await h.slash(`status ${runId}`);
    expect(textOf(status.body)).toContain('queued');
  });

  it('says an unknown runbook is unknown, suggests the closest, and enqueues nothing', async () => {
    const before = (await waitingRunJobs()).length;
    const answer = await h.slash('root-login');
    expect(answer.body?.response_type).toBe('ephemeral');
    expect(textOf(answer.body)).toContain('There is no runbook "root-login"');
    expect(textOf(answer.body)).toContain('Did you mean root-logins?');
    expect(await waitingRunJobs()).toHaveLength(before);
  });

  it('starts a runbook by one of its aliases, under its own id', async () => {
    const answer = await h.slash('leaked-key access_key_id=AKIAIOSFODNN7EXAMPLE', { user: PEOPLE.alice, channel: 'C0SECOPS' });
    const runId = /run `([0-9a-f-]{36})`/.exec(textOf(answer.body))?.[1];
    expect(runId, textOf(answer.body)).toBeDefined();
    expect((await h.runs.getJob(`run-${runId}`))?.data).toMatchObject({ runbookId: 'key-usage', params: { access_key_id: 'AKIAIOSFODNN7EXAMPLE' } });
  });

  it('names every bad parameter at once and enqueues nothing', async () => {
    const before = (await waitingRunJobs()).length;
    const answer = await h.slash('root-logins account=12345 sinse=2h');
    const shown = textOf(answer.body);
    expect(shown).toContain('2 parameters are not right');
    expect(shown).toContain('account: "12345" is not an AWS account id');
    expect(shown).toContain('sinse: not a parameter of root-logins (did you mean since?');
    expect(await waitingRunJobs()).toHaveLength(before);
  });

  it('refuses a start its access rules do not allow, says why, and enqueues nothing', async () => {
    const before = (await waitingRunJobs()).length;

    const wrongChannel = await h.slash('restricted', { user: PEOPLE.alice, channel: 'C0RANDOM' });
    expect(textOf(wrongChannel.body)).toContain('restricted cannot be started in this channel');
    expect(textOf(wrongChannel.body)).toContain('only in C0SECOPS');

    const outsider = await h.slash('restricted', { user: PEOPLE.mallory, channel: 'C0SECOPS' });
    expect(textOf(outsider.body)).toContain('You may not start restricted');
    expect(textOf(outsider.body)).toContain('only by U0ALICE, @ir-team');
    expect(await waitingRunJobs()).toHaveLength(before);

    // Named directly, or a member of the @ir-team group: allowed.
    for (const user of [PEOPLE.alice, PEOPLE.carol]) {
      const allowed = await h.slash('restricted', { user, channel: 'C0SECOPS' });
      expect(textOf(allowed.body)).toContain('Starting');
    }
    expect(await waitingRunJobs()).toHaveLength(before + 2);
  });

  it('shows where a run is once a worker has moved it on, and says so when a run id is unknown', async () => {
    const started = await h.slash('root-logins');
    const runId = /run `([0-9a-f-]{36})`/.exec(textOf(started.body))![1]!;
    await h.runStore.updateRecord(runId, { status: 'running' });
    await h.runStore.saveStep(runId, {
      stepId: 'logins',
      title: 'Root sign-ins',
      kind: 'query',
      status: 'ok',
      startedAt: '2026-11-03T00:00:01.000Z',
      finishedAt: '2026-11-03T00:00:02.000Z',
      query: { engine: 'duckdb', statement: 'SELECT 1', params: [], columns: ['eventTime'], rows: [{ eventTime: 'x' }, { eventTime: 'y' }], stats: { elapsedMs: 5 } },
    });

    const status = textOf((await h.slash(`status ${runId}`)).body);
    expect(status).toContain('running');
    expect(status).toContain('Steps: 1 of 2 finished');
    expect(status).toContain('2 rows');

    expect(textOf((await h.slash('status 00000000-0000-4000-8000-000000000000')).body)).toContain('No run');
    expect(textOf((await h.slash('status')).body)).toContain('Usage: /investigate status <run-id>');
  });
});

describe('request signatures', () => {
  it('answers a forged signature with 401 and a stale timestamp with a refusal, and enqueues nothing', async () => {
    const before = (await waitingRunJobs()).length;
    const forged = await h.slash('root-logins', {}, { forgeSignature: true });
    expect(forged.status).toBe(401);
    const stale = await h.slash('root-logins', {}, { staleBySeconds: 6 * 60 });
    expect(stale.status).toBe(401);
    expect(await waitingRunJobs()).toHaveLength(before);
  });

  it('answers GET /healthz with 200 while Redis answers', async () => {
    const response = await fetch(h.url.replace('/slack/events', '/healthz'));
    expect(response.status).toBe(200);
  });
});
