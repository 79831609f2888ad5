/**
 * A local fake of Slack's Web API, for tests: a real HTTP server on a random port that answers
 * the methods the bot uses the way Slack does (form or JSON bodies, bearer tokens, `{ ok, … }`
 * answers, `invalid_blocks` for messages over Block Kit's limits, HTTP 429 with Retry-After
 * when told to), records every call, and keeps the messages posted so a test can read a
 * thread back. Point `new WebClient(token, { slackApiUrl: fake.apiUrl })` at it.
 *
 * Socket Mode too: `apps.connections.open` (app-level token only) hands out a WebSocket URL on
 * the same server, and `fake.socketMode` pushes envelopes to the app connected there and
 * reads its acks (websocket-socket-mode.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSocketMode } from './websocket-socket-mode.js';

export const FAKE_BOT_TOKEN = 'xoxb-000000000000-000000000000-faketokenfaketoken';
/** The app-level token (`connections:write`) a Socket Mode app opens its connections with. */
export const FAKE_APP_TOKEN = 'xapp-1-A0CTRBAPP-000000000000-fakeapptokenfakeapptoken';

export interface FakeUser {
  id: string;
  name?: string;
  realName?: string;
  isBot?: boolean;
  /** A deactivated account. */
  deleted?: boolean;
}

export interface FakeUserGroup {
  id: string;
  handle: string;
  name?: string;
  users: string[];
}

export interface FakeSlackOptions {
  token?: string;
  /** The app-level token `apps.connections.open` accepts (default FAKE_APP_TOKEN). */
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  users?: FakeUser[];
  userGroups?: FakeUserGroup[];
}

/** `dropped`: a held call whose client went away before it was released; Slack never acted on it. */
export type CallOutcome = 'ok' | 'error' | 'rate_limited' | 'unauthorized' | 'dropped';

export interface RecordedCall {
  /** The Web API method, `upload` for a POST to an upload URL, `response_url` for a response URL. */
  method: string;
  /** The arguments as Slack reads them: JSON-valued fields (blocks, view, files…) decoded. */
  args: Record<string, unknown>;
  outcome: CallOutcome;
  /** The JSON answer (absent for a 429). */
  response?: Record<string, unknown>;
  /** Raw bytes, for uploads. */
  bytes?: Buffer;
  at: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  subtype?: string;
  files?: { id: string; title?: string }[];
  /** The message metadata it was posted with (returned by reads with `include_all_metadata`). */
  metadata?: unknown;
  /** Times the message was changed with chat.update. */
  updates: number;
}

export interface StoredUpload {
  fileId: string;
  filename: string;
  length: number;
  bytes?: Buffer;
  title?: string;
  completed: boolean;
  channel?: string;
  threadTs?: string;
}

/** A call held back by `holdCall`: not answered (nor acted on) until released. */
export interface HeldCall {
  /** Resolves when the held call has arrived. */
  readonly arrived: Promise<void>;
  /** Answers it now; a call whose client has gone meanwhile is dropped, as if it never reached Slack. */
  release(): void;
}

interface Hold {
  method: string;
  /** The arrival to hold, or the first arrival whose arguments match. */
  n?: number;
  match?: (args: Record<string, unknown>) => boolean;
  /** Acted on first (Slack accepted it), only the answer held. */
  afterActing?: boolean;
  arrived: () => void;
  released: Promise<void>;
}

interface Waiter {
  method: string;
  n: number;
  okOnly: boolean;
  resolve: (call: RecordedCall) => void;
}

interface Failure {
  method: string;
  error: string;
  times: number;
  match?: (args: Record<string, unknown>) => boolean;
  extra?: Record<string, unknown>;
}

