/**
 * Alarm posts: a CloudWatch alarm in ALARM, posted by a configured bot or app in a configured
 * alarm channel, starts every runbook whose `triggers.alarms` match, each in its own run in a
 * thread under the post. The alarm's OK post puts a "recovered" note into that thread.
 * A composite alarm starts the runbooks its child alarms match (those that raised it), and says
 * in its thread when none does. An alarm message that cannot be read (JSON cut off or
 * malformed) is logged with why, and starts nothing.
 * Everything else (other messages, unmatched metric alarms, INSUFFICIENT_DATA) is ignored.
 *
 * Bolt acknowledges events before this runs, so a slow Slack or Redis never makes Slack retry.
 * When Slack does deliver a post twice (its retries, `X-Slack-Retry-Num`), the job ids make the
 * second delivery add nothing, and the notes this listener posts are posted once.
 */
import type { AllMiddlewareArgs, App, webApi, SlackEventMiddlewareArgs } from '@slack/bolt';
import { ParamError } from '../../runbook/params.js';
import { isAlarmSourcePost, matchAlarmPost, readAlarmPost, type SlackMessageEvent } from '../alarm/index.js';
import { renderAlarmRecovered, type SlackMessage } from '../render/index.js';
import { alarmRunJob, type AlarmPost } from './alarm-run.js';
import type { ListenerDeps } from './deps.js';
import { renderAlarmRunRefused, renderCompositeUnmatched } from './replies.js';
import { errorSummary } from '../../log/logger.js';

export function registerAlarmListener(app: App, deps: ListenerDeps): void {
  app.event('message', async ({ event, client }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => {
    await onMessage(deps, client, event as SlackMessageEvent);
  });
}

export async function onMessage(deps: ListenerDeps, client: webApi.WebClient, event: SlackMessageEvent): Promise<void> {
  if (!isAlarmSourcePost(event, deps.alarmSources) || !event.channel || !event.ts) return;
  const reading = readAlarmPost(event);
  if (!reading) return;
  if (reading.kind === 'unreadable') {
    deps.logger.warn({ channel: event.channel, ts: event.ts, problem: reading.problem }, `alarm post not read, no runbook started: ${reading.problem}`);
    return;
  }
  const { alarm } = reading;
  const post: AlarmPost = { channel: event.channel, ts: event.ts, alarm };
  if (alarm.state === 'ALARM') await startAlarmRuns(deps, client, post);
  else if (alarm.state === 'OK') await noteRecovery(deps, client, post);
}

async function startAlarmRuns(deps: ListenerDeps, client: webApi.WebClient, post: AlarmPost): Promise<void> {
  const log = deps.logger.child({ alarm: post.alarm.alarmName, channel: post.channel, ts: post.ts });
  const children = post.alarm.children;
  const matched = matchAlarmPost(post.alarm, deps.library.all().map((e) => e.runbook));
  if (matched.length === 0) {
    if (!children) {
      log.debug('alarm matches no runbook; ignored');
      return;
    }
    log.info({ children: children.map((c) => c.alarmName) }, 'composite alarm: neither it nor its child alarms match a runbook; nothing started');
    if (await deps.alarmThreads.firstDelivery(post.channel, post.ts)) {
      await postInThread(client, post, renderCompositeUnmatched(post.alarm.alarmName, children.map((c) => c.alarmName)));
    }
    return;
  }
  await deps.alarmThreads.remember(post.channel, post.alarm, post.ts);
  // Notes go into the thread once, even when Slack delivers the post again; jobs dedupe by id.
  const first = await deps.alarmThreads.firstDelivery(post.channel, post.ts);
  const now = deps.now();
  const outcome = { enqueued: [] as string[], seenBefore: [] as string[], notStarted: [] as string[] };
  for (const { runbook, child } of matched) {
    let job;
    try {
      // A child alarm's runbook looks where the child is (its ARN), else where the composite is.
      const alarm = child ? { ...post.alarm, region: child.region ?? post.alarm.region, accountId: child.accountId ?? post.alarm.accountId } : post.alarm;
      job = alarmRunJob(runbook, { ...post, alarm }, now);
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      log.warn({ runbookId: runbook.id, problems: e.problems }, 'a runbook matching the alarm cannot start from an alarm');
      if (first) await postInThread(client, post, renderAlarmRunRefused(runbook.id, e.problems.map((p) => p.message)));
      outcome.notStarted.push(runbook.id);
      continue;
    }
    try {
      const { added } = await deps.runs.enqueueRun(job.jobId, job.data);
      log.info({ runbookId: runbook.id, runId: job.data.runId, duplicate: !added, ...(child ? { childAlarm: child.alarmName } : {}) }, added ? 'alarm run enqueued' : 'alarm post seen before; run already enqueued');
      (added ? outcome.enqueued : outcome.seenBefore).push(runbook.id);
    } catch (e) {
      log.error({ err: errorSummary(e), runbookId: runbook.id }, 'could not enqueue an alarm run');
      if (first) await postInThread(client, post, renderAlarmRunRefused(runbook.id, ['the run queue is not reachable right now']));
      outcome.notStarted.push(runbook.id);
    }
  }
  // One line per delivery, once everything it does is done: what a repeated delivery added.
  log.info({ ...outcome, firstDelivery: first }, 'alarm post handled');
}

async function noteRecovery(deps: ListenerDeps, client: webApi.WebClient, post: AlarmPost): Promise<void> {
  const threadTs = await deps.alarmThreads.find(post.channel, post.alarm);
  if (!threadTs) return;
  if (!(await deps.alarmThreads.firstDelivery(post.channel, post.ts))) return;
  await postInThread(client, { ...post, ts: threadTs }, renderAlarmRecovered(post.alarm));
}

async function postInThread(client: webApi.WebClient, post: Pick<AlarmPost, 'channel' | 'ts'>, message: SlackMessage): Promise<void> {
  await client.chat.postMessage({ channel: post.channel, thread_ts: post.ts, text: message.text, blocks: message.blocks });
}
