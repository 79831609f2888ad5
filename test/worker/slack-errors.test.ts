/**
 * A Slack API error a run meets is shown with Slack's code and what to do: in the run's
 * thread when the thread still takes posts, else to the person who started the run directly;
 * and in the worker's log with the method, the code and the permission Slack said was missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestRedis } from '../support/redis.js';
import { CHANNEL, REQUESTER, stepIdOf, textOf, useFakeSlack, useWorkerScope } from '../support/worker.js';

const redis = useTestRedis();
const slack = useFakeSlack();

const PICTURED = `
id: pictured
title: Console sign-ins over the window
summary: Two steps and a timeline picture, for the Slack error tests.
severity: low
window: { default: 48h }
timeline: { step: calls }
steps:
  - id: calls
    title: IAM calls
    query:
      where: { eventSource: iam.amazonaws.com }
      select: [eventTime, eventSource, eventName, errorCode]
      limit: 10
  - id: next
    title: What to do next
    note: Look at the picture.
`;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctrb-slack-errors-'));
  writeFileSync(join(dir, 'pictured.yaml'), PICTURED);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scope = useWorkerScope(redis, slack, {
  get dir() {
    return dir;
  },
});

/** A worker whose log lines a test can read. */
async function loggedWorker() {
  const w = scope();
  const logs: Record<string, unknown>[] = [];
  await w.start({}, { logger: pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }) });
  return { w, logs };
}

describe('Slack errors a run meets', () => {
  it('missing_scope on the timeline upload: the thread says which permission to add, the run completes, the log names it', async () => {
    const { w, logs } = await loggedWorker();
    w.slack.failWith('files.getUploadURLExternal', 'missing_scope', 1, { extra: { needed: 'files:write', provided: 'chat:write,commands' } });
    const runId = await w.enqueue('pictured');
    await w.waitForStatus(runId, 'completed');

    const { replies } = await w.thread(runId);
    const notice = replies.find((m) => textOf(m).includes('could not be attached'));
    expect(textOf(notice)).toContain(
      'The timeline picture of *Console sign-ins over the window* could not be attached: Slack answered missing_scope: the Slack app lacks the files:write permission: add it to the app (slack/manifest.yaml lists every permission the bot uses) and reinstall it, then run the runbook again',
    );
    expect(replies.map(stepIdOf).filter(Boolean)).toEqual(['calls', 'next']);
    expect(logs).toContainEqual(expect.objectContaining({ method: 'files.getUploadURLExternal', slackError: 'missing_scope', needed: 'files:write', msg: 'Slack call files.getUploadURLExternal failed' }));
    expect(logs).toContainEqual(expect.objectContaining({ runId, slackError: 'missing_scope', msg: 'could not post the timeline picture' }));
  });

  it('a step reply Slack refuses (msg_too_long): the run stops, and the thread names the code and what to do', async () => {
    const { w } = await loggedWorker();
    w.slack.failWith('chat.postMessage', 'msg_too_long', 1, { match: (args) => args.thread_ts !== undefined && JSON.stringify(args.metadata ?? '').includes('reply:calls') });
    const runId = await w.enqueue('pictured');
    await w.waitForStatus(runId, 'failed');

    await expect
      .poll(async () => (await w.thread(runId)).replies.map((m) => textOf(m)).find((t) => t.includes('stopped after')), { timeout: 10_000 })
      .toContain(`Run ${runId} stopped after 1 attempt: Slack answered msg_too_long: the message is longer than Slack accepts: a fault of ctrb worth reporting, with the run id`);
  });

  it('not_in_channel once the bot is removed mid-run: the thread cannot be told, so the requester is told directly', async () => {
    const { w } = await loggedWorker();
    // The parent is posted; every post in the channel after it is refused.
    w.slack.failWith('chat.postMessage', 'not_in_channel', 100, { match: (args) => args.channel === CHANNEL && args.thread_ts !== undefined });
    const runId = await w.enqueue('pictured');
    await w.waitForStatus(runId, 'failed');

    const directly = () => w.slack.callsTo('chat.postMessage').find((c) => c.args.channel === REQUESTER && textOf(c.args as never).includes(runId));
    await expect.poll(directly, { timeout: 10_000 }).toBeDefined();
    const said = textOf(directly()!.args as never);
    expect(said).toContain(
      `Run ${runId} (pictured), started in <#${CHANNEL}>, stopped after 1 attempt: Slack answered not_in_channel: invite the bot to this channel (/invite and the bot's name), then run the runbook again`,
    );
    expect(said).toContain(`/investigate status ${runId} shows the steps it finished.`);
    w.slack.failWith('chat.postMessage', 'not_in_channel', 0, { match: () => false });
  });
});
