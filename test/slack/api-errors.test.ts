/**
 * A failed upload (and any Slack API error shown in a thread) names Slack's error code and
 * what to do, instead of only "could not be attached".
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { explainSlackError, slackErrorLogFields } from '../../src/slack/api-errors.js';
import { SlackReporter, type SlackPoster } from '../../src/slack/reporter.js';
import type { RunRecord } from '../../src/model/run.js';
import { blockText, cloudTrailRows, queryStep, runContext } from './builders.js';

/** An error as @slack/web-api throws it for an `ok: false` answer. */
const platformError = (code: string): Error => Object.assign(new Error(`An API error occurred: ${code}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: code } });

describe('Slack API errors', () => {
  it('name the code and what to do', () => {
    expect(explainSlackError(platformError('not_in_channel'))).toEqual({
      code: 'not_in_channel',
      sentence: "Slack answered not_in_channel: invite the bot to this channel (/invite and the bot's name), then run the runbook again",
    });
    expect(explainSlackError(platformError('not_in_channel'), 'click Deny again').sentence).toBe(
      "Slack answered not_in_channel: invite the bot to this channel (/invite and the bot's name), then click Deny again",
    );
    expect(explainSlackError(platformError('something_new')).sentence).toBe(
      'Slack answered something_new: run the runbook again in a moment; if it keeps failing, look up the code at https://api.slack.com/methods',
    );
    // Not from Slack's API (a network failure): the message, and to try again.
    expect(explainSlackError(new Error('fetch failed'), 'click again')).toEqual({ sentence: 'fetch failed; click again in a moment' });
  });

  it('name the permission a missing_scope answer says is needed', () => {
    const missing = Object.assign(platformError('missing_scope'), { data: { ok: false, error: 'missing_scope', needed: 'files:write', provided: 'chat:write' } });
    expect(explainSlackError(missing).sentence).toBe(
      'Slack answered missing_scope: the Slack app lacks the files:write permission: add it to the app (slack/manifest.yaml lists every permission the bot uses) and reinstall it, then run the runbook again',
    );
    expect(slackErrorLogFields(missing)).toEqual({ slackError: 'missing_scope', needed: 'files:write', advice: expect.stringContaining('then try again') });
    expect(explainSlackError(platformError('missing_scope')).sentence).toContain('lacks the permission this needs');
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
