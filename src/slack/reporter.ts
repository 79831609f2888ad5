/**
 * The Slack reporter: a run as a thread. The parent message says what runs, for whom, and
 * where it stands; each finished step is a threaded reply (with the full CSV when the reply
 * shows only part of a result); the parent is updated with the final status and a one-line
 * summary of the findings.
 *
 * - Slash runs: the parent is a new message in the channel, and its ts becomes the thread.
 *   Alarm runs: the parent is the first reply in the alarm post's thread.
 * - The parent's ts is stored in the run's record before any step is posted, so a run
 *   resumed by another worker keeps to the same thread and never posts a second parent.
 * - What has been posted is recorded per run (reply, CSV, engine warning), right after Slack
 *   accepted it. A resumed run posts what is stored but not yet shown (`catchUp`) and nothing
 *   twice. The one gap is a crash between Slack accepting a post and the record of it: that
 *   post is made again (Slack has no idempotency key for messages).
 */
import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EmptyWindow, LoadProgress } from '../model/query.js';
import { emptyWindowHint } from '../run/empty-window.js';
import { inlineCode } from './render/mrkdwn.js';
import { explainSlackError } from './api-errors.js';
import type { RunRecord } from '../model/run.js';
import type { RedisRunStore } from '../run/redis-store.js';
import type { RunContext, RunResult, StepResult } from '../model/run.js';
import type { Reporter } from '../run/reporter.js';
import { uploadFileToThread, type FileUploadClient, type UploadOptions } from './files.js';
import type { ApprovalRequestPoster } from '../approval/notifier.js';
import type { Approval, SlackMessageRef } from '../approval/types.js';
import {
  approvalViewOf,
  escapeMrkdwn,
  fitMessage,
  renderApprovalMessage,
  renderRefusal,
  renderRunMessage,
  renderStepReply,
  type SlackMessage,
} from './render/index.js';
import { contextLine, mrkdwnSection } from './render/layout.js';
import { errorSummary } from '../log/logger.js';

/** The Web API methods a run's thread needs; a `WebClient` satisfies it. */
export interface SlackPoster extends FileUploadClient {
  chat: Pick<webApi.WebClient['chat'], 'postMessage' | 'update'>;
}

export type ReporterStore = Pick<RedisRunStore, 'reported' | 'markReported' | 'updateRecord'>;

export interface SlackReporterOptions {
  client: SlackPoster;
  store: ReporterStore;
  /** The run's record as stored; the reporter keeps its Slack fields current. */
  record: RunRecord;
  /** The runbook's title, for the parent message. */
  title: string;
  logger: Logger;
  upload?: UploadOptions;
}

/** Warnings listed in one thread message; the rest are counted. */
const WARNINGS_SHOWN = 15;

export class SlackReporter implements Reporter, ApprovalRequestPoster {
  private readonly pendingWarnings: string[] = [];
  private pendingEmpty: SlackMessage | undefined;

  private constructor(
    private readonly opts: SlackReporterOptions,
    private readonly done: Set<string>,
  ) {}

  /** A reporter for one run, knowing what the run has already shown in Slack. */
  static async open(opts: SlackReporterOptions): Promise<SlackReporter> {
    return new SlackReporter(opts, await opts.store.reported(opts.record.context.runId));
  }

  /** Where the run's replies go: absent until a slash run's parent exists. */
  get thread(): { channel: string; threadTs: string } | undefined {
    const { channel, threadTs } = this.opts.record.slack;
    return threadTs === undefined ? undefined : { channel, threadTs };
  }

  // --- Reporter ----------------------------------------------------------------------------------

  async runStarted(ctx: RunContext): Promise<void> {
    await this.ensureParent(ctx);
  }

  progress(p: LoadProgress): void {
    this.opts.logger.debug({ runId: this.runId, ...p }, 'loading logs');
  }

  warning(message: string): void {
    // The engine reports these synchronously while loading; they are posted before the next reply.
    this.pendingWarnings.push(message);
  }

  emptyWindow(ctx: RunContext, empty: EmptyWindow): void {
    // Reported while the logs load, like warnings; posted (once per run) before the next reply.
    this.pendingEmpty = renderEmptyWindow(ctx, empty);
  }

  async stepFinished(ctx: RunContext, result: StepResult): Promise<void> {
    await this.flushWarnings();
    await this.postStep(ctx, result);
  }

