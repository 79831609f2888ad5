/**
 * The Slack reporter: a run as a thread. The parent message says what runs, for whom, and
 * where it stands (step k of n and the findings so far while it runs); each finished step is
 * a threaded reply (with the full CSV when the reply shows only part of a result); the parent
 * is updated with the final status and a one-line summary of the findings.
 *
 * - Slash runs: the parent is a new message in the channel, and its ts becomes the thread.
 *   Alarm runs: the parent is the first reply in the alarm post's thread.
 * - Every post is made once per run, whatever crashes. Before a post, the run records that it
 *   is sending it (`markPosting`); the post carries metadata naming the run and the post
 *   (src/slack/run-posts.ts); once Slack answers, the run records it as reported. A worker
 *   taking the run over finds the posts left in doubt (sent, answer not recorded) by reading
 *   the thread back, and posts only those Slack does not have: the parent too, so a resumed
 *   run keeps to the same thread. Stored steps not yet shown are posted by `catchUp`.
 */
import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EmptyWindow, LoadProgress } from '../model/query.js';
import { emptyWindowHint } from '../run/empty-window.js';
import { inlineCode } from './render/mrkdwn.js';
import { explainSlackError, slackErrorLogFields } from './api-errors.js';
import type { RunRecord } from '../model/run.js';
import type { PostIntent, RedisRunStore } from '../run/redis-store.js';
import type { RunContext, RunResult, StepResult } from '../model/run.js';
import { findRunPosts, runPostMetadata, type ConversationsReader, type FoundPosts, type PostLocation } from './run-posts.js';
import type { Reporter } from '../run/reporter.js';
import { uploadFileToThread, type FileUploadClient, type UploadOptions } from './files.js';
import type { ApprovalRequestPoster } from '../approval/notifier.js';
import type { Approval, SlackMessageRef } from '../approval/types.js';
import {
  approvalViewOf,
  escapeMrkdwn,
  fitMessage,
  renderApprovalMessage,
  renderApproverHelp,
  renderRefusal,
  renderRunMessage,
  renderStepReply,
  type RunProgress,
  type SlackMessage,
} from './render/index.js';
import { contextLine, mrkdwnSection } from './render/layout.js';
import { errorSummary } from '../log/logger.js';
import { renderTimelinePng, timelineInputOf } from '../evidence/timeline.js';

/** The Web API methods a run's thread needs; a `WebClient` satisfies it. */
export interface SlackPoster extends FileUploadClient, ConversationsReader {
  chat: Pick<webApi.WebClient['chat'], 'postMessage' | 'update'>;
}

export type ReporterStore = Pick<RedisRunStore, 'reported' | 'markReported' | 'markPosting' | 'postingIntents' | 'updateRecord'>;

export interface SlackReporterOptions {
  client: SlackPoster;
  store: ReporterStore;
  /** The run's record as stored; the reporter keeps its Slack fields current. */
  record: RunRecord;
  /** The runbook's title, for the parent message. */
  title: string;
  /** How many steps the runbook has, for "step k of n" on the parent while the run goes. */
  steps?: number;
  logger: Logger;
  upload?: UploadOptions;
  /** The runbook's `timeline`: when a run ends, its activity is posted as a picture in the thread. */
  timeline?: { step: string };
}

/** What the run's record says once the timeline picture is in the thread. */
const TIMELINE_KEY = 'timeline';

/** Warnings listed in one thread message; the rest are counted. */
const WARNINGS_SHOWN = 15;

const PARENT = 'parent';

/** How far before a parent's recorded send time its lookup starts: the worker's and Slack's clocks differ. */
const CLOCK_SKEW_S = 600;

/** Posts whose ts the caller needs later (approval messages): settled with their ts, not as reported. */
const KEEPS_TS = /^approval:/;

export class SlackReporter implements Reporter, ApprovalRequestPoster {
  private readonly pendingWarnings: string[] = [];
  /** The steps with a result, for the parent's progress. */
  private readonly finished = new Map<string, StepResult>();
  private pendingEmpty: SlackMessage | undefined;

  private constructor(
    private readonly opts: SlackReporterOptions,
    /** Posts recorded as made. */
    private readonly done: Set<string>,
    /** Posts made whose ts a caller needs (KEEPS_TS), by key. */
    private readonly posted: Map<string, string>,
  ) {}

