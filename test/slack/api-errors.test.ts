/**
 * A failed upload (and any Slack API error shown in a thread) names Slack's error code and
 * what to do, instead of only "could not be attached".
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { explainSlackError } from '../../src/slack/api-errors.js';
import { SlackReporter, type SlackPoster } from '../../src/slack/reporter.js';
import type { RunRecord } from '../../src/model/run.js';
import { blockText, cloudTrailRows, queryStep, runContext } from './builders.js';

/** An error as @slack/web-api throws it for an `ok: false` answer. */
const platformError = (code: string): Error => Object.assign(new Error(`An API error occurred: ${code}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: code } });

describe('Slack API errors', () => {
  it('name the code and what to do', () => {
    expect(explainSlackError(platformError('not_in_channel'))).toEqual({
      code: 'not_in_channel',
      sentence: 'Slack answered not_in_channel: invite the bot to this channel (/invite @the bot), then run the runbook again',
    });
    expect(explainSlackError(platformError('missing_scope')).sentence).toContain('reinstall it from slack/manifest.yaml (files:write for uploads)');
    expect(explainSlackError(platformError('something_new')).sentence).toBe(
      'Slack answered something_new: try again in a moment; if it keeps failing, look up the code at https://api.slack.com/methods',
    );
  });

  it('a failed CSV upload tells the thread Slack\'s reason, and the run goes on', async () => {
    const posted: { text?: string; blocks?: unknown[] }[] = [];
    const client = {
      chat: {
        postMessage: async (m: { text?: string; blocks?: unknown[] }) => {
          posted.push(m);
          return { ok: true, ts: `1.${posted.length}` };
        },
        update: async () => ({ ok: true }),
      },
      files: {
        getUploadURLExternal: async () => {
          throw platformError('file_uploads_disabled');
        },
        completeUploadExternal: async () => ({ ok: true }),
      },
    } as unknown as SlackPoster;
    const ctx = runContext();
    const record = { context: ctx, slack: { channel: 'C0SECOPS' } } as unknown as RunRecord;
    const done = new Set<string>();
    const reporter = await SlackReporter.open({
      client,
      store: { reported: async () => done, markReported: async (_id: string, ...keys: string[]) => void keys.forEach((k) => done.add(k)), updateRecord: async () => true, markPosting: async () => undefined, postingIntents: async () => new Map() },
      record,
      title: 'A leaked access key',
      logger: pino({ level: 'silent' }),
    });
    await reporter.runStarted(ctx);
    await reporter.stepFinished(ctx, queryStep(cloudTrailRows(400)));
    const notice = posted.map((m) => blockText(m.blocks ?? [])).find((t) => t.includes('could not be attached'));
    expect(notice).toContain('Slack answered file_uploads_disabled: file uploads are switched off in this workspace: a workspace admin can allow them');
  });
});
