/**
 * What the bot checks of a signed request before Bolt sees it (HTTP mode), beyond Bolt's own
 * signature check:
 *
 * - a replay: a request whose signature was already accepted is refused (401). Slack signs
 *   `v0:<timestamp>:<body>`, so the same signature is the same request sent again, by an
 *   attacker who captured it or by a proxy. Signatures are remembered in Redis for the time
 *   they stay valid (5 minutes either side of now), so every bot replica refuses a request
 *   any of them took. Slack's own retries of an event are new requests (a new timestamp, a
 *   new signature) and pass; the alarm listener still dedupes them by event id.
 * - a timestamp more than 5 minutes in the future (401): Bolt refuses only stale ones, and a
 *   request dated ahead would stay valid, and replayable, for longer.
 * - a signed body Slack would never send: empty, not JSON or a form, or with neither a
 *   command, a payload nor an event type (400 at once, rather than Bolt's 3-second wait for
 *   a listener that never comes).
 *
 * While Redis is out of reach a signed request is refused rather than risk taking it twice:
 * an event with 503 (Slack delivers it again later), a slash command with an answer saying
 * to try again (200, so the person reads it instead of Slack's bare "dispatch_failed").
 *
 * A request whose signature does not verify goes on to Bolt untouched, which refuses it (401)
 * and logs why; so does everything that is not a POST to the events path (health checks).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultBodyLimit, HTTPModuleFunctions, verifySlackRequest, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from '../log/logger.js';
import { renderRefusal } from './render/index.js';

/** The path Slack posts slash commands, interactivity and events to (slack/manifest.yaml). */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's window: a request more than 5 minutes from now either way is not accepted. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Requests seen by any bot replica (Redis in production): the replay memory. */
export interface SeenRequests {
  /** Records `key` for `ttlMs`; false when it was recorded already (and has not expired). */
  firstSighting(key: string, ttlMs: number): Promise<boolean>;
}

export interface RequestGuardOptions {
  signingSecret: string;
  seen: SeenRequests;
  logger: Logger;
  /** Unix milliseconds; tests move the clock. */
  now?: () => number;
}

type Verdict = { pass: true } | { pass: false; status: number; reason: string; answer?: object };

/** What a person who typed a command reads while the replay memory (Redis) is out of reach. */
const TRY_AGAIN = renderRefusal('The bot cannot take commands for a moment (its store is out of reach); nothing was started. Try again in a moment.');

/** Puts the checks above in front of the receiver's request listener. */
export function guardSlackRequests(receiver: HTTPReceiver, options: RequestGuardOptions): void {
  const bolt = receiver.requestListener;
  const log = options.logger.child({ component: 'request-guard' });
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url) !== SLACK_EVENTS_PATH) {
      bolt(req, res);
      return;
    }
    screen(req, options).then(
      (verdict) => {
        if (verdict.pass) {
          bolt(req, res);
          return;
        }
        log.warn({ status: verdict.status, reason: verdict.reason }, 'refused a Slack request');
        respond(res, verdict.status, verdict.answer);
      },
      (e: unknown) => {
        log.error({ err: errorSummary(e) }, 'could not screen a Slack request; refused it');
        respond(res, 500);
      },
    );
  };
}

async function screen(req: IncomingMessage, options: RequestGuardOptions): Promise<Verdict> {
  let raw: Buffer;
  try {
    raw = (await HTTPModuleFunctions.bufferIncomingMessage(req, defaultBodyLimit)).rawBody;
  } catch {
    return { pass: false, status: 413, reason: 'the body is too large or was cut off' };
  }
  const body = raw.toString('utf8');
  const signature = header(req, 'x-slack-signature');
  const timestamp = Number(header(req, 'x-slack-request-timestamp'));
  if (signature === undefined || !Number.isInteger(timestamp) || isSslCheck(req, body)) return { pass: true };
  const nowMs = (options.now ?? Date.now)();
  try {
    verifySlackRequest({
      signingSecret: options.signingSecret,
      body,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
  } catch {
    return { pass: true }; // Bolt refuses it with 401 and logs why.
  }
  const aheadSeconds = timestamp - Math.floor(nowMs / 1000);
  if (aheadSeconds > SIGNATURE_WINDOW_SECONDS) {
    return { pass: false, status: 401, reason: `the request is dated ${aheadSeconds} s in the future (at most ${SIGNATURE_WINDOW_SECONDS} s)` };
  }
  const unreadable = bodyProblem(body, header(req, 'content-type'));
  if (unreadable) return { pass: false, status: 400, reason: unreadable };
  // Valid until 5 minutes after its timestamp; remembered until then (and at least a second).
  const ttlMs = Math.max(1_000, (timestamp + SIGNATURE_WINDOW_SECONDS) * 1000 - nowMs);
  const key = createHash('sha256').update(signature).digest('hex');
  let first: boolean;
  try {
    first = await options.seen.firstSighting(key, ttlMs);
  } catch (e) {
    // Out of reach: refuse rather than risk taking a request twice. A command is still
    // answered (Slack shows a bare "dispatch_failed" otherwise); Slack retries an event.
    const reason = `the replay memory is out of reach: ${e instanceof Error ? e.message : String(e)}`;
    return isCommand(body, header(req, 'content-type'))
      ? { pass: false, status: 200, reason, answer: { response_type: 'ephemeral', text: TRY_AGAIN.text, blocks: TRY_AGAIN.blocks } }
      : { pass: false, status: 503, reason };
  }
  if (!first) return { pass: false, status: 401, reason: 'replayed: this signed request was already accepted' };
  return { pass: true };
}

/** Why a signed body is not one Slack sends, or undefined when it is. */
function bodyProblem(body: string, contentType: string | undefined): string | undefined {
  if (body.trim() === '') return 'the body is empty';
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    const payload = form.get('payload');
    if (payload !== null) return isObject(parseJson(payload)) ? undefined : 'the payload is not a JSON object';
    return form.get('command') ? undefined : 'the form has neither a command nor a payload';
  }
  const parsed = parseJson(body);
  if (!isObject(parsed)) return 'the body is neither a form nor a JSON object';
  return typeof parsed.type === 'string' ? undefined : 'the JSON body has no type';
}

function isCommand(body: string, contentType: string | undefined): boolean {
  return (contentType ?? '').startsWith('application/x-www-form-urlencoded') && new URLSearchParams(body).get('command') !== null;
}

/** Slack's certificate check: a form with `ssl_check=1`, unsigned; Bolt answers it. */
function isSslCheck(req: IncomingMessage, body: string): boolean {
  return (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded') && new URLSearchParams(body).get('ssl_check') === '1';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

function respond(res: ServerResponse, status: number, answer?: object): void {
  if (answer === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
}
