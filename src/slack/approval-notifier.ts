/**
 * The Slack side of the approval lifecycle (src/approval/notifier.ts):
 *
 * - The approval message is always re-rendered from the approval record and updated in place,
 *   so it shows every decision, who made it and when, and the outcome, with the buttons gone
 *   once the approval is closed.
 * - The result message of an executed remediation or undo goes into the run's thread once per
 *   approval, whatever crashes: recorded as being sent before the post, which carries the
 *   run's post metadata (src/slack/run-posts.ts); a retried job finds it recorded, or in the
 *   thread when the worker died before Slack's answer was recorded, and does not post it again.
 */
import type { webApi } from '@slack/bolt';
import type { ApprovalNotifier } from '../approval/notifier.js';
import { executionOf } from '../approval/perform-remediation.js';
import type { Approval } from '../approval/types.js';
import { getAction, holdsSomething } from '../remediation/index.js';
import type { RedisRunStore } from '../run/redis-store.js';
import { approvalViewOf, renderApprovalMessage, renderRemediationResult } from './render/index.js';
import { findRunPosts, runPostMetadata, type ConversationsReader } from './run-posts.js';

/** The Web API methods the notifier uses; a `WebClient` satisfies it. */
export interface NotifierClient extends ConversationsReader {
  chat: Pick<webApi.WebClient['chat'], 'postMessage' | 'update'>;
}

export class SlackApprovalNotifier implements ApprovalNotifier {
  constructor(
    private readonly client: NotifierClient,
    private readonly runs: Pick<RedisRunStore, 'reported' | 'markReported' | 'markPosting' | 'postingIntents' | 'getRecord'>,
  ) {}

  async updateApprovalMessage(approval: Approval): Promise<boolean> {
    if (!approval.message) return false;
    const message = renderApprovalMessage(approvalViewOf(approval));
    await this.client.chat.update({ channel: approval.message.channel, ts: approval.message.ts, ...message });
    return true;
  }

  async postRemediationResult(approval: Approval): Promise<boolean> {
    const report = executionOf(approval);
    if (!report) return false;
    const key = `remediation-result:${approval.id}`;
    if ((await this.runs.reported(approval.runId)).has(key)) return false;
    const record = await this.runs.getRecord(approval.runId);
    const channel = record?.slack.channel ?? approval.message?.channel;
    const threadTs = record?.slack.threadTs;
    if (!channel) return false;

    const reversible = getAction(report.action).undo !== undefined;
    // An undo that left targets as they were offers to undo the rest: a new approval, asked for
    // on the original remediation.
    const undo =
      report.mode === 'execute'
        ? reversible && report.targets.some(holdsSomething)
          ? { approvalId: approval.id, rest: false }
          : undefined
        : !report.ok && approval.plan.undoOf
          ? { approvalId: approval.plan.undoOf, rest: true }
          : undefined;
    const message = renderRemediationResult({ approvalId: approval.id, stepId: approval.stepId, report, ...(undo ? { undo } : {}) });
    if (threadTs && (await this.runs.postingIntents(approval.runId)).has(key)) {
      // Sent before, answer not recorded: Slack may have it. Unreadable: post again (one duplicate at worst).
      const found = await findRunPosts(this.client, { channel, threadTs }, approval.runId).catch(() => undefined);
      if (found?.byKey.has(key)) {
        await this.runs.markReported(approval.runId, key);
        return false;
      }
    }
    await this.runs.markPosting(approval.runId, key, { at: Date.now() });
    await this.client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...message, metadata: runPostMetadata(approval.runId, key) });
    await this.runs.markReported(approval.runId, key);
    return true;
  }
}
