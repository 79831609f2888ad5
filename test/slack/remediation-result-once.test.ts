/**
 * The result of an executed remediation goes into the run's thread once, even when the worker
 * posting it died after Slack accepted the post and before the run recorded it: the retried
 * job finds the post in the thread by its metadata and does not post it again.
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/approval/types.js';
import { RedisRunStore } from '../../src/run/redis-store.js';
import { SlackApprovalNotifier, type NotifierClient } from '../../src/slack/approval-notifier.js';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import { useTestRedis } from '../support/redis.js';

const redis = useTestRedis();
let slack: FakeSlackApi;
beforeAll(async () => {
  slack = await FakeSlackApi.start();
});
afterAll(async () => {
  await slack.close();
});

const CHANNEL = 'C0INCIDENTS';

async function runWithThread(runs: RedisRunStore, web: webApi.WebClient, runId: string): Promise<string> {
  const parent = await web.chat.postMessage({ channel: CHANNEL, text: `run ${runId}` });
  await runs.createRecord({
    context: { runId, runbookId: 'leaked-key', params: {}, window: { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' }, requestedBy: 'U0REQ', source: 'slash' },
    status: 'waiting_approval',
    slack: { channel: CHANNEL, threadTs: parent.ts!, parentTs: parent.ts! },
    updatedAt: new Date().toISOString(),
  });
  return parent.ts!;
}

function executed(runId: string): Approval {
  return {
    id: `appr-${runId}`,
    runId,
    runbookId: 'leaked-key',
    stepId: 'deactivate',
    plan: { action: 'iam.deactivate-access-key', summary: 'Deactivate 1 key', targets: [], calls: [], reversible: true, warnings: [] },
    policy: { approvers: ['U0APPR'] } as unknown as Approval['policy'],
    requestedBy: 'U0REQ',
    state: 'executed',
    decisions: [],
    createdAt: '2026-11-02T00:00:00.000Z',
    outcome: { details: { execution: { action: 'iam.deactivate-access-key', mode: 'execute', ok: true, summary: 'deactivated 1 key', targets: [] } } } as unknown as Approval['outcome'],
  };
}

describe('the remediation result, across a crash', () => {
  it('is posted once when the worker died between Slack accepting it and the run recording it', async () => {
    const runs = new RedisRunStore(redis.connect(), { prefix: redis.prefix() });
    const web = new webApi.WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const runId = `run-${Date.now()}`;
    const threadTs = await runWithThread(runs, web, runId);

    // The first worker: Slack takes the post, then the worker is gone before it records it.
    const dying: NotifierClient = {
      conversations: web.conversations,
      chat: {
        update: (args) => web.chat.update(args),
        postMessage: async (args) => {
          await web.chat.postMessage(args);
          throw new Error('the worker died');
        },
      },
    };
    await expect(new SlackApprovalNotifier(dying, runs).postRemediationResult(executed(runId))).rejects.toThrow('the worker died');
    expect(slack.threadReplies(CHANNEL, threadTs)).toHaveLength(1);

    // The retried job, on another worker.
    expect(await new SlackApprovalNotifier(web, runs).postRemediationResult(executed(runId))).toBe(false);
    expect(slack.threadReplies(CHANNEL, threadTs)).toHaveLength(1);
    // And once recorded, a third attempt does not even look.
    slack.clearCalls();
    expect(await new SlackApprovalNotifier(web, runs).postRemediationResult(executed(runId))).toBe(false);
    expect(slack.calls).toEqual([]);
  });

  it('is posted when the first attempt never reached Slack', async () => {
    const runs = new RedisRunStore(redis.connect(), { prefix: redis.prefix() });
    const web = new webApi.WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const runId = `run-${Date.now()}-b`;
    const threadTs = await runWithThread(runs, web, runId);
    const unreachable: NotifierClient = {
      conversations: web.conversations,
      chat: { update: (args) => web.chat.update(args), postMessage: () => Promise.reject(new Error('connect ECONNREFUSED')) },
    };
    await expect(new SlackApprovalNotifier(unreachable, runs).postRemediationResult(executed(runId))).rejects.toThrow('ECONNREFUSED');

    expect(await new SlackApprovalNotifier(web, runs).postRemediationResult(executed(runId))).toBe(true);
    const replies = slack.threadReplies(CHANNEL, threadTs);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Remediation iam.deactivate-access-key');
  });
});
