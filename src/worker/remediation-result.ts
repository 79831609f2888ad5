/**
 * The result message of an executed remediation or undo, in the run's thread: posted once per
 * approval (a retried job finds it recorded and does not post it again).
 */
import type { Approval } from '../approval/types.js';
import { getAction } from '../remediation/index.js';
import { renderRemediationResult } from '../slack/render/index.js';
import type { WorkerContext } from './context.js';
import { executionOf } from './perform-remediation.js';

export async function postRemediationResult(w: Pick<WorkerContext, 'runs' | 'slack'>, approval: Approval): Promise<boolean> {
  const report = executionOf(approval);
  if (!report) return false;
  const key = `remediation-result:${approval.id}`;
  if ((await w.runs.reported(approval.runId)).has(key)) return false;
  const record = await w.runs.getRecord(approval.runId);
  const channel = record?.slack.channel ?? approval.message?.channel;
  const threadTs = record?.slack.threadTs;
  if (!channel) return false;

  const changed = report.targets.some((t) => t.calls.some((c) => c.ok));
  const undoable = report.mode === 'execute' && getAction(report.action).undo !== undefined && changed;
  const message = renderRemediationResult({ approvalId: approval.id, stepId: approval.stepId, report, undoable });
  await w.slack.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...message });
  await w.runs.markReported(approval.runId, key);
  return true;
}
