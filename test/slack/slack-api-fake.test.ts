import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';

const { WebClient } = webApi;

let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await FakeSlackApi.start({
    users: [
      { id: 'U0APPROVE1', name: 'dana' },
      { id: 'U0GONE', name: 'former', deleted: true },
      { id: 'U0SOMEBOT', name: 'somebot', isBot: true },
    ],
    userGroups: [{ id: 'S0SECOPS', handle: 'secops-leads', users: ['U0APPROVE1', 'U0APPROVE2'] }],
  });
});
afterAll(() => fake.close());

/** A WebClient exactly as the bot builds one, pointed at the fake; no retries unless asked. */
function client(options: webApi.WebClientOptions = {}): webApi.WebClient {
  return new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR, ...options });
}

describe('the fake Slack Web API, through an unmodified WebClient', () => {
  it('answers auth.test with the bot identity', async () => {
    const auth = await client().auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'U0CTRBBOT', bot_id: 'B0CTRBBOT', team_id: 'T0FAKETEAM' });
  });

  it('keeps posted messages and threads, decoding blocks from the form body', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: 'C0SECOPS', text: 'parent', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
    const reply = await web.chat.postMessage({ channel: 'C0SECOPS', thread_ts: parent.ts!, text: 'step 1' });
    await web.chat.update({ channel: 'C0SECOPS', ts: parent.ts!, text: 'parent, finished' });

    expect(fake.message('C0SECOPS', parent.ts!)).toMatchObject({ text: 'parent, finished', updates: 1 });
    expect(fake.threadReplies('C0SECOPS', parent.ts!).map((m) => m.ts)).toEqual([reply.ts]);
    const posted = fake.callsTo('chat.postMessage').find((c) => c.args.text === 'parent');
    expect(posted?.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }]);
  });

  it('refuses what Slack refuses: a bad token, an unknown message, too many blocks', async () => {
    await expect(new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }).auth.test()).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    await expect(client().chat.update({ channel: 'C0SECOPS', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(client().chat.postMessage({ channel: 'C0SECOPS', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
  });

  it('refuses what Block Kit refuses: unknown block types, wrong text-object types, long context text', async () => {
    const refused = async (blocks: unknown[]) => {
      const answer = await client()
        .chat.postMessage({ channel: 'C0SECOPS', text: 'x', blocks: blocks as never })
        .then(() => undefined, (e: { data: { error: string; response_metadata?: { messages?: string[] } } }) => e.data);
      expect(answer?.error).toBe('invalid_blocks');
      return answer!.response_metadata!.messages!;
    };
    expect(await refused([{ type: 'table', rows: [] }])).toEqual(['blocks[0] (table): unsupported block type "table"']);
    expect(await refused([{ type: 'header', text: { type: 'mrkdwn', text: '*bold*' } }])).toEqual([
      'blocks[0] (header): header text has type "mrkdwn" (must be plain_text)',
    ]);
    expect(await refused([{ type: 'section', text: { type: 'markdown', text: 'x' } }])).toEqual([
      'blocks[0] (section): section text has type "markdown" (must be plain_text or mrkdwn)',
    ]);
    expect(await refused([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'x'.repeat(3001) }] }])).toEqual([
      'blocks[0] (context): elements[0] is 3001 characters (max 3000)',
    ]);
    expect(await refused([{ type: 'context', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x' } }] }])).toEqual([
      'blocks[0] (context): elements[0] has type "button" (must be plain_text or mrkdwn)',
    ]);
    expect(
      await refused([{ type: 'actions', elements: [{ type: 'button', text: { type: 'mrkdwn', text: 'Go' }, style: 'green', action_id: 'a' }] }]),
    ).toEqual(['blocks[0] (actions): button text has type "mrkdwn" (must be plain_text)', 'blocks[0] (actions): button style "green" (primary or danger)']);
    // What the renderer sends passes: a context of 3000 characters is the limit, not over it.
    await expect(client().chat.postMessage({ channel: 'C0SECOPS', text: 'x', blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'x'.repeat(3000) }] }] })).resolves.toMatchObject({ ok: true });
  });

  it('accepts JSON bodies with a bearer token, as the real API does', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postEphemeral`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_BOT_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0SECOPS', user: 'U0APPROVE1', text: 'only you' }),
    });
    expect(await res.json()).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(fake.ephemerals.at(-1)).toMatchObject({ channel: 'C0SECOPS', text: 'only you' });
  });

  it('answers users and user groups as configured', async () => {
    const web = client();
    expect((await web.users.info({ user: 'U0GONE' })).user).toMatchObject({ id: 'U0GONE', deleted: true, is_bot: false });
    expect((await web.users.info({ user: 'U0SOMEBOT' })).user).toMatchObject({ is_bot: true });
    await expect(web.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    expect((await web.usergroups.users.list({ usergroup: 'S0SECOPS' })).users).toEqual(['U0APPROVE1', 'U0APPROVE2']);
    const groups = await web.usergroups.list({ include_users: true });
    expect(groups.usergroups).toEqual([expect.objectContaining({ id: 'S0SECOPS', handle: 'secops-leads', users: ['U0APPROVE1', 'U0APPROVE2'] })]);
  });

  it('opens a valid modal and refuses a view without a trigger id', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Deny remediation' }, blocks: [] };
    expect(await client().views.open({ trigger_id: '123.456.abc', view })).toMatchObject({ ok: true, view: { id: expect.stringMatching(/^V/) } });
    await expect(client().views.open({ trigger_id: '', view })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
  });

  it('records response_url posts', async () => {
    const url = fake.responseUrl();
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'queued', response_type: 'ephemeral' }) });
    expect(fake.callsTo('response_url').at(-1)?.args).toMatchObject({ text: 'queued', url });
  });

  it('lets a test await the Nth call to a method', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    const third = fake.waitForCall('chat.postMessage', before + 3);
    const web = client();
    for (const text of ['a', 'b', 'c']) await web.chat.postMessage({ channel: 'C0WAIT', text });
    expect((await third).args.text).toBe('c');
    await expect(fake.waitForCall('chat.postMessage', before + 4, { timeoutMs: 50 })).rejects.toThrow(/timed out/);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After, and WebClient waits that long before retrying', async () => {
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    const web = client({ retryConfig: { retries: 2, factor: 1, minTimeout: 0, maxTimeout: 0, randomize: false } });
    const started = Date.now();
    const res = await web.chat.postMessage({ channel: 'C0LIMIT', text: 'after the limit' });
    const elapsed = Date.now() - started;

    expect(res.ok).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    const attempts = fake.callsTo('chat.postMessage', { all: true }).filter((c) => c.args.channel === 'C0LIMIT');
    expect(attempts.map((c) => c.outcome)).toEqual(['rate_limited', 'ok']);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('is seen by a client that refuses to wait', async () => {
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 30 });
    const web = client({ rejectRateLimitedCalls: true });
    await expect(web.chat.postMessage({ channel: 'C0LIMIT', text: 'x' })).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 30 });
  });
});
