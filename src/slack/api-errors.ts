/**
 * Slack's error codes in words a person can act on: a failure shown in a thread names the
 * code Slack gave (so it can be searched, or quoted to whoever runs the app) and what to do.
 */

/** What to do about the codes a run's posts and uploads meet; others get the generic advice. */
const ADVICE: Readonly<Record<string, string>> = {
  not_in_channel: 'invite the bot to this channel (/invite @the bot), then run the runbook again',
  channel_not_found: 'the channel is private or gone: invite the bot to it, or run the runbook from another channel',
  missing_scope: 'the Slack app lacks a permission: reinstall it from slack/manifest.yaml (files:write for uploads)',
  not_allowed_token_type: 'the bot token is not a bot token (xoxb-…): set SLACK_BOT_TOKEN to the Bot User OAuth Token',
  invalid_auth: 'the bot token is no longer valid: set SLACK_BOT_TOKEN to the current Bot User OAuth Token',
  token_revoked: 'the bot token was revoked: reinstall the app and set SLACK_BOT_TOKEN again',
  account_inactive: 'the bot user is deactivated: reinstall the app',
  file_uploads_disabled: 'file uploads are switched off in this workspace: a workspace admin can allow them',
  file_upload_size_restricted: 'the file is larger than this workspace allows: run the runbook with a shorter window or use ctrb run --json',
  ratelimited: 'Slack is rate limiting the app: try again in a minute',
  restricted_action: 'a workspace setting forbids the bot to post here: a workspace admin can allow it',
  is_archived: 'the channel is archived: run the runbook from another channel',
};

const GENERIC = 'try again in a moment; if it keeps failing, look up the code at https://api.slack.com/methods';

export interface SlackErrorExplained {
  /** Slack's code (`not_in_channel`), or undefined when the error did not come from Slack's API. */
  code?: string;
  /** One sentence: what happened and what to do. */
  sentence: string;
}

/** Slack's `error` field of a Web API error (`@slack/web-api` puts it in `data.error`). */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  if (typeof data?.error === 'string') return data.error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  return undefined;
}

export function explainSlackError(error: unknown): SlackErrorExplained {
  const code = slackErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (!code) return { sentence: `${message}; try again in a moment` };
  return { code, sentence: `Slack answered ${code}: ${ADVICE[code] ?? GENERIC}` };
}
