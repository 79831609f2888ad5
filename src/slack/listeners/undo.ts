/**
 * The Undo button of a remediation's result message. It does not undo anything itself: it
 * asks for an approval of the undo plan, with the same approvers as the remediation, and
 * posts that approval's message (Approve / Deny) in the thread. The approval's own buttons
 * then work like any other (approval.ts); once approved, a worker undoes and verifies.
 *
 * Who may ask: the remediation's approvers and whoever started the run. Everyone else, and a
 * remediation with nothing to undo, gets the reason, only for them.
 */
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs, webApi } from '@slack/bolt';
import type { Approval } from '../../approval/types.js';
import { undoExistsMessage } from '../../approval/messages.js';
import { plainText, type BotText } from '../../model/text.js';
import { approvalViewOf, renderApprovalMessage, renderRefusal, UNDO_ACTION_ID } from '../render/index.js';
import { plural } from '../render/mrkdwn.js';
import type { ListenerDeps } from './deps.js';
import { explainSlackError, slackErrorLogFields } from '../api-errors.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Longer than a click takes to post the approval it made (Slack's own retries included).
 * Wall-clock time, not `deps.now()`, which is the runs' clock (the sample's end in a demo).
 */
const POSTING_GRACE_MS = 30_000;

function unposted(approval: Approval, now: Date): boolean {
  return !approval.message && now.getTime() - Date.parse(approval.createdAt) > POSTING_GRACE_MS;
}

export function registerUndoListener(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(UNDO_ACTION_ID, async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const user = body.user.id;
    const originalId = action.value ?? '';
    const channel = body.channel?.id ?? body.container?.channel_id;
    const log = deps.logger.child({ user, approvalId: originalId });
    const tell = async (text: BotText): Promise<void> => {
      if (!channel) return;
      const message = renderRefusal(text);
      await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
    };

    const original = await deps.approvals.getApproval(originalId);
    if (original && !(await mayAskToUndo(deps, original, user))) {
      log.info('undo request refused: not an approver nor the requester');
      await tell(`Only the approvers of this remediation or the person who started the run can ask to undo it.`);
      return;
    }
    const result = await deps.undo.request(originalId, user);
    const post = async (approval: Approval): Promise<boolean> => {
      try {
        await postUndoApproval(deps, client, approval, channel);
        return true;
      } catch (e) {
        log.warn({ undoApprovalId: approval.id, ...slackErrorLogFields(e) }, 'could not post the undo approval');
        await tell(`The undo is asked for, but its approval could not be posted in the thread. ${explainSlackError(e, 'click Undo again').sentence}`);
        return false;
      }
    };
    switch (result.outcome) {
      case 'refused':
        log.info({ reason: plainText(result.message) }, 'undo request refused');
        await tell(result.message);
        return;
      case 'exists': {
        // A request whose message never got posted (the bot stopped in between) is posted now;
        // one made a moment ago is being posted by the click that made it.
        if (unposted(result.approval, new Date()) && !(await post(result.approval))) return;
        await tell(undoExistsMessage(result.approval));
        return;
      }
      case 'created': {
        if (!(await post(result.approval))) return;
        log.info({ undoApprovalId: result.approval.id }, 'undo requested');
        const p = result.approval.policy;
        await tell(`Undo requested. Nothing changes until it has ${plural(p.min_approvals, 'approval')} in the thread${p.allow_self_approval ? '' : ' from someone other than you'}.`);
        return;
      }
    }
  });
}

async function mayAskToUndo(deps: ListenerDeps, original: Approval, user: string): Promise<boolean> {
  if (user === original.requestedBy) return true;
  return (await deps.eligibility.check(user, original.policy.approvers)).eligible;
}

/** The undo approval's message, in the run's thread, attached to the approval so clicks update it. */
async function postUndoApproval(deps: ListenerDeps, client: webApi.WebClient, approval: Approval, clickedIn: string | undefined): Promise<void> {
  const record = await deps.runLookup.getRunRecord(approval.runId);
  const channel = record?.slack.channel ?? clickedIn;
  if (!channel) throw new Error(`no channel to post the undo approval ${approval.id} in`);
  const threadTs = record?.slack.threadTs;
  const message = renderApprovalMessage(approvalViewOf(approval));
  const posted = await client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), text: message.text, blocks: message.blocks });
  if (posted.ts) await deps.approvals.attachMessage(approval.id, { channel, ts: posted.ts });
}