  async runFinished(result: RunResult): Promise<void> {
    await this.flushWarnings();
    const parentTs = this.opts.record.slack.parentTs;
    if (parentTs === undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: result.context, result });
    await this.opts.client.chat.update({ channel: this.opts.record.slack.channel, ts: parentTs, ...message });
  }

  // --- beyond the runner's calls ----------------------------------------------------------------

  /**
   * Posts the stored steps Slack has not seen, in order: a reply lost to a crash, or a gate's
   * decided result (the runner reports only the steps it runs itself).
   */
  async catchUp(ctx: RunContext, stored: readonly StepResult[]): Promise<void> {
    if (stored.length === 0) return;
    await this.ensureParent(ctx);
    for (const step of stored) await this.postStep(ctx, step);
  }

  /** Shows the parent as running again (a run continuing after its gate was decided). */
  async markRunning(ctx: RunContext): Promise<void> {
    const parentTs = this.opts.record.slack.parentTs;
    if (parentTs === undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: ctx });
    await this.opts.client.chat.update({ channel: this.opts.record.slack.channel, ts: parentTs, ...message });
  }

  /** The approval request of a gate (the plan, Approve and Deny), in the run's thread. */
  async postApprovalRequest(approval: Approval): Promise<SlackMessageRef> {
    return this.postNotice(renderApprovalMessage(approvalViewOf(approval)));
  }

  /** Why the run cannot go on (or start), with what to do about it. */
  async postRefusal(headline: string, details: readonly string[]): Promise<SlackMessageRef> {
    return this.postNotice(renderRefusal(headline, details));
  }

  /** A message in the run's thread, or in the channel when the run has no thread yet. */
  async postNotice(message: SlackMessage): Promise<{ channel: string; ts: string }> {
    const { channel, threadTs } = this.opts.record.slack;
    const posted = await this.opts.client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...message });
    if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
    return { channel, ts: posted.ts };
  }

  // --- internals --------------------------------------------------------------------------------

  private get runId(): string {
    return this.opts.record.context.runId;
  }

  private async ensureParent(ctx: RunContext): Promise<void> {
    const slack = this.opts.record.slack;
    if (slack.parentTs !== undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: ctx });
    // Alarm runs: the alarm post is the thread and the parent its first reply.
    const posted = await this.opts.client.chat.postMessage({
      channel: slack.channel,
      ...(slack.threadTs ? { thread_ts: slack.threadTs } : {}),
      ...message,
    });
    if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
    const threadTs = slack.threadTs ?? posted.ts;
    // Stored before any reply, so a resumed run finds its thread and posts no second parent.
    await this.opts.store.updateRecord(this.runId, { parentTs: posted.ts, threadTs });
    slack.parentTs = posted.ts;
    slack.threadTs = threadTs;
  }

  private async postStep(ctx: RunContext, step: StepResult): Promise<void> {
    const thread = this.thread;
    if (!thread) throw new Error(`run ${this.runId} has no thread to post step ${step.stepId} in`);
    const replyKey = `reply:${step.stepId}:${step.status}`;
    const csvKey = `csv:${step.stepId}:${step.status}`;
    if (this.done.has(replyKey) && this.done.has(csvKey)) return;

    const reply = renderStepReply(ctx, step);
    if (!this.done.has(replyKey)) {
      await this.opts.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, ...reply.message });
      await this.remember(replyKey);
    }
    if (!this.done.has(csvKey)) {
      if (reply.csv) await this.uploadCsv(thread, step, reply.csv);
      await this.remember(csvKey);
    }
  }

  private async uploadCsv(
    thread: { channel: string; threadTs: string },
    step: StepResult,
    csv: NonNullable<ReturnType<typeof renderStepReply>['csv']>,
  ): Promise<void> {
    try {
      await uploadFileToThread(this.opts.client, thread, { filename: csv.filename, title: csv.title, content: csv.content }, this.opts.upload);
    } catch (e) {
      // The reply already shows what fits; a missing attachment must not stop the investigation.
      // The notice names Slack's error code and what to do about it.
      const explained = explainSlackError(e);
      const reason = explained.sentence;
      this.opts.logger.warn({ runId: this.runId, stepId: step.stepId, slackError: explained.code, err: errorSummary(e) }, 'could not attach the full result as CSV');
      await this.postNotice(
        fitMessage({
          text: `The full result of ${escapeMrkdwn(step.title)} could not be attached`,
          blocks: [contextLine(`⚠️ The full result of *${escapeMrkdwn(step.title)}* could not be attached as CSV: ${escapeMrkdwn(reason)}`)],
        }),
      );
    }
  }

  /** New engine warnings (a truncated or unreadable log file…), once per run in one message. */
  private async flushWarnings(): Promise<void> {
    if (this.pendingEmpty && this.thread && !this.done.has('empty-window')) {
      await this.postNotice(this.pendingEmpty);
      await this.remember('empty-window');
    }
    this.pendingEmpty = undefined;
    if (this.pendingWarnings.length === 0 || !this.thread) return;
    const fresh = [...new Set(this.pendingWarnings.splice(0))]
      .map((text) => ({ text, key: `warning:${createHash('sha256').update(text).digest('hex').slice(0, 24)}` }))
      .filter((w) => !this.done.has(w.key));
    if (fresh.length === 0) return;
    await this.postNotice(renderEngineWarnings(fresh.map((w) => w.text)));
    await this.remember(...fresh.map((w) => w.key));
  }

  private async remember(...keys: string[]): Promise<void> {
    await this.opts.store.markReported(this.runId, ...keys);
    for (const key of keys) this.done.add(key);
  }
}

/** The window holds no events: the span the logs cover, and the command that looks there. */
export function renderEmptyWindow(ctx: RunContext, empty: EmptyWindow): SlackMessage {
  const hint = emptyWindowHint(ctx, empty);
  const command = hint.words.length > 0 ? `\nTo look there: ${inlineCode(`/investigate ${ctx.runbookId} ${hint.words.join(' ')}`)}` : '';
  return fitMessage({ text: hint.sentence, blocks: [mrkdwnSection(`🔎 ${escapeMrkdwn(hint.sentence)}${command}`)] });
}

export function renderEngineWarnings(warnings: readonly string[]): SlackMessage {
  const shown = warnings.slice(0, WARNINGS_SHOWN).map((w) => `• ${escapeMrkdwn(w)}`);
  const more = warnings.length > WARNINGS_SHOWN ? `\n… and ${warnings.length - WARNINGS_SHOWN} more` : '';
  const heading = '⚠️ *Warnings while reading the logs* (results may be incomplete):';
  return fitMessage({
    text: `${warnings.length} warning${warnings.length === 1 ? '' : 's'} while reading the logs: results may be incomplete`,
    blocks: [mrkdwnSection(`${heading}\n${shown.join('\n')}${more}`)],
  });
}
