/**
 * A pivot button (or overflow option) under a step's reply: start the runbook it names on the
 * value it names, in the same thread, over the window of the run it was clicked in.
 *
 * The button carries only where the pivot is stored (run, step, index); the pivot itself,
 * the window and the thread are read from the run's stored record and steps. The value then
 * goes through exactly what a typed `/investigate` goes through: the runbook's access rules
 * for the clicker and the channel, and its parameter's type. Every click is audited, started
 * or refused; the clicker alone is told the outcome.
 */
import type { AllMiddlewareArgs, App, BlockAction, BlockElementAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Pivot } from '../../model/run.js';
import { errorSummary } from '../../log/logger.js';
import { PIVOT_ACTION_PATTERN, readPivotRef, renderRefusal, type PivotRef, type SlackMessage } from '../render/index.js';
import type { ListenerDeps } from './deps.js';
import { slackErrorLogFields } from '../api-errors.js';
import { renderNotStarted, renderStarting, somethingWentWrong } from './replies.js';
import { planSlashRun } from './slash-run.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & AllMiddlewareArgs;

export function registerPivotListener(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<BlockElementAction>>(PIVOT_ACTION_PATTERN, async ({ ack, body, action, client }: ActionArgs) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return;
    let reply: SlackMessage;
    try {
      reply = await startPivot(deps, { user, channel, value: valueOf(action) });
    } catch (e) {
      deps.logger.error({ err: errorSummary(e), ...slackErrorLogFields(e), user }, 'pivot click failed');
      reply = somethingWentWrong(e, 'click the button again');
    }
    await client.chat.postEphemeral({ channel, user, text: reply.text, blocks: reply.blocks });
  });
}

/** A button's value, or the chosen option's of an overflow menu. */
function valueOf(action: BlockElementAction): string | undefined {
  if (action.type === 'button') return action.value;
  if (action.type === 'overflow') return action.selected_option.value;
  return undefined;
}

export interface PivotClick {
  user: string;
  channel: string;
  value: string | undefined;
}

/** Checks, enqueues and audits one click; returns what the clicker is told. */
export async function startPivot(deps: ListenerDeps, click: PivotClick): Promise<SlackMessage> {
  const ref = readPivotRef(click.value);
  const found = ref ? await storedPivot(deps, ref) : undefined;
  if (!ref || !found) return renderRefusal('This button no longer leads anywhere: the run it belongs to is not stored any more.', ['Type the /investigate command instead.']);
  const { pivot, record } = found;

  const audit = (result: 'started' | 'refused', extra: { runId?: string; message?: string; params?: unknown; window?: unknown }) =>
    deps.approvals.audit
      .append({
        event: 'pivot',
        at: new Date().toISOString(),
        actor: click.user,
        runbookId: pivot.runbookId,
        channel: click.channel,
        fromRunId: ref.runId,
        stepId: ref.stepId,
        value: pivot.value,
        result,
        ...extra,
      })
      .catch((e: unknown) => deps.logger.error({ err: errorSummary(e), user: click.user, runbookId: pivot.runbookId }, 'could not audit a pivot click'));

  const plan = await planSlashRun(deps, {
    runbookName: pivot.runbookId,
    args: [`${pivot.param}=${pivot.value}`, `since=${record.context.window.start}`, `until=${record.context.window.end}`],
    channel: click.channel,
    user: click.user,
    ...(record.slack.threadTs ? { threadTs: record.slack.threadTs } : {}),
  });
  if (plan.kind === 'refused') {
    await audit('refused', { message: plan.message.text });
    deps.logger.info({ user: click.user, runbookId: pivot.runbookId, fromRunId: ref.runId }, 'pivot refused');
    return plan.message;
  }
  try {
    await deps.runs.enqueueRun(plan.jobId, plan.data, 'pivot');
  } catch (e) {
    deps.logger.error({ err: errorSummary(e), runbookId: pivot.runbookId }, 'could not enqueue a pivot run');
    return renderNotStarted(pivot.runbookId);
  }
  await audit('started', { runId: plan.data.runId, params: plan.data.params, window: plan.data.window });
  deps.logger.info({ runId: plan.data.runId, runbookId: pivot.runbookId, fromRunId: ref.runId, user: click.user }, 'pivot run enqueued');
  return renderStarting(plan.runbook, plan.data.runId);
}

async function storedPivot(deps: ListenerDeps, ref: PivotRef): Promise<{ pivot: Pivot; record: NonNullable<Awaited<ReturnType<ListenerDeps['runLookup']['getRunRecord']>>> } | undefined> {
  const record = await deps.runLookup.getRunRecord(ref.runId);
  if (!record) return undefined;
  const step = (await deps.runLookup.loadSteps(ref.runId)).find((s) => s.stepId === ref.stepId);
  const pivot = step?.pivots?.[ref.index];
  return pivot ? { pivot, record } : undefined;
}