  /**
   * A reporter for one run, knowing what the run has already shown in Slack: what it recorded,
   * and what Slack has of the posts a crash left in doubt.
   */
  static async open(opts: SlackReporterOptions): Promise<SlackReporter> {
    const runId = opts.record.context.runId;
    const [done, intents] = await Promise.all([opts.store.reported(runId), opts.store.postingIntents(runId)]);
    const reporter = new SlackReporter(opts, done, new Map());
    await reporter.settle(intents);
    return reporter;
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
    this.finished.set(result.stepId, result);
    await this.showProgress(ctx);
  }

  async runFinished(result: RunResult): Promise<void> {
    await this.flushWarnings();
    const parentTs = this.opts.record.slack.parentTs;
    if (parentTs === undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: result.context, result });
    await this.opts.client.chat.update({ channel: this.opts.record.slack.channel, ts: parentTs, ...message });
    await this.postTimeline(result);
  }

  /**
   * The timeline picture of a run that has ended (not one waiting at a gate: it is posted when
   * the run ends), once per run. A picture that cannot be drawn is logged and left out; one
   * Slack refuses is said in the thread with Slack's reason: the results are all there already.
   */
  private async postTimeline(result: RunResult): Promise<void> {
    const step = this.opts.timeline?.step;
    const thread = this.thread;
    if (!step || !thread || result.status === 'waiting_approval' || this.done.has(TIMELINE_KEY)) return;
    const input = timelineInputOf(result, this.opts.title, step);
    let png: Buffer | undefined;
    try {
      if (input) png = await renderTimelinePng(input);
    } catch (e) {
      this.opts.logger.warn({ runId: this.runId, err: errorSummary(e) }, 'could not draw the timeline picture');
      await this.remember(TIMELINE_KEY);
      return;
    }
    try {
      if (png) {
        await uploadFileToThread(
          this.opts.client,
          thread,
          { filename: `${result.context.runbookId}-timeline-${this.runId}.png`, title: `${this.opts.title}: activity over the window`, content: png },
          this.opts.upload,
        );
      }
      await this.remember(TIMELINE_KEY);
    } catch (e) {
      this.opts.logger.warn({ runId: this.runId, ...slackErrorLogFields(e), err: errorSummary(e) }, 'could not post the timeline picture');
      await this.postUploadFailure(`${TIMELINE_KEY}:failed`, `The timeline picture of *${escapeMrkdwn(this.opts.title)}* could not be attached`, e).catch((again: unknown) =>
        this.opts.logger.warn({ runId: this.runId, ...slackErrorLogFields(again), err: errorSummary(again) }, 'could not say in the thread that the timeline picture is missing'),
      );
    }
  }

  /** Says in the thread, once, that a file could not be attached, with Slack's reason and what to do. */
  private async postUploadFailure(key: string, what: string, error: unknown): Promise<void> {
    if (this.done.has(key)) return;
    const reason = explainSlackError(error).sentence;
    const plain = what.replace(/\*/g, '');
    await this.postKeyed(key, fitMessage({ text: `${plain}: ${escapeMrkdwn(reason)}`, blocks: [contextLine(`⚠️ ${what}: ${escapeMrkdwn(reason)}`)] }));
    await this.remember(key);
  }

  // --- beyond the runner's calls ----------------------------------------------------------------

  /**
   * Posts the stored steps Slack has not seen, in order: a reply lost to a crash, or a gate's
   * decided result (the runner reports only the steps it runs itself).
   */
  async catchUp(ctx: RunContext, stored: readonly StepResult[]): Promise<void> {
    if (stored.length === 0) return;
    await this.ensureParent(ctx);
    for (const step of stored) {
      await this.postStep(ctx, step);
      this.finished.set(step.stepId, step);
    }
    await this.showProgress(ctx);
  }

  /** Shows the parent as running again (a run continuing after its gate was decided). */
  async markRunning(ctx: RunContext): Promise<void> {
    const parentTs = this.opts.record.slack.parentTs;
    if (parentTs === undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: ctx, ...this.progressOf() });
    await this.opts.client.chat.update({ channel: this.opts.record.slack.channel, ts: parentTs, ...message });
  }

  /**
   * The approval request of a gate (the plan, Approve and Deny), in the run's thread; once per
   * approval, so a worker that died before the approval recorded its message finds it again.
   */
  async postApprovalRequest(approval: Approval): Promise<SlackMessageRef> {
    const key = `approval:${approval.id}`;
    const known = this.posted.get(key);
    if (known) return { channel: this.opts.record.slack.channel, ts: known };
    const ref = await this.postKeyed(key, renderApprovalMessage(approvalViewOf(approval)));
    await this.opts.store.markPosting(this.runId, key, { at: Date.now(), ts: ref.ts });
    this.posted.set(key, ref.ts);
    return ref;
  }

  /** Which approvers of a gate the workspace does not know, and how to fix it: to the requester, once per approval. */
  async postApproverHelp(approval: Approval): Promise<void> {
    const key = `approver-help:${approval.id}`;
    if (this.done.has(key) || !approval.unresolvedApprovers?.length) return;
    await this.postKeyed(
      key,
      renderApproverHelp({
        runbookId: approval.runbookId,
        stepId: approval.stepId,
        requestedBy: approval.requestedBy,
        approvers: approval.policy.approvers,
        unresolved: approval.unresolvedApprovers,
        expiresAt: approval.policy.expires_at,
      }),
    );
    await this.remember(key);
  }

  /** Why the run cannot go on (or start), with what to do about it; the same refusal once. */
  async postRefusal(headline: string, details: readonly string[]): Promise<SlackMessageRef | undefined> {
    const key = `refusal:${digest(headline)}`;
    if (this.done.has(key)) return undefined;
    const ref = await this.postKeyed(key, renderRefusal(headline, details));
    await this.remember(key);
    return ref;
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

  /**
   * Settles the posts a crash left in doubt: those Slack has are recorded as made (the parent's
   * ts stored on the run), the others will be posted again.
   */
  private async settle(intents: Map<string, PostIntent>): Promise<void> {
    const slack = this.opts.record.slack;
    const open = [...intents].filter(([key]) => !this.done.has(key));
    if (open.length === 0) return;
    const lookups = new Map<string, Promise<FoundPosts | undefined>>();
    const look = (where: PostLocation): Promise<FoundPosts | undefined> => {
      const id = JSON.stringify(where);
      if (!lookups.has(id)) lookups.set(id, this.lookUp(where));
      return lookups.get(id)!;
    };

    const parent = intents.get(PARENT);
    if (parent && slack.parentTs === undefined) {
      // Alarm runs: the parent is a reply in the alarm's thread; slash runs: a channel message.
      const where: PostLocation = slack.threadTs ? { channel: slack.channel, threadTs: slack.threadTs } : { channel: slack.channel, oldest: parent.at / 1000 - CLOCK_SKEW_S };
      const ts = (await look(where))?.byKey.get(PARENT);
      if (ts) await this.recordParent(ts);
    }
    const settled: string[] = [];
    for (const [key, intent] of open) {
      if (key === PARENT) continue;
      let ts = intent.ts;
      if (ts === undefined && slack.threadTs !== undefined) {
        const found = await look({ channel: slack.channel, threadTs: slack.threadTs });
        ts = found?.byKey.get(key) ?? (intent.fileId !== undefined && found?.fileIds.has(intent.fileId) ? intent.fileId : undefined);
        settled.push(...(ts !== undefined ? (found?.also.get(key) ?? []) : []));
      }
      if (ts === undefined) continue;
      if (KEEPS_TS.test(key)) this.posted.set(key, ts);
      else settled.push(key);
    }
    if (settled.length > 0) this.opts.logger.info({ runId: this.runId, posts: settled }, 'found posts of a run taken over already in Slack');
    await this.remember(...settled);
  }

  private async lookUp(where: PostLocation): Promise<FoundPosts | undefined> {
    try {
      return await findRunPosts(this.opts.client, where, this.runId);
    } catch (e) {
      // Without a read, a post in doubt is made again: one duplicate at worst, nothing lost.
      this.opts.logger.warn({ runId: this.runId, channel: where.channel, ...slackErrorLogFields(e), err: errorSummary(e) }, 'could not read back what a run taken over posted');
      return undefined;
    }
  }

  private async ensureParent(ctx: RunContext): Promise<void> {
    const slack = this.opts.record.slack;
    if (slack.parentTs !== undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: ctx, ...this.progressOf() });
    // Alarm runs: the alarm post is the thread and the parent its first reply.
    const posted = await this.postKeyed(PARENT, message, slack.threadTs);
    await this.recordParent(posted.ts);
  }

  /** Stored before any reply, so a resumed run finds its thread and posts no second parent. */
  private async recordParent(ts: string): Promise<void> {
    const slack = this.opts.record.slack;
    const threadTs = slack.threadTs ?? ts;
    await this.opts.store.updateRecord(this.runId, { parentTs: ts, threadTs });
    slack.parentTs = ts;
    slack.threadTs = threadTs;
    await this.remember(PARENT);
  }

  /**
   * Posts a message the run makes once: recorded as being sent first, and carrying the
   * metadata a worker taking the run over finds it by. In the run's thread unless told where.
   */
  private async postKeyed(key: string, message: SlackMessage, threadTs = this.opts.record.slack.threadTs, also: string[] = []): Promise<SlackMessageRef> {
    const { channel } = this.opts.record.slack;
    await this.opts.store.markPosting(this.runId, key, { at: Date.now() });
    const posted = await this.opts.client.chat.postMessage({
      channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...message,
      metadata: runPostMetadata(this.runId, key, also),
    });
    if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
    return { channel, ts: posted.ts };
  }

  private progressOf(): { progress?: RunProgress } {
    const total = this.opts.steps;
    if (total === undefined) return {};
    const steps = [...this.finished.values()];
    return { progress: { done: steps.length, total, findings: steps.flatMap((s) => s.findings ?? []) } };
  }

  /** The parent as it stands: which step the run is at and what it found so far. */
  private async showProgress(ctx: RunContext): Promise<void> {
    const parentTs = this.opts.record.slack.parentTs;
    if (parentTs === undefined || this.opts.steps === undefined) return;
    const message = renderRunMessage({ title: this.opts.title, context: ctx, ...this.progressOf() });
    try {
      await this.opts.client.chat.update({ channel: this.opts.record.slack.channel, ts: parentTs, ...message });
    } catch (e) {
      // The final status is what counts; a progress line that did not land must not stop the run.
      this.opts.logger.warn({ runId: this.runId, ...slackErrorLogFields(e), err: errorSummary(e) }, 'could not show the run\'s progress');
    }
  }

  private async postStep(ctx: RunContext, step: StepResult): Promise<void> {
    const thread = this.thread;
    if (!thread) throw new Error(`run ${this.runId} has no thread to post step ${step.stepId} in`);
    const replyKey = `reply:${step.stepId}:${step.status}`;
    const csvKey = `csv:${step.stepId}:${step.status}`;
    if (this.done.has(replyKey) && this.done.has(csvKey)) return;

    const reply = renderStepReply(ctx, step);
    if (!this.done.has(replyKey)) {
      await this.postKeyed(replyKey, reply.message);
      await this.remember(replyKey);
    }
    if (!this.done.has(csvKey)) {
      if (reply.csv) await this.uploadCsv(thread, step, reply.csv, csvKey);
      await this.remember(csvKey);
    }
  }

  private async uploadCsv(
    thread: { channel: string; threadTs: string },
    step: StepResult,
    csv: NonNullable<ReturnType<typeof renderStepReply>['csv']>,
    key: string,
  ): Promise<void> {
    // The file's id is recorded before it is shared: the shared message carries it, not metadata.
    const beforeShare = (fileId: string) => this.opts.store.markPosting(this.runId, key, { at: Date.now(), fileId });
    try {
      await uploadFileToThread(this.opts.client, thread, { filename: csv.filename, title: csv.title, content: csv.content, beforeShare }, this.opts.upload);
    } catch (e) {
      // The reply already shows what fits; a missing attachment must not stop the investigation.
      this.opts.logger.warn({ runId: this.runId, stepId: step.stepId, ...slackErrorLogFields(e), err: errorSummary(e) }, 'could not attach the full result as CSV');
      await this.postUploadFailure(`${key}:failed`, `The full result of *${escapeMrkdwn(step.title)}* could not be attached as CSV`, e);
    }
  }

  /** New engine warnings (a truncated or unreadable log file…), once per run in one message. */
  private async flushWarnings(): Promise<void> {
    if (this.pendingEmpty && this.thread && !this.done.has('empty-window')) {
      await this.postKeyed('empty-window', this.pendingEmpty);
      await this.remember('empty-window');
    }
    this.pendingEmpty = undefined;
    if (this.pendingWarnings.length === 0 || !this.thread) return;
    const fresh = [...new Set(this.pendingWarnings.splice(0))]
      .map((text) => ({ text, key: `warning:${digest(text)}` }))
      .filter((w) => !this.done.has(w.key));
    if (fresh.length === 0) return;
    // One message for several warnings: found again by the first's key, it settles all of them.
    const [first, ...rest] = fresh.map((w) => w.key);
    await this.postKeyed(first!, renderEngineWarnings(fresh.map((w) => w.text)), undefined, rest);
    await this.remember(first!, ...rest);
  }

  private async remember(...keys: string[]): Promise<void> {
    await this.opts.store.markReported(this.runId, ...keys);
    for (const key of keys) this.done.add(key);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
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
