/**
 * A run started by an alarm: its window and parameters.
 *
 * The window is placed around the state change: from `stateChangeTime − window.default` (the
 * runbook's usual look-back, ending where the alarm fired) to `stateChangeTime + 15 min` (the
 * events that keep arriving while the alarm is raised), capped at now. When "now" is before
 * the end of that span (an alarm posted late, or the fixed "now" of the bundled sample is
 * earlier than the alarm) the cap would leave no window, so it is dropped.
 *
 * Parameters: the runbook's defaults, plus the alarm's account and region for each
 * single-valued parameter of type `account` or `region` the runbook declares, so the run looks
 * where the alarm fired. Lists (e.g. "our own accounts") are never filled from an alarm.
 */
import type { ParsedAlarm } from '../alarm/index.js';
import { jobIds, type RunJobData } from '../../queue/jobs.js';
import { parseDuration } from '../../model/values/duration.js';
import { resolveParams } from '../../runbook/params.js';
import type { Runbook } from '../../runbook/schema.js';
import { newRunContext } from '../../run/context.js';

/** How far past the state change an alarm run looks. */
export const ALARM_WINDOW_AFTER_MS = 15 * 60_000;

export interface AlarmPost {
  channel: string;
  ts: string;
  alarm: ParsedAlarm;
}

/** The `since` / `until` and alarm-derived parameters, as `name=value` input for `resolveParams`. */
export function alarmRunInput(runbook: Pick<Runbook, 'window' | 'params'>, alarm: ParsedAlarm, now: Date): Record<string, string> {
  const changedAt = Date.parse(alarm.stateChangeTime);
  const lookBack = parseDuration(runbook.window.default) ?? 86_400_000;
  const start = changedAt - lookBack;
  let end = Math.min(changedAt + ALARM_WINDOW_AFTER_MS, now.getTime());
  if (end <= start) end = changedAt + ALARM_WINDOW_AFTER_MS;

  const input: Record<string, string> = { since: new Date(start).toISOString(), until: new Date(end).toISOString() };
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (spec.list) continue;
    if (spec.type === 'account' && alarm.accountId) input[name] = alarm.accountId;
    if (spec.type === 'region' && alarm.region) input[name] = alarm.region;
  }
  return input;
}

/** The run job of one matching runbook; throws `ParamError` when the runbook cannot start this way. */
export function alarmRunJob(runbook: Runbook, post: AlarmPost, now: Date): { jobId: string; data: RunJobData } {
  const { alarm } = post;
  const { params, window } = resolveParams(runbook, alarmRunInput(runbook, alarm, now), { now });
  const ctx = newRunContext({ runbookId: runbook.id, params, window, requestedBy: `alarm:${alarm.alarmName}`, source: 'alarm' });
  const data: RunJobData = {
    runId: ctx.runId,
    runbookId: runbook.id,
    params: ctx.params,
    window: ctx.window,
    requestedBy: ctx.requestedBy,
    source: 'alarm',
    slack: { channel: post.channel, threadTs: post.ts },
    alarm: {
      name: alarm.alarmName,
      stateChangeTime: alarm.stateChangeTime,
      ...(alarm.region ? { region: alarm.region } : {}),
      ...(alarm.accountId ? { accountId: alarm.accountId } : {}),
    },
  };
  // However often Slack delivers this post, one job per (channel, post, runbook).
  return { jobId: jobIds.alarmRun(post.channel, post.ts, runbook.id), data };
}
