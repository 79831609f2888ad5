/**
 * Slack's error codes in words a person can act on: a failure shown in a thread, a click's
 * answer or a log line names the code Slack gave (so it can be searched, or quoted to whoever
 * runs the app) and what to do about it.
 *
 * Rate limits are not among the failures people see: the clients wait out Slack's Retry-After
 * and call again (client.ts); `ratelimited` reaches a person only if that gives up.
 */

interface Situation {
  /** What to do once the cause is fixed: "run the runbook again", "click Deny again". */
  then: string;
  /** The permission Slack said was missing (`missing_scope` answers carry `needed`). */
  needed?: string;
}

/** What to do about the codes the bot meets; others get the generic advice. */
const ADVICE: Readonly<Record<string, (s: Situation) => string>> = {
  not_in_channel: (s) => `invite the bot to this channel (/invite and the bot's name), then ${s.then}`,
  channel_not_found: (s) => `the channel is private and the bot is not in it (invite it with /invite and its name), or the channel is gone; then ${s.then}`,
  is_archived: (s) => `the channel is archived: unarchive it, or ${s.then} from another channel`,
  missing_scope: (s) =>
    `the Slack app lacks the ${s.needed ? `${s.needed} permission` : 'permission this needs'}: add it to the app (slack/manifest.yaml lists every permission the bot uses) and reinstall it, then ${s.then}`,
  not_allowed_token_type: () => 'the bot token is not a bot token (xoxb-…): set SLACK_BOT_TOKEN to the Bot User OAuth Token',
  invalid_auth: () => 'the bot token is no longer valid: set SLACK_BOT_TOKEN to the current Bot User OAuth Token',
  not_authed: () => 'no bot token was sent: set SLACK_BOT_TOKEN to the Bot User OAuth Token',
  token_revoked: () => 'the bot token was revoked: reinstall the app and set SLACK_BOT_TOKEN again',
  token_expired: () => 'the bot token expired: reinstall the app and set SLACK_BOT_TOKEN again',
  account_inactive: () => 'the bot user is deactivated: reinstall the app',
  file_uploads_disabled: () => 'file uploads are switched off in this workspace: a workspace admin can allow them',
  file_upload_size_restricted: () => 'the file is larger than this workspace allows: run the runbook with a shorter window or use ctrb run --json',
  ratelimited: (s) => `Slack is rate limiting the app: wait a minute, then ${s.then}`,
  restricted_action: (s) => `a workspace setting forbids the bot to post here: a workspace admin can allow it, or ${s.then} from another channel`,
  thread_not_found: (s) => `the run's thread was deleted: ${s.then}`,
  message_not_found: () => 'the message was deleted meanwhile',
  cant_update_message: () => 'the message is not the bot\'s own',
  expired_trigger_id: () => 'Slack allows 3 seconds between a click and the form it opens: click again',
  invalid_trigger_id: () => 'Slack allows 3 seconds between a click and the form it opens: click again',
  msg_too_long: () => 'the message is longer than Slack accepts: a fault of ctrb worth reporting, with the run id',
  invalid_blocks: () => 'the message breaks one of Slack\'s Block Kit limits: a fault of ctrb worth reporting, with the run id',
  user_not_found: () => 'no user has this id in this workspace',
  no_such_subteam: () => 'no user group has this id in this workspace',
  team_access_not_granted: () => 'the app is not installed in the workspace this belongs to: install it there',
  fatal_error: (s) => `Slack failed on its side: ${s.then} in a moment`,
  internal_error: (s) => `Slack failed on its side: ${s.then} in a moment`,
  service_unavailable: (s) => `Slack is unavailable: ${s.then} in a moment`,
};

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

/**
 * The sentence for a person: `Slack answered not_in_channel: invite the bot …, then <then>`.
 * `then` is what to do once the cause is fixed, where the failure is seen.
 */
export function explainSlackError(error: unknown, then = 'run the runbook again'): SlackErrorExplained {
  const code = slackErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (!code) return { sentence: `${message}; ${then} in a moment` };
  const needed = (error as { data?: { needed?: unknown } }).data?.needed;
  const advice = ADVICE[code]?.({ then, ...(typeof needed === 'string' ? { needed } : {}) }) ?? `${then} in a moment; if it keeps failing, look up the code at https://api.slack.com/methods`;
  return { code, sentence: `Slack answered ${code}: ${advice}` };
}

/** What a log line says of a Slack failure: the code, the permission it lacked, and the advice. */
export function slackErrorLogFields(error: unknown): { slackError?: string; needed?: string; advice?: string } {
  const code = slackErrorCode(error);
  if (!code) return {};
  const needed = (error as { data?: { needed?: unknown } }).data?.needed;
  return { slackError: code, ...(typeof needed === 'string' ? { needed } : {}), advice: explainSlackError(error, 'try again').sentence };
}
