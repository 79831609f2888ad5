/**
 * The bot's own short answers that the shared renderers do not cover: "starting", and the
 * notes an alarm's thread gets when a runbook cannot start from it or none matches it.
 */
import { escapeMrkdwn, fitMessage, renderRefusal, type SlackMessage } from '../render/index.js';
import { explainSlackError, slackErrorCode } from '../api-errors.js';

const section = (text: string): SlackMessage['blocks'][number] => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } });
const code = (text: string): string => `\`${escapeMrkdwn(text.replace(/`/g, 'ˋ'))}\``;

export function renderStarting(runbook: { id: string; title: string }, runId: string): SlackMessage {
  const text =
    `🔎 Starting *${escapeMrkdwn(runbook.title)}* (${code(runbook.id)}), run ${code(runId)} — follow the thread in this channel.\n` +
    `Where it is: ${code(`/investigate status ${runId}`)}`;
  return fitMessage({ text: `Starting ${escapeMrkdwn(runbook.title)}, run ${escapeMrkdwn(runId)}`, blocks: [section(text)] });
}

/** A Redis or queue failure: nothing was started, and the person should know it. */
export function renderNotStarted(runbookId: string): SlackMessage {
  const text = `⚠️ ${code(runbookId)} was not started: the run queue is not reachable right now. Try again in a moment.`;
  return fitMessage({ text: `${escapeMrkdwn(runbookId)} was not started: the run queue is not reachable`, blocks: [section(text)] });
}

/** In an alarm's thread: a matching runbook that could not start, and why. */
export function renderAlarmRunRefused(runbookId: string, problems: readonly string[]): SlackMessage {
  const bullets = problems.map((p) => `• ${escapeMrkdwn(p)}`).join('\n');
  const text = `⚠️ ${code(runbookId)} matches this alarm but could not start:\n${bullets}`;
  return fitMessage({ text: `${escapeMrkdwn(runbookId)} could not start for this alarm`, blocks: [section(text)] });
}

/**
 * In a composite alarm's thread: none of the child alarms that raised it (nor its own name)
 * matches a runbook's triggers, so nothing was started; said, because the responder would
 * otherwise wait for runs that never come.
 */
export function renderCompositeUnmatched(alarmName: string, children: readonly string[]): SlackMessage {
  const named = children.length > 0 ? children.map(code).join(', ') : 'none named in the message';
  const text = `ℹ️ Composite alarm ${code(alarmName)}: no runbook's \`triggers.alarms\` matches it or its child alarms (${named}); no runbook was started.`;
  return fitMessage({ text: `Composite alarm ${escapeMrkdwn(alarmName)}: no runbook matches its child alarms`, blocks: [section(text)] });
}

/** `/investigate status` for a run no worker has taken yet. */
export function renderQueued(runbook: { id: string; title: string }, runId: string): SlackMessage {
  const text = `⏳ *${escapeMrkdwn(runbook.title)}* (${code(runbook.id)}), run ${code(runId)}: queued, waiting for a worker to take it.`;
  return fitMessage({ text: `${escapeMrkdwn(runbook.title)} (run ${escapeMrkdwn(runId)}): queued`, blocks: [section(text)] });
}

/**
 * A click or command that failed on our side: when Slack refused a call it made, Slack's code
 * and what to do; otherwise only that nothing was started (the log has the rest).
 */
export function somethingWentWrong(error: unknown, then: string): SlackMessage {
  if (slackErrorCode(error)) return renderRefusal('Nothing was started: Slack refused a call the bot made.', [explainSlackError(error, then).sentence]);
  return renderRefusal('Something went wrong on our side; nothing was started. Try again in a moment.');
}
