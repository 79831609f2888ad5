/**
 * The Approve and Deny buttons of a remediation's approval message, and the Deny modal.
 *
 * A button carries only the approval id; who clicked comes from Slack's signed payload, and
 * everything else is read from the approval record. Each click is acknowledged at once (the
 * checks need Slack look-ups), then decided atomically by the approval store:
 *   - refused (not an approver, self-approval, already voted, expired…): an ephemeral reason
 *     to the clicker, and nothing changes;
 *   - recorded (quorum not reached yet): the message shows the votes so far;
 *   - approved: returned to exactly one caller however many clicks race, and that caller
 *     enqueues the one remediation job (job id = approval id);
 *   - denied: the message shows who denied and why, and the run goes on past the gate.
 */
import type { AllMiddlewareArgs, App, webApi, BlockButtonAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decideClick } from '../../approval/index.js';
import type { Approval, DecisionResult, SlackMessageRef } from '../../approval/types.js';
import {
  APPROVE_ACTION_ID,
  DENY_ACTION_ID,
  DENY_MODAL_CALLBACK_ID,
  approvalViewOf,
  readDenyReason,
  renderApprovalMessage,
  renderDenyModal,
  renderRefusal,
} from '../render/index.js';
import type { ListenerDeps } from './deps.js';
import { explainSlackError, slackErrorLogFields } from '../api-errors.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Where the click came from: the clicker, and the message the buttons are on. */
interface ClickOrigin {
  user: string;
  message?: SlackMessageRef;
}

export function registerApprovalListeners(app: App, deps: ListenerDeps): void {
  const updates = new MessageUpdates(deps);

  app.action<BlockButtonAction>(APPROVE_ACTION_ID, async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const origin = originOf(body);
    const result = await decideClick(deps.approvals, deps.eligibility, { approvalId: action.value ?? '', userId: origin.user, decision: 'approve' });
    await applyDecision(deps, client, updates, result, origin);
  });

  app.action<BlockButtonAction>(DENY_ACTION_ID, async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const origin = originOf(body);
    const approvalId = action.value ?? '';
    const approval = await deps.approvals.getApproval(approvalId);
    if (!approval || approval.state !== 'pending' || Date.parse(approval.policy.expires_at) <= Date.now()) {
      // Nothing left to deny: the store gives the true reason (and audits the click).
      const result = await decideClick(deps.approvals, deps.eligibility, { approvalId, userId: origin.user, decision: 'deny' });
      await applyDecision(deps, client, updates, result, origin);
      return;
    }
    // The trigger id is valid for 3 seconds after the click: open the modal before anything slow.
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: renderDenyModal({ approvalId, action: approval.plan.action, summary: approval.plan.summary }),
      });
    } catch (e) {
      deps.logger.warn({ user: origin.user, approvalId, ...slackErrorLogFields(e) }, 'could not open the Deny form');
      await tellClicker(deps, client, origin, approval.message?.channel, `The Deny form could not be opened, so nothing was denied. ${explainSlackError(e, 'click Deny again').sentence}`);
    }
  });

  app.view<ViewSubmitAction>(DENY_MODAL_CALLBACK_ID, async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    await ack();
    const origin: ClickOrigin = { user: body.user.id };
    const reason = readDenyReason(view.state.values);
    const result = await decideClick(deps.approvals, deps.eligibility, {
      approvalId: view.private_metadata,
      userId: origin.user,
      decision: 'deny',
      ...(reason !== undefined ? { reason } : {}),
    });
    await applyDecision(deps, client, updates, result, origin);
  });
}

