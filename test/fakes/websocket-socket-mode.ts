/**
 * Slack's side of Socket Mode, for tests: the one-time WebSocket URLs `apps.connections.open`
 * hands out, the connection to one of them (`hello` first, as Slack sends it), envelopes
 * pushed to the connected app (`slash_commands`, `interactive`, `events_api`) and the app's
 * acks read back, each with how long it took.
 *
 * The fake Web API (slack-api.ts) owns one of these and routes its HTTP server's upgrade
 * requests here; a test reaches it as `fakeSlack.socketMode`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptWebSocket, refuseUpgrade, type WebSocketClosed, type WebSocketConnection } from './websocket.js';

/** Where Slack's Socket Mode URLs point (`wss://wss-primary.slack.com/link/?ticket=…`). */
export const SOCKET_MODE_PATH = '/link/';

const DEFAULT_ACK_TIMEOUT_MS = 5_000;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/**
 * Why Slack sends `disconnect` on a connection: `warning` ahead of recycling the server that
 * holds it, `refresh_requested` when it does, `link_disabled` when Socket Mode was turned off in
 * the app's settings.
 */
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled';

export interface DeliverOptions {
  /** Slack's nth redelivery of an event that was not acked in time (`retry_attempt`). */
  retryAttempt?: number;
  retryReason?: string;
  /** Whether the ack may carry a response (Slack: true for slash commands). */
  acceptsResponsePayload?: boolean;
  /** How long to wait for the ack before failing (default 5 s). */
  timeoutMs?: number;
}

export interface EnvelopeAck {
  envelopeId: string;
  /** What the app acked with: for a slash command, the answer shown to the person who typed it. */
  payload?: Record<string, unknown>;
  /** From sending the envelope to reading its ack. */
  ms: number;
}

/** One connection of the app to one URL. */
export interface SocketModeSession {
  /** The ticket of the URL the app connected to, as `apps.connections.open` handed it out. */
  readonly ticket: string;
  readonly connection: WebSocketConnection;
  /** Envelopes this session acked, in order. */
  readonly acks: EnvelopeAck[];
  /** Messages from the app that acked no envelope (malformed, unknown or repeated ids). */
  readonly strayMessages: string[];
}

interface PendingAck {
  session: SocketModeSession;
  sentAt: number;
  resolve(ack: EnvelopeAck): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class FakeSocketMode {
  readonly sessions: SocketModeSession[] = [];
  private readonly unusedTickets = new Set<string>();
  private readonly pending = new Map<string, PendingAck>();
  private sessionWaiters: { n: number; resolve: (session: SocketModeSession) => void }[] = [];

  constructor(private readonly opts: { baseUrl: string; appId: string }) {}

  /** A URL good for one connection, as `apps.connections.open` answers. */
  issueUrl(): string {
    const ticket = randomBytes(12).toString('hex');
    this.unusedTickets.add(ticket);
    const url = new URL(SOCKET_MODE_PATH, this.opts.baseUrl.replace(/^http/, 'ws'));
    url.searchParams.set('ticket', ticket);
    url.searchParams.set('app_id', this.opts.appId);
    return url.href;
  }

  /** Takes an `upgrade` request of the fake's HTTP server: a connection to an issued URL, or a refusal. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.opts.baseUrl);
    if (url.pathname !== SOCKET_MODE_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const ticket = url.searchParams.get('ticket') ?? '';
    // Slack's tickets are single-use: a reconnect must ask apps.connections.open again.
    if (!this.unusedTickets.delete(ticket)) return refuseUpgrade(socket, 401, 'Unauthorized');

    // The handlers run only once frames arrive, after `session` below exists.
    const connection = acceptWebSocket(req, socket, head, {
      message: (text) => this.onMessage(session, text),
      closed: (closed) => this.onClosed(session, closed),
    });
    if (!connection) return;
    const session: SocketModeSession = { ticket, connection, acks: [], strayMessages: [] };
    this.sessions.push(session);
    connection.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sessions.filter((s) => s.connection.open).length,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: this.opts.appId },
      }),
    );
    for (const waiter of this.sessionWaiters.filter((w) => w.n === this.sessions.length)) waiter.resolve(session);
    this.sessionWaiters = this.sessionWaiters.filter((w) => w.n !== this.sessions.length);
  }

  /** The `n`th connection (1-based) once it is open and greeted. */
  waitForSession(n = 1, timeoutMs = DEFAULT_ACK_TIMEOUT_MS): Promise<SocketModeSession> {
    const existing = this.sessions[n - 1];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.sessionWaiters = this.sessionWaiters.filter((w) => w !== waiter);
        reject(new Error(`no Socket Mode connection number ${n} within ${timeoutMs} ms (${this.sessions.length} so far)`));
      }, timeoutMs);
      const waiter = {
        n,
        resolve: (session: SocketModeSession) => {
          clearTimeout(timer);
          resolve(session);
        },
      };
      this.sessionWaiters.push(waiter);
    });
  }

  /**
   * Sends Slack's `disconnect` message on a connection (the newest open one unless told), as
   * Slack does before it recycles the server holding it; the app is expected to hang up and
   * connect again to a new URL. Returns the session it went to.
   */
  requestDisconnect(reason: DisconnectReason, session: SocketModeSession | undefined = this.newestOpen()): SocketModeSession {
    if (!session) throw new Error('no Socket Mode app is connected');
    session.connection.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
    return session;
  }

  /**
   * Pushes an envelope to the newest open connection, as Slack delivers a request to a Socket
   * Mode app, and resolves with the app's ack (fails if none comes within the timeout).
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options: DeliverOptions = {}): Promise<EnvelopeAck> {
    const session = this.newestOpen();
    if (!session) return Promise.reject(new Error('no Socket Mode app is connected'));
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? type === 'slash_commands',
      ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' } : {}),
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`the ${type} envelope ${envelopeId} was not acked within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { session, sentAt: performance.now(), resolve, reject, timer });
      session.connection.send(JSON.stringify(envelope));
    });
  }

  /** Drops every connection (no closing handshake) and fails the acks still awaited. */
  close(): void {
    for (const session of this.sessions) session.connection.terminate();
    this.failPending(() => true, 'the fake Slack was closed');
  }

  private newestOpen(): SocketModeSession | undefined {
    return [...this.sessions].reverse().find((s) => s.connection.open);
  }

  private onMessage(session: SocketModeSession, text: string): void {
    const ack = parseAck(text);
    const waiting = ack && this.pending.get(ack.envelopeId);
    if (!ack || !waiting || waiting.session !== session) {
      session.strayMessages.push(text);
      return;
    }
    this.pending.delete(ack.envelopeId);
    clearTimeout(waiting.timer);
    const answered: EnvelopeAck = { envelopeId: ack.envelopeId, ...(ack.payload ? { payload: ack.payload } : {}), ms: performance.now() - waiting.sentAt };
    session.acks.push(answered);
    waiting.resolve(answered);
  }

  private onClosed(session: SocketModeSession, closed: WebSocketClosed): void {
    this.failPending((p) => p.session === session, `the connection closed (${closed.code}) before the ack`);
  }

  private failPending(which: (p: PendingAck) => boolean, why: string): void {
    for (const [id, p] of this.pending) {
      if (!which(p)) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new Error(`envelope ${id}: ${why}`));
    }
  }
}

function parseAck(text: string): { envelopeId: string; payload?: Record<string, unknown> } | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
  if (typeof envelopeId !== 'string') return undefined;
  const isObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  return { envelopeId, ...(isObject ? { payload: payload as Record<string, unknown> } : {}) };
}
