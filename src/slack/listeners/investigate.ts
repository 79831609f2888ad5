/**
 * The `/investigate` command. Slack wants an acknowledgement within 3 seconds, and the
 * acknowledgement itself carries the answer (shown only to the person who typed it): help,
 * a run's status, a refusal, or "starting" once the run job is enqueued. Nothing here waits
 * for a run; the worker posts the run's message and thread.
 */
import type { AllMiddlewareArgs, App, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderHelp, renderRefusal, type SlackMessage } from '../render/index.js';
import type { ListenerDeps } from './deps.js';
import { slackErrorLogFields } from '../api-errors.js';
import { renderNotStarted, renderStarting, somethingWentWrong } from './replies.js';
import { runStatusReply } from './run-status.js';
import { planSlashRun } from './slash-run.js';
import { errorSummary } from '../../log/logger.js';

export const INVESTIGATE_COMMAND = '/investigate';

export function registerInvestigate(app: App, deps: ListenerDeps): void {
  app.command(INVESTIGATE_COMMAND, async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    let reply: SlackMessage;
    try {
      reply = await answer(deps, { text: command.text, channel: command.channel_id, user: command.user_id, command: command.command });
    } catch (e) {
      // Still acknowledged: an unanswered command shows the person a bare "dispatch_failed".
      deps.logger.error({ err: errorSummary(e), ...slackErrorLogFields(e), text: command.text }, '/investigate failed');
      reply = somethingWentWrong(e, 'type the command again');
    }
    await ack(ephemeral(reply));
  });
}

interface Invocation {
  text: string;
  channel: string;
  user: string;
  command: string;
}

async function answer(deps: ListenerDeps, invocation: Invocation): Promise<SlackMessage> {
  const [first, ...rest] = words(invocation.text);
  if (first === undefined || first === 'help') return renderHelp(deps.library.all().map((e) => e.runbook), invocation.command);
  if (first === 'status') {
    const runId = rest[0];
    if (runId === undefined || rest.length > 1) {
      return renderRefusal(`Usage: ${invocation.command} status <run-id>`, ['The run id is shown when a run starts and under its message.']);
    }
    return runStatusReply(deps, runId);
  }

  const plan = await planSlashRun(deps, { runbookName: first, args: rest, channel: invocation.channel, user: invocation.user });
  if (plan.kind === 'refused') return plan.message;
  try {
    await deps.runs.enqueueRun(plan.jobId, plan.data);
  } catch (e) {
    deps.logger.error({ err: errorSummary(e), runbookId: plan.runbook.id }, 'could not enqueue a run');
    return renderNotStarted(plan.runbook.id);
  }
  deps.logger.info({ runId: plan.data.runId, runbookId: plan.runbook.id, user: invocation.user, channel: invocation.channel }, 'run enqueued');
  return renderStarting(plan.runbook, plan.data.runId);
}

/**
 * The words of the command text. Slack escapes `&`, `<` and `>` even when the command asks
 * for unescaped text, and some clients type non-breaking spaces.
 */
export function words(text: string): string[] {
  const decoded = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return decoded.split(/[\s\u00a0]+/).filter((w) => w !== '');
}

function ephemeral(message: SlackMessage): RespondArguments {
  return { response_type: 'ephemeral', text: message.text, blocks: message.blocks };
}