/** Fields Slack takes as JSON strings in form bodies. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'user_auth_blocks']);

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly ephemerals: StoredMessage[] = [];
  readonly uploads = new Map<string, StoredUpload>();
  /** Socket Mode: the connections made to URLs from `apps.connections.open`, envelopes and acks. */
  readonly socketMode: FakeSocketMode;

  private readonly users = new Map<string, FakeUser>();
  private readonly groups = new Map<string, FakeUserGroup>();
  private readonly rateLimits = new Map<string, { times: number; retryAfterSeconds: number }>();
  private readonly failures: Failure[] = [];
  private readonly holds: Hold[] = [];
  private readonly arrivals = new Map<string, number>();
  private waiters: Waiter[] = [];
  private seq = 0;
  private readonly baseSeconds = Math.floor(Date.now() / 1000);

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly opts: Required<Omit<FakeSlackOptions, 'users' | 'userGroups'>>,
  ) {
    this.socketMode = new FakeSocketMode({ baseUrl, appId: opts.appId });
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const fake = new FakeSlackApi(server, `http://127.0.0.1:${port}`, {
      token: options.token ?? FAKE_BOT_TOKEN,
      appToken: options.appToken ?? FAKE_APP_TOKEN,
      teamId: options.teamId ?? 'T0FAKETEAM',
      botUserId: options.botUserId ?? 'U0CTRBBOT',
      botId: options.botId ?? 'B0CTRBBOT',
      appId: options.appId ?? 'A0CTRBAPP',
    });
    for (const u of options.users ?? []) fake.addUser(u);
    for (const g of options.userGroups ?? []) fake.addUserGroup(g);
    server.on('request', (req, res) => void fake.handle(req, res));
    server.on('upgrade', (req, socket, head) => fake.socketMode.handleUpgrade(req, socket, head));
    return fake;
  }

  /** The `slackApiUrl` for a WebClient (ends in `/`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  get botUserId(): string {
    return this.opts.botUserId;
  }

  async close(): Promise<void> {
    // Upgraded (WebSocket) connections are no longer the HTTP server's to close.
    this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- configuring -------------------------------------------------------------------------

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  addUserGroup(group: FakeUserGroup): void {
    this.groups.set(group.id, group);
  }

  /**
   * Answer the next `times` calls to `method` (or, for `upload`, POSTs to upload URLs) with
   * HTTP 429 and `Retry-After: retryAfterSeconds`.
   */
  rateLimit(method: string, { times = 1, retryAfterSeconds = 1 }: { times?: number; retryAfterSeconds?: number } = {}): void {
    this.rateLimits.set(method, { times, retryAfterSeconds });
  }

  /**
   * Answer the next `times` calls to `method` (only those whose arguments `match`, when given:
   * a channel the bot is not in) with `{ ok: false, error }`, plus `extra` fields as Slack adds
   * them (`needed` and `provided` with missing_scope). A later call for the same method and
   * no `match` replaces the earlier one.
   */
  failWith(method: string, error: string, times = 1, options: { match?: (args: Record<string, unknown>) => boolean; extra?: Record<string, unknown> } = {}): void {
    if (!options.match) {
      for (let i = this.failures.length - 1; i >= 0; i--) if (this.failures[i]!.method === method && !this.failures[i]!.match) this.failures.splice(i, 1);
    }
    this.failures.push({ method, error, times, ...options });
  }

  /**
   * Holds the `n`th call to `method` from now on (1-based, counting every arrival): it is
   * neither acted on nor answered until released, so the caller is caught mid-request (e.g. a
   * worker to kill).
   */
  holdCall(method: string, n: number): HeldCall {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method, n: (this.arrivals.get(method) ?? 0) + n, arrived, released });
    return { arrived: arrivedPromise, release };
  }

  /**
   * Holds the first call to `method` from now on whose arguments `match`. With `afterActing`,
   * Slack acts on it (the message exists) and only the answer is held: a caller killed then
   * never learns that its post was accepted.
   */
  holdWhere(method: string, match: (args: Record<string, unknown>) => boolean, { afterActing = false }: { afterActing?: boolean } = {}): HeldCall {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method, match, afterActing, arrived, released });
    return { arrived: arrivedPromise, release };
  }

  /** Messages of a channel whose metadata payload has `run_id` (posts of one run), oldest first. */
  messagesWithMetadata(runId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => (m.metadata as { event_payload?: { run_id?: unknown } } | undefined)?.event_payload?.run_id === runId);
  }

  /** A fresh `response_url` for a slash command or interaction payload. */
  responseUrl(): string {
    return `${this.baseUrl}/response/${randomBytes(6).toString('hex')}`;
  }

  // --- reading back ------------------------------------------------------------------------

  /** The calls to `method`; only those answered `ok: true` unless `all`. */
  callsTo(method: string, { all = false }: { all?: boolean } = {}): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (all || c.outcome === 'ok'));
  }

  /**
   * The `n`th call (1-based) to `method`, as soon as it has arrived. Counts successful calls
   * unless `okOnly` is false (then rate-limited and failed attempts count too).
   */
  waitForCall(method: string, n = 1, { timeoutMs = 5_000, okOnly = true }: { timeoutMs?: number; okOnly?: boolean } = {}): Promise<RecordedCall> {
    const found = this.nthCall(method, n, okOnly);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { method, n, okOnly, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.calls.filter((c) => c.method === method).map((c) => c.outcome);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for call ${n} to ${method} (seen: ${JSON.stringify(seen)})`));
      }, timeoutMs);
      waiter.resolve = (call) => {
        clearTimeout(timer);
        resolve(call);
      };
      this.waiters.push(waiter);
    });
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(`${channel}:${ts}`);
  }

  /** Replies in a thread, oldest first (the parent itself excluded). */
  threadReplies(channel: string, threadTs: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel && m.threadTs === threadTs && m.ts !== threadTs);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // --- serving -----------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    try {
      if (req.method === 'POST' && path.startsWith('/api/')) return await this.handleApi(path.slice('/api/'.length), req, body, res);
      if (req.method === 'POST' && path.startsWith('/upload/v1/')) return await this.handleUpload(path.slice('/upload/v1/'.length), req, body, res);
      if (req.method === 'POST' && path.startsWith('/response/')) return this.handleResponseUrl(req, body, res);
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    }
  }

  private async handleApi(method: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const args = parseArgs(req.headers['content-type'], body);
    const arrival = (this.arrivals.get(method) ?? 0) + 1;
    this.arrivals.set(method, arrival);
    const holdIndex = this.holds.findIndex((h) => h.method === method && (h.n === arrival || (h.match !== undefined && h.match(args))));
    const hold = holdIndex >= 0 ? this.holds.splice(holdIndex, 1)[0] : undefined;
    if (hold?.afterActing) {
      const response = this.answer(method, args);
      this.record({ method, args, outcome: response.ok === true ? 'ok' : 'error', response });
      hold.arrived();
      await hold.released;
      if (!res.destroyed && !req.socket.destroyed) sendJson(res, response);
      return;
    }
    if (hold) {
      hold.arrived();
      await hold.released;
      if (res.destroyed || req.socket.destroyed) {
        this.record({ method, args, outcome: 'dropped' });
        return;
      }
    }
    const limited = this.rateLimits.get(method);
    if (limited && limited.times > 0) {
      limited.times--;
      this.record({ method, args, outcome: 'rate_limited' });
      res.writeHead(429, { 'retry-after': String(limited.retryAfterSeconds), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    const refused = this.tokenProblem(method, token);
    if (refused) {
      const response = { ok: false, error: refused };
      this.record({ method, args, outcome: 'unauthorized', response });
      return sendJson(res, response);
    }
    const failure = this.failures.find((f) => f.method === method && f.times > 0 && (!f.match || f.match(args)));
    let response: Record<string, unknown>;
    if (failure) {
      failure.times--;
      response = { ...failure.extra, ok: false, error: failure.error };
    } else {
      response = this.answer(method, args);
    }
    this.record({ method, args, outcome: response.ok === true ? 'ok' : 'error', response });
    sendJson(res, response);
  }

  /**
   * Why Slack would refuse `token` for `method`: `apps.connections.open` takes only the
   * app-level token, every other method only the bot token, and the other of the two is
   * `not_allowed_token_type`, as Slack answers.
   */
  private tokenProblem(method: string, token: string | undefined): string | undefined {
    if (token === undefined) return 'not_authed';
    const [wanted, other] = method === 'apps.connections.open' ? [this.opts.appToken, this.opts.token] : [this.opts.token, this.opts.appToken];
    if (token === wanted) return undefined;
    return token === other ? 'not_allowed_token_type' : 'invalid_auth';
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: this.socketMode.issueUrl() };
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake-workspace.slack.com/',
          team: 'Fake Workspace',
          user: 'ctrb',
          team_id: this.opts.teamId,
          user_id: this.opts.botUserId,
          bot_id: this.opts.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'conversations.replies':
        return this.replies(args);
      case 'conversations.history':
        return this.history(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'views.open':
        return this.openView(args);
      case 'users.info':
        return this.userInfo(args);
      case 'usergroups.list':
        return {
          ok: true,
          usergroups: [...this.groups.values()].map((g) => ({
            ...groupJson(g, this.opts.teamId),
            ...(truthy(args.include_users) ? { users: g.users } : {}),
          })),
        };
      case 'usergroups.users.list': {
        const group = this.groups.get(String(args.usergroup ?? ''));
        return group ? { ok: true, users: group.users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'files.getUploadURLExternal':
        return this.uploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private nextTs(): string {
    this.seq++;
    return `${this.baseSeconds + Math.floor(this.seq / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    const invalid = messageProblems(args);
    if (invalid) return invalid;
    const ts = this.nextTs();
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    if (threadTs !== undefined && !this.messages.has(`${args.channel}:${threadTs}`)) return { ok: false, error: 'thread_not_found' };
    const stored: StoredMessage = {
      channel: args.channel,
      ts,
      threadTs,
      text: typeof args.text === 'string' ? args.text : undefined,
      blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
      ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
      updates: 0,
    };
    this.messages.set(`${args.channel}:${ts}`, stored);
    return { ok: true, channel: args.channel, ts, message: this.messageJson(stored) };
  }

  private updateMessage(args: Record<string, unknown>): Record<string, unknown> {
    const stored = this.messages.get(`${String(args.channel)}:${String(args.ts)}`);
    if (!stored) return { ok: false, error: 'message_not_found' };
    const invalid = messageProblems(args);
    if (invalid) return invalid;
    if (typeof args.text === 'string') stored.text = args.text;
    if (Array.isArray(args.blocks)) stored.blocks = args.blocks;
    stored.updates++;
    return { ok: true, channel: stored.channel, ts: stored.ts, text: stored.text, message: this.messageJson(stored) };
  }

  /** A thread, parent first, oldest first; pages of `limit` with an opaque cursor, as Slack does. */
  private replies(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? '');
    const ts = String(args.ts ?? '');
    if (!this.messages.has(`${channel}:${ts}`)) return { ok: false, error: 'thread_not_found' };
    const thread = [...this.messages.values()].filter((m) => m.channel === channel && (m.ts === ts || m.threadTs === ts)).sort(byTs);
    return this.page(thread, args);
  }

  /** A channel's top-level messages newer than `oldest`, newest first. */
  private history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? '');
    const oldest = Number(args.oldest ?? 0);
    const top = [...this.messages.values()]
      .filter((m) => m.channel === channel && (m.threadTs === undefined || m.threadTs === m.ts) && Number(m.ts) > oldest)
      .sort(byTs)
      .reverse();
    return this.page(top, args);
  }

  private page(messages: StoredMessage[], args: Record<string, unknown>): Record<string, unknown> {
    const limit = Math.max(1, Math.min(Number(args.limit ?? 100) || 100, 1000));
    const start = Number(String(args.cursor ?? '').replace(/^offset:/, '')) || 0;
    const shown = messages.slice(start, start + limit);
    const more = start + limit < messages.length;
    const withMetadata = truthy(args.include_all_metadata);
    return {
      ok: true,
      messages: shown.map((m) => this.messageJson(m, withMetadata)),
      has_more: more,
      response_metadata: { next_cursor: more ? `offset:${start + limit}` : '' },
    };
  }

  private postEphemeral(args: Record<string, unknown>): Record<string, unknown> {
    if (typeof args.channel !== 'string' || typeof args.user !== 'string') return { ok: false, error: 'invalid_arguments' };
    const invalid = messageProblems(args);
    if (invalid) return invalid;
    const ts = this.nextTs();
    this.ephemerals.push({
      channel: args.channel,
      ts,
      text: typeof args.text === 'string' ? args.text : undefined,
      blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
      updates: 0,
    });
    return { ok: true, message_ts: ts };
  }

  private openView(args: Record<string, unknown>): Record<string, unknown> {
    if (typeof args.trigger_id !== 'string' || args.trigger_id === '') return { ok: false, error: 'invalid_trigger_id' };
    const view = args.view as Record<string, unknown> | undefined;
    const problems = view ? viewProblems(view) : ['view is required'];
    if (problems.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
    return {
      ok: true,
      view: { id: `V${randomBytes(5).toString('hex').toUpperCase()}`, team_id: this.opts.teamId, app_id: this.opts.appId, hash: '1.abc', ...view },
    };
  }

  private userInfo(args: Record<string, unknown>): Record<string, unknown> {
    const user = this.users.get(String(args.user ?? ''));
    if (!user) return { ok: false, error: 'user_not_found' };
    const name = user.name ?? user.id.toLowerCase();
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: this.opts.teamId,
        name,
        deleted: user.deleted ?? false,
        real_name: user.realName ?? name,
        is_bot: user.isBot ?? false,
        is_app_user: false,
        is_restricted: false,
        is_ultra_restricted: false,
        profile: { real_name: user.realName ?? name, display_name: name },
      },
    };
  }

  private uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    const length = Number(args.length);
    if (typeof args.filename !== 'string' || args.filename === '' || !Number.isInteger(length) || length < 1) {
      return { ok: false, error: 'invalid_arguments' };
    }
    const fileId = `F${randomBytes(5).toString('hex').toUpperCase()}`;
    this.uploads.set(fileId, { fileId, filename: args.filename, length, completed: false });
    return { ok: true, upload_url: `${this.baseUrl}/upload/v1/${fileId}`, file_id: fileId };
  }

  private async handleUpload(fileId: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const upload = this.uploads.get(fileId);
    const bytes = await uploadedBytes(req.headers['content-type'], body);
    // Recorded so a test can check that the bot token is not sent where it is not needed.
    const args = { fileId, authorization: req.headers.authorization };
    const limited = this.rateLimits.get('upload');
    if (limited && limited.times > 0) {
      limited.times--;
      this.record({ method: 'upload', args, outcome: 'rate_limited', bytes });
      res.writeHead(429, { 'retry-after': String(limited.retryAfterSeconds), 'content-type': 'text/plain' }).end('rate limited');
      return;
    }
    this.record({ method: 'upload', args, outcome: upload ? 'ok' : 'error', bytes });
    if (!upload) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    upload.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    const files = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
    if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
    const uploads = files.map((f) => this.uploads.get(String(f.id)));
    if (uploads.some((u) => !u || !u.bytes)) return { ok: false, error: 'file_not_found' };
    const channel = typeof args.channel_id === 'string' ? args.channel_id : undefined;
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    if (channel && threadTs && !this.messages.has(`${channel}:${threadTs}`)) return { ok: false, error: 'thread_not_found' };
    const shareTs = channel ? this.nextTs() : undefined;
    const done = files.map((f, i) => {
      const upload = uploads[i]!;
      Object.assign(upload, { title: f.title ?? upload.filename, completed: true, channel, threadTs });
      return {
        id: upload.fileId,
        created: this.baseSeconds,
        name: upload.filename,
        title: upload.title,
        mimetype: upload.filename.endsWith('.csv') ? 'text/csv' : 'application/octet-stream',
        filetype: upload.filename.split('.').pop() ?? 'binary',
        size: upload.bytes!.length,
        user: this.opts.botUserId,
        url_private: `https://files.slack.com/files-pri/${this.opts.teamId}-${upload.fileId}/${upload.filename}`,
        permalink: `https://fake-workspace.slack.com/files/${this.opts.botUserId}/${upload.fileId}/${upload.filename}`,
        shares: channel ? { public: { [channel]: [{ ts: shareTs, ...(threadTs ? { thread_ts: threadTs } : {}) }] } } : {},
      };
    });
    if (channel && shareTs) {
      // Sharing a file into a channel or thread posts a message carrying it.
      this.messages.set(`${channel}:${shareTs}`, {
        channel,
        ts: shareTs,
        threadTs,
        subtype: 'file_share',
        text: typeof args.initial_comment === 'string' ? args.initial_comment : '',
        files: done.map((f) => ({ id: f.id, title: f.title })),
        updates: 0,
      });
    }
    return { ok: true, files: done };
  }

  private handleResponseUrl(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const args = parseArgs(req.headers['content-type'] ?? 'application/json', body);
    this.record({ method: 'response_url', args: { ...args, url: `${this.baseUrl}${req.url}` }, outcome: 'ok', response: { ok: true } });
    sendJson(res, { ok: true });
  }

  private messageJson(m: StoredMessage, withMetadata = false): Record<string, unknown> {
    return {
      ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
      ...(m.files ? { files: m.files, subtype: 'file_share' } : {}),
      type: 'message',
      subtype: 'bot_message',
      text: m.text ?? '',
      user: this.opts.botUserId,
      bot_id: this.opts.botId,
      app_id: this.opts.appId,
      ts: m.ts,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
    };
  }

  private record(call: Omit<RecordedCall, 'at'>): void {
    const recorded: RecordedCall = { ...call, at: Date.now() };
    this.calls.push(recorded);
    for (const waiter of [...this.waiters]) {
      const found = this.nthCall(waiter.method, waiter.n, waiter.okOnly);
      if (found) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(found);
      }
    }
  }

  private nthCall(method: string, n: number, okOnly: boolean): RecordedCall | undefined {
    return this.calls.filter((c) => c.method === method && (!okOnly || c.outcome === 'ok'))[n - 1];
  }
}

