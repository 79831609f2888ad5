/**
 * The "Export evidence" button of an ended run: the run's evidence bundle (every step's rows
 * as CSV and JSON, the findings, the parameters and window, the plans and how their gates were
 * decided, and manifest.json with each file's SHA-256) as one zip in the run's thread.
 *
 * Everything comes from the run's stored record and steps, not from the click. The manifest's
 * SHA-256 goes into the audit stream with who exported it, so the zip found in the thread
 * later can be shown to be the one that was exported (chain of custody).
 */
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { buildEvidence, zipEvidence } from '../../evidence/bundle.js';
import { errorSummary } from '../../log/logger.js';
import type { RunResult, StepResult } from '../../model/run.js';
import { uploadFileToThread, type FileUploadClient } from '../files.js';
import { EVIDENCE_ACTION_ID, renderRefusal, type SlackMessage } from '../render/index.js';
import { escapeMrkdwn, inlineCode } from '../render/mrkdwn.js';
import type { ListenerDeps } from './deps.js';
import { explainSlackError, slackErrorLogFields } from '../api-errors.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function registerEvidenceListener(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(EVIDENCE_ACTION_ID, async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    let reply: SlackMessage;
    try {
      reply = await exportEvidence(deps, client, { user, runId: action.value ?? '' });
    } catch (e) {
      deps.logger.error({ err: errorSummary(e), ...slackErrorLogFields(e), user }, 'evidence export failed');
      reply = renderRefusal('The evidence bundle could not be exported.', [explainSlackError(e, 'click Export evidence again').sentence]);
    }
    if (channel) await client.chat.postEphemeral({ channel, user, text: reply.text, blocks: reply.blocks });
  });
}

export async function exportEvidence(deps: ListenerDeps, client: FileUploadClient, click: { user: string; runId: string }): Promise<SlackMessage> {
  const record = /^[A-Za-z0-9-]{1,64}$/.test(click.runId) ? await deps.runLookup.getRunRecord(click.runId) : undefined;
  if (!record) return renderRefusal('This run is not stored any more: there is nothing to export.');
  if (record.status !== 'completed' && record.status !== 'failed') return renderRefusal(`Run ${click.runId} has not ended yet (${record.status}): export it once it has.`);
  const threadTs = record.slack.threadTs;
  if (!threadTs) return renderRefusal('This run has no thread to put the bundle in.');

  const steps = inRunbookOrder(deps, record.context.runbookId, await deps.runLookup.loadSteps(click.runId));
  const result: Pick<RunResult, 'context' | 'status' | 'steps' | 'findings'> = {
    context: record.context,
    status: record.status,
    steps,
    findings: steps.flatMap((s) => s.findings ?? []),
  };
  const title = titleOf(deps, record.context.runbookId);
  const bundle = buildEvidence({ result, runbookTitle: title, now: new Date() });
  const zip = zipEvidence(bundle);
  await uploadFileToThread(
    client,
    { channel: record.slack.channel, threadTs },
    {
      filename: `evidence-${record.context.runbookId}-${click.runId}.zip`,
      title: `${title}: evidence bundle`,
      content: zip,
      initialComment: `Evidence bundle exported by <@${click.user}>: ${bundle.files.length} files; manifest.json SHA-256 ${bundle.manifestSha256}`,
    },
  );
  await deps.approvals.audit.append({
    event: 'evidence_exported',
    at: new Date().toISOString(),
    actor: click.user,
    runId: click.runId,
    runbookId: record.context.runbookId,
    channel: record.slack.channel,
    manifestSha256: bundle.manifestSha256,
    files: bundle.files.length,
  });
  deps.logger.info({ runId: click.runId, user: click.user, manifestSha256: bundle.manifestSha256 }, 'evidence exported');
  const text = `📦 Evidence bundle of run ${inlineCode(click.runId)} posted in the thread. manifest.json SHA-256: ${inlineCode(bundle.manifestSha256)} (recorded in the audit trail).`;
  return { text: `Evidence bundle posted: manifest SHA-256 ${escapeMrkdwn(bundle.manifestSha256)}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

/** Stored steps come back in no particular order: the bundle numbers them as the runbook does. */
function inRunbookOrder(deps: ListenerDeps, runbookId: string, steps: StepResult[]): StepResult[] {
  let order: Map<string, number>;
  try {
    order = new Map(deps.library.get(runbookId).runbook.steps.map((s, i) => [s.id, i]));
  } catch {
    order = new Map();
  }
  const rank = (s: StepResult): number => order.get(s.stepId) ?? Number.MAX_SAFE_INTEGER;
  return [...steps].sort((a, b) => rank(a) - rank(b) || a.startedAt.localeCompare(b.startedAt));
}

function titleOf(deps: ListenerDeps, runbookId: string): string {
  try {
    return deps.library.get(runbookId).runbook.title;
  } catch {
    return runbookId;
  }
}
