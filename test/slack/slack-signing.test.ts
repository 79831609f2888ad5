import { isValidSlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  blockActionPayload,
  eventCallbackRequest,
  interactivityRequest,
  slashCommandRequest,
  urlVerificationRequest,
  type SignedRequest,
} from '../fakes/slack-signing.js';

const SECRET = '8f742231b10e8888abcd99edabcd00d1';

/** Bolt's own verification, as its HTTP receiver applies it. */
function boltAccepts(req: SignedRequest): boolean {
  return isValidSlackRequest({
    signingSecret: SECRET,
    body: req.body,
    headers: {
      'x-slack-signature': req.headers['x-slack-signature']!,
      'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
    },
  });
}

describe('signed requests as Slack sends them', () => {
  it('a slash command is form-encoded and passes Bolt verification', () => {
    const req = slashCommandRequest(SECRET, { text: 'root-activity since=24h', userId: 'U024BE7LH', channelId: 'C0SECOPS' });
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect(form.get('command')).toBe('/investigate');
    expect(form.get('text')).toBe('root-activity since=24h');
    expect(form.get('trigger_id')).toBeTruthy();
    expect(boltAccepts(req)).toBe(true);
  });

  it('an interactivity payload is `payload=<json>` and passes verification', () => {
    const payload = blockActionPayload({ userId: 'U0APPROVE1', actionId: 'approval_approve', value: 'apr_1', channelId: 'C0SECOPS', messageTs: '1793620800.000100' });
    const req = interactivityRequest(SECRET, payload);
    expect(JSON.parse(new URLSearchParams(req.body).get('payload')!)).toMatchObject({ type: 'block_actions', actions: [{ value: 'apr_1' }] });
    expect(boltAccepts(req)).toBe(true);
  });

  it('an event callback and a url_verification are JSON and pass verification', () => {
    const event = eventCallbackRequest(SECRET, { type: 'message', channel: 'C0ALARMS', ts: '1.2', text: 'x' }, { retryNum: 1 });
    expect(JSON.parse(event.body)).toMatchObject({ type: 'event_callback', event: { type: 'message' } });
    expect(event.headers['x-slack-retry-num']).toBe('1');
    expect(boltAccepts(event)).toBe(true);
    const challenge = urlVerificationRequest(SECRET, 'c-123');
    expect(JSON.parse(challenge.body)).toEqual({ token: 'deprecated-verification-token', challenge: 'c-123', type: 'url_verification' });
    expect(boltAccepts(challenge)).toBe(true);
  });

  it('a forged signature or a stale timestamp is refused', () => {
    const fields = { text: 'help', userId: 'U1', channelId: 'C1' };
    expect(boltAccepts(slashCommandRequest(SECRET, fields, { forgeSignature: true }))).toBe(false);
    expect(boltAccepts(slashCommandRequest(SECRET, fields, { staleBySeconds: 6 * 60 }))).toBe(false);
  });
});