async function applyDecision(deps: ListenerDeps, client: webApi.WebClient, updates: MessageUpdates, result: DecisionResult, origin: ClickOrigin): Promise<void> {
  const log = deps.logger.child({ user: origin.user, approvalId: result.approval?.id });
  switch (result.outcome) {
    case 'refused': {
      log.info({ code: result.code }, 'approval click refused');
      const channel = result.approval?.message?.channel ?? origin.message?.channel;
      if (channel) {
        const message = renderRefusal(result.message);
        await client.chat.postEphemeral({ channel, user: origin.user, text: message.text, blocks: message.blocks });
      }
      // A click can be what notices the expiry: the message must stop offering buttons.
      if (result.code === 'expired' && result.approval) await updates.refresh(client, result.approval, origin);
      return;
    }
    case 'recorded':
      log.info({ votes: result.votes, needed: result.needed }, 'approval vote recorded');
      await refreshOrSay(deps, client, updates, result.approval, origin, 'Your approval is recorded');
      return;
    case 'approved':
      // Enqueued before anything else: if this process dies now, the awaiting-execution sweep
      // finds the approval and enqueues the same job id again.
      await deps.runs.enqueueRemediation(result.approval.id);
      log.info({ votes: result.votes }, 'approval reached its quorum; remediation enqueued');
      await refreshOrSay(deps, client, updates, result.approval, origin, 'Your approval is recorded and the remediation is on its way');
      return;
    case 'denied':
      log.info('approval denied');
      await deps.runs.continueAfterGate(result.approval);
      await refreshOrSay(deps, client, updates, result.approval, origin, 'Your denial is recorded and the run goes on without the remediation');
      return;
  }
}

/**
 * The approval message redrawn after a decision; when Slack refuses, the decision still
 * stands, and the clicker is told so with Slack's reason rather than left guessing.
 */
async function refreshOrSay(deps: ListenerDeps, client: webApi.WebClient, updates: MessageUpdates, approval: Approval, origin: ClickOrigin, recorded: string): Promise<void> {
  try {
    await updates.refresh(client, approval, origin);
  } catch (e) {
    deps.logger.warn({ user: origin.user, approvalId: approval.id, ...slackErrorLogFields(e) }, 'could not update the approval message');
    const sentence = explainSlackError(e, `see where it stands with /investigate status ${approval.runId}`).sentence;
    await tellClicker(deps, client, origin, approval.message?.channel, `${recorded}, but the approval message could not be updated. ${sentence}`);
  }
}

/** A sentence only the clicker sees; if even that fails, the log has it. */
async function tellClicker(deps: ListenerDeps, client: webApi.WebClient, origin: ClickOrigin, fallbackChannel: string | undefined, text: string): Promise<void> {
  const channel = origin.message?.channel ?? fallbackChannel;
  if (!channel) return;
  const message = renderRefusal(text);
  await client.chat.postEphemeral({ channel, user: origin.user, text: message.text, blocks: message.blocks }).catch((e: unknown) => {
    deps.logger.warn({ user: origin.user, ...slackErrorLogFields(e) }, 'could not tell the clicker what went wrong');
  });
}

/**
 * Updates of approval messages, one at a time per approval and each from the record as it
 * is then, so concurrent clicks cannot leave an older vote count on screen.
 */
class MessageUpdates {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: ListenerDeps) {}

  refresh(client: webApi.WebClient, approval: Approval, origin: ClickOrigin): Promise<void> {
    const previous = this.chains.get(approval.id) ?? Promise.resolve();
    const next = previous.then(() => this.update(client, approval, origin));
    const settled = next.catch(() => undefined);
    this.chains.set(approval.id, settled);
    void settled.then(() => {
      if (this.chains.get(approval.id) === settled) this.chains.delete(approval.id);
    });
    return next;
  }

  private async update(client: webApi.WebClient, seen: Approval, origin: ClickOrigin): Promise<void> {
    const approval = (await this.deps.approvals.getApproval(seen.id)) ?? seen;
    const where = approval.message ?? origin.message;
    if (!where) {
      this.deps.logger.warn({ approvalId: approval.id }, 'approval message location unknown; not updated');
      return;
    }
    const message = renderApprovalMessage(approvalViewOf(approval));
    await client.chat.update({ channel: where.channel, ts: where.ts, text: message.text, blocks: message.blocks });
  }
}

function originOf(body: BlockButtonAction): ClickOrigin {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  return { user: body.user.id, ...(channel && ts ? { message: { channel, ts } } : {}) };
}
