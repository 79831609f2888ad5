/**
 * The Slack side of the approval lifecycle (src/approval/notifier.ts):
 *
 * - The approval message is always re-rendered from the approval record and updated in place,
 *   so it shows every decision, who made it and when, and the outcome, with the buttons gone
 *   once the approval is closed.
 * - The result message of an executed remediation or undo goes into the run's thread once per
 *   approval (a retried job finds it recorded and does not post it again).
 */
import type { webApi } from '@slack/bolt';
import type { ApprovalNotifier } from '../approval/notifier.js';
import { executionOf } from '../approval/perform-remediation.js';
import type { Approval } from '../approval/types.js';
import { getAction, holdsSomething } from '../remediation/index.js';
import type { RedisRunStore } from '../run/redis-store.js';
import { approvalViewOf, renderApprovalMessage, renderRemediationResult } from './render/index.js';

/** The Web API methods the notifier uses; a `WebClient` satisfies it. */
export interface NotifierClient {
  chat: Pick<webApi.WebClient['chat'], 'postMessage' | 'update'>;
}

export class SlackApprovalNotifier implements ApprovalNotifier {
  constructor(
    private readonly client: NotifierClient,
    private readonly runs: Pick<RedisRunStore, 'reported' | 'markReported' | 'getRecord'>,
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
    await this.client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...message });
    await this.runs.markReported(approval.runId, key);
    return true;
  }
}