// --- Block Kit limits, as Slack enforces them ----------------------------------------------------

/** Block types Slack knows; any other is refused ("unsupported type"). */
const BLOCK_TYPES = new Set(['actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'video']);
/** Elements of an input block that Slack knows (those the renderer may use among them). */
const INPUT_ELEMENTS = new Set(['plain_text_input', 'static_select', 'multi_static_select', 'checkboxes', 'radio_buttons', 'datepicker', 'timepicker', 'number_input', 'email_text_input', 'url_text_input', 'rich_text_input']);

/**
 * Why Slack would refuse a message's blocks or text, one line per problem (empty when it
 * would accept it). Written independently of the renderer's own limit handling, so tests of
 * the renderer check against a second opinion. It knows every block and element type the
 * renderer uses, as Slack checks them: the block types, each text object's type (`plain_text`
 * where Slack wants plain text, else `plain_text` or `mrkdwn`) and length, context elements
 * (at most 10, each text up to 3000 characters), buttons (text, value, url, style, confirm
 * dialogs), input blocks and their elements.
 */
export function blockKitProblems(message: { text?: unknown; blocks?: unknown }, maxBlocks = 50): string[] {
  const problems: string[] = [];
  if (typeof message.text === 'string' && message.text.length > 40_000) problems.push(`text is ${message.text.length} characters (max 40000)`);
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Record<string, unknown>[]) : [];
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks (max ${maxBlocks})`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const where = `blocks[${i}] (${String(block.type)})`;
    const problem = (what: string) => problems.push(`${where}: ${what}`);
    /** A text object: its type, then its text's length. */
    const checkText = (t: unknown, max: number, what: string, plainOnly = false) => {
      const object = t as { type?: unknown; text?: unknown } | undefined;
      const allowed = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
      if (typeof object !== 'object' || object === null) return problem(`${what} must be a text object`);
      if (!allowed.includes(object.type as string)) return problem(`${what} has type ${JSON.stringify(object.type)} (must be ${allowed.join(' or ')})`);
      const value = object.text;
      if (typeof value !== 'string' || value.length === 0) problem(`${what} is empty`);
      else if (value.length > max) problem(`${what} is ${value.length} characters (max ${max})`);
    };
    const checkConfirm = (c: unknown, what: string) => {
      if (c === undefined) return;
      const dialog = c as Record<string, unknown>;
      checkText(dialog.title, 100, `${what} title`, true);
      checkText(dialog.text, 300, `${what} text`);
      checkText(dialog.confirm, 30, `${what} confirm`, true);
      checkText(dialog.deny, 30, `${what} deny`, true);
      if (dialog.style !== undefined && dialog.style !== 'primary' && dialog.style !== 'danger') problem(`${what} style ${JSON.stringify(dialog.style)}`);
    };
    const checkButton = (e: Record<string, unknown>, what: string) => {
      checkText(e.text, 75, `${what} text`, true);
      if (typeof e.action_id === 'string' && e.action_id.length > 255) problem(`${what} action_id over 255 characters`);
      if (typeof e.value === 'string' && e.value.length > 2000) problem(`${what} value over 2000 characters`);
      if (typeof e.url === 'string' && e.url.length > 3000) problem(`${what} url over 3000 characters`);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') problem(`${what} style ${JSON.stringify(e.style)} (primary or danger)`);
      checkConfirm(e.confirm, `${what} confirm`);
    };
    if (!BLOCK_TYPES.has(String(block.type))) return problem(`unsupported block type ${JSON.stringify(block.type)}`);
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      if (id.length > 255) problem('block_id over 255 characters');
      if (blockIds.has(id)) problem(`block_id ${id} is used twice`);
      blockIds.add(id);
    }
    switch (block.type) {
      case 'header':
        checkText(block.text, 150, 'header text', true);
        break;
      case 'section': {
        if (block.text !== undefined) checkText(block.text, 3000, 'section text');
        const fields = Array.isArray(block.fields) ? block.fields : [];
        if (block.text === undefined && fields.length === 0) problem('neither text nor fields');
        if (fields.length > 10) problem(`${fields.length} fields (max 10)`);
        fields.forEach((f, j) => checkText(f, 2000, `fields[${j}]`));
        if (block.accessory !== undefined) {
          const accessory = block.accessory as Record<string, unknown>;
          if (accessory.type === 'button') checkButton(accessory, 'accessory button');
          else if (accessory.type !== 'image' && accessory.type !== 'overflow' && accessory.type !== 'static_select') problem(`unsupported accessory ${JSON.stringify(accessory.type)}`);
        }
        break;
      }
      case 'context': {
        const elements = Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [];
        if (elements.length === 0 || elements.length > 10) problem(`${elements.length} elements (1 to 10)`);
        elements.forEach((e, j) => {
          if (e.type === 'image') {
            if (typeof e.image_url !== 'string' || typeof e.alt_text !== 'string') problem(`elements[${j}] image needs image_url and alt_text`);
          } else checkText(e, 3000, `elements[${j}]`);
        });
        break;
      }
      case 'actions': {
        const elements = Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [];
        if (elements.length === 0 || elements.length > 25) problem(`${elements.length} elements (1 to 25)`);
        elements.forEach((e, j) => {
          if (e.type === 'button') checkButton(e, 'button');
          else if (!['static_select', 'overflow', 'datepicker', 'checkboxes', 'radio_buttons', 'users_select', 'conversations_select'].includes(String(e.type))) {
            problem(`elements[${j}] has unsupported type ${JSON.stringify(e.type)}`);
          }
        });
        break;
      }
      case 'input': {
        checkText(block.label, 2000, 'input label', true);
        if (block.hint !== undefined) checkText(block.hint, 2000, 'input hint', true);
        const element = block.element as Record<string, unknown> | undefined;
        if (!element || !INPUT_ELEMENTS.has(String(element.type))) {
          problem(`input element has unsupported type ${JSON.stringify(element?.type)}`);
          break;
        }
        if (element.placeholder !== undefined) checkText(element.placeholder, 150, 'input placeholder', true);
        if (typeof element.action_id === 'string' && element.action_id.length > 255) problem('input action_id over 255 characters');
        if (element.type === 'plain_text_input') {
          const max = element.max_length;
          if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 3000)) problem('plain_text_input max_length must be 1 to 3000');
          if (typeof element.initial_value === 'string' && typeof max === 'number' && element.initial_value.length > max) problem('initial_value longer than max_length');
        }
        break;
      }
    }
  });
  return problems;
}

function messageProblems(args: Record<string, unknown>): Record<string, unknown> | undefined {
  if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) return { ok: false, error: 'no_text' };
  if (typeof args.text === 'string' && args.text.length > 40_000) return { ok: false, error: 'msg_too_long' };
  const problems = blockKitProblems(args);
  return problems.length > 0 ? { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } } : undefined;
}

function viewProblems(view: Record<string, unknown>): string[] {
  const problems = blockKitProblems({ blocks: view.blocks }, 100);
  const title = (view.title as { text?: string } | undefined)?.text;
  if (typeof title !== 'string' || title.length === 0 || title.length > 24) problems.push('title must be 1 to 24 characters');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) problems.push('private_metadata over 3000 characters');
  return problems;
}

// --- HTTP helpers --------------------------------------------------------------------------------

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Form or JSON arguments, with the JSON-valued form fields decoded as Slack decodes them. */
function parseArgs(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = JSON_FIELDS.has(key) ? tryJson(value) : value;
  }
  return args;
}

async function uploadedBytes(contentType: string | undefined, body: Buffer): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return body;
  const form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  return m?.[1];
}

function byTs(a: StoredMessage, b: StoredMessage): number {
  return Number(a.ts) - Number(b.ts);
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function groupJson(g: FakeUserGroup, teamId: string): Record<string, unknown> {
  return { id: g.id, team_id: teamId, is_usergroup: true, handle: g.handle, name: g.name ?? g.handle, user_count: g.users.length };
}
