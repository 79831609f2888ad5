/**
 * Requests as Slack sends them to the bot, correctly signed (v0: HMAC-SHA256 over
 * `v0:<timestamp>:<raw body>` with the signing secret, in `X-Slack-Signature`, the timestamp
 * in `X-Slack-Request-Timestamp`): slash commands, interactivity payloads, Events API
 * callbacks and URL verification. Options forge the signature, make the timestamp stale or
 * mark the request as one of Slack's retries.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface SignOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with a wrong secret, as a forger without the real one would. */
  forgeSignature?: boolean;
  /** Date the request this many seconds in the past (Slack's receivers refuse over 5 minutes). */
  staleBySeconds?: number;
  /** Mark it as Slack's nth retry of an event delivery (`X-Slack-Retry-Num`). */
  retryNum?: number;
  retryReason?: string;
}

export interface SignedRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signRequest(signingSecret: string, body: string, contentType: string, opts: SignOptions = {}): SignedRequest {
  const timestamp = (opts.timestamp ?? Math.floor(Date.now() / 1000)) - (opts.staleBySeconds ?? 0);
  const secret = opts.forgeSignature ? `${signingSecret}-forged` : signingSecret;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  return { method: 'POST', headers, body };
}

export interface SlashCommandFields {
  text: string;
  userId: string;
  channelId: string;
  command?: string;
  userName?: string;
  channelName?: string;
  teamId?: string;
  /** Where the bot may answer later (a fake's `responseUrl()`). */
  responseUrl?: string;
  triggerId?: string;
  apiAppId?: string;
}

/** A slash command, form-encoded as Slack posts it. */
export function slashCommandRequest(signingSecret: string, fields: SlashCommandFields, opts: SignOptions = {}): SignedRequest {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0FAKETEAM',
    team_domain: 'fake-workspace',
    channel_id: fields.channelId,
    channel_name: fields.channelName ?? 'security-ops',
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: fields.command ?? '/investigate',
    text: fields.text,
    api_app_id: fields.apiAppId ?? 'A0CTRBAPP',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl ?? 'https://hooks.slack.com/commands/T0FAKETEAM/1/fake',
    trigger_id: fields.triggerId ?? newTriggerId(),
  }).toString();
  return signRequest(signingSecret, body, 'application/x-www-form-urlencoded', opts);
}

/** An interactivity payload (button click, modal submission): `payload=<json>`, form-encoded. */
export function interactivityRequest(signingSecret: string, payload: Record<string, unknown>, opts: SignOptions = {}): SignedRequest {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return signRequest(signingSecret, body, 'application/x-www-form-urlencoded', opts);
}

export interface BlockActionFields {
  userId: string;
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  userName?: string;
  teamId?: string;
  blockId?: string;
  responseUrl?: string;
  triggerId?: string;
}

/** The `block_actions` payload of a button click on a message. */
export function blockActionPayload(f: BlockActionFields): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: f.userId, username: f.userName ?? f.userId.toLowerCase(), name: f.userName ?? f.userId.toLowerCase(), team_id: f.teamId ?? 'T0FAKETEAM' },
    api_app_id: 'A0CTRBAPP',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: f.messageTs, channel_id: f.channelId, is_ephemeral: false },
    trigger_id: f.triggerId ?? newTriggerId(),
    team: { id: f.teamId ?? 'T0FAKETEAM', domain: 'fake-workspace' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channelId, name: 'security-ops' },
    message: { type: 'message', ts: f.messageTs, text: '' },
    response_url: f.responseUrl ?? 'https://hooks.slack.com/actions/T0FAKETEAM/1/fake',
    actions: [
      {
        action_id: f.actionId,
        block_id: f.blockId ?? 'approval_actions',
        text: { type: 'plain_text', text: f.actionId, emoji: true },
        value: f.value,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    ],
  };
}

export interface ViewSubmissionFields {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  teamId?: string;
}

/** The `view_submission` payload of a modal's submit button. */
export function viewSubmissionPayload(f: ViewSubmissionFields): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: f.teamId ?? 'T0FAKETEAM', domain: 'fake-workspace' },
    user: { id: f.userId, username: f.userId.toLowerCase(), name: f.userId.toLowerCase(), team_id: f.teamId ?? 'T0FAKETEAM' },
    api_app_id: 'A0CTRBAPP',
    token: 'deprecated-verification-token',
    trigger_id: newTriggerId(),
    view: {
      id: `V${randomBytes(5).toString('hex').toUpperCase()}`,
      team_id: f.teamId ?? 'T0FAKETEAM',
      type: 'modal',
      callback_id: f.callbackId,
      private_metadata: f.privateMetadata,
      state: { values: f.values },
      hash: '1.abc',
      app_id: 'A0CTRBAPP',
      bot_id: 'B0CTRBBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** An Events API callback wrapping `event`, JSON as Slack posts it. */
export function eventCallbackRequest(
  signingSecret: string,
  event: Record<string, unknown>,
  opts: SignOptions & { eventId?: string; teamId?: string } = {},
): SignedRequest {
  const teamId = opts.teamId ?? 'T0FAKETEAM';
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0CTRBAPP',
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'U0CTRBBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
  });
  return signRequest(signingSecret, body, 'application/json', opts);
}

/** The `url_verification` challenge Slack sends when the Events URL is saved. */
export function urlVerificationRequest(signingSecret: string, challenge: string, opts: SignOptions = {}): SignedRequest {
  const body = JSON.stringify({ token: 'deprecated-verification-token', challenge, type: 'url_verification' });
  return signRequest(signingSecret, body, 'application/json', opts);
}

/** POST a signed request to the bot (e.g. `http://127.0.0.1:3000/slack/events`). */
export function send(url: string, request: SignedRequest): Promise<Response> {
  return fetch(url, { method: request.method, headers: request.headers, body: request.body });
}

function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
}
