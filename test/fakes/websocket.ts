/**
 * The server side of a WebSocket connection (RFC 6455), the least a test fake needs: the
 * opening handshake on a `node:http` upgrade, text messages in (masked, possibly fragmented),
 * text messages out, ping answered with pong, and the closing handshake from either side.
 * No extensions (a client's offer of permessage-deflate is declined by not answering it) and
 * no subprotocols.
 *
 * ```ts
 * server.on('upgrade', (req, socket, head) => {
 *   const ws = acceptWebSocket(req, socket, head, { message: (text) => …, closed: (info) => … });
 *   ws?.send('{"type":"hello"}');
 * });
 * ```
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  acceptKey,
  CLOSE_CODE,
  closePayload,
  FrameReader,
  MessageAssembler,
  OPCODE,
  readClosePayload,
  serverFrame,
  WebSocketProtocolError,
  type Frame,
} from './websocket-frames.js';

/** How long the server waits for the client to answer its close frame before dropping the connection. */
const CLOSE_REPLY_TIMEOUT_MS = 1_000;

/** The code reported (never sent) for a connection that ended without a close frame (RFC 6455 §7.1.5). */
const ABNORMAL_CLOSURE = 1006;

export interface WebSocketClosed {
  /** The code in the client's close frame (its answer to the server's, when the server went first); 1006 when none came. */
  code: number;
  reason: string;
  /** Whether a close frame went each way before the TCP connection ended. */
  clean: boolean;
  /** Who sent the first close frame (none: the connection dropped). */
  initiatedBy: 'client' | 'server' | 'none';
}

export interface WebSocketHandlers {
  message(text: string): void;
  closed?(closed: WebSocketClosed): void;
}

export class WebSocketConnection {
  /**
   * How long the server takes to answer a client's close frame, as a server a network round
   * trip away would (0: at once).
   */
  closeReplyDelayMs = 0;
  /**
   * Whether the server, having answered the client's close frame, leaves the TCP connection
   * open instead of ending it as RFC 6455 §7.1.1 asks. Slack's Socket Mode servers do leave it
   * open (found by the @slack/socket-mode maintainers, release 3.2.0): true plays that, and the
   * connection lasts until the client drops it.
   */
  keepTcpOpenAfterClosing = false;
  private silent = false;
  private closeSentAtMs: number | undefined;
  private readonly reader = new FrameReader();
  private readonly assembler = new MessageAssembler();
  private sentClose = false;
  private receivedClose: { code: number; reason: string } | undefined;
  private firstClose: 'client' | 'server' | undefined;
  private closedWith: WebSocketClosed | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly closeWaiters: ((closed: WebSocketClosed) => void)[] = [];

  constructor(
    private readonly socket: Duplex,
    private readonly handlers: WebSocketHandlers,
    /** Bytes the client sent right behind its handshake: the start of its first frames. */
    head: Buffer = Buffer.alloc(0),
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => socket.destroy());
    // Node's HTTP server keeps sockets half-open; a client that hangs up gets no more from us either.
    socket.on('end', () => socket.end());
    socket.on('close', () => this.finish());
    // After the caller has the connection in hand, before any later chunk arrives.
    if (head.length > 0) queueMicrotask(() => this.read(head));
  }

  /** Whether text can still be sent (no close frame either way yet, and not gone silent). */
  get open(): boolean {
    return !this.sentClose && !this.receivedClose && !this.silent && !this.socket.destroyed;
  }

  /** When (performance.now()) the server's close frame was written: its first or its answer. */
  get closeFrameSentAt(): number | undefined {
    return this.closeSentAtMs;
  }

  /** How the connection ended; undefined while it lasts. */
  get closed(): WebSocketClosed | undefined {
    return this.closedWith;
  }

  send(text: string): void {
    if (!this.open) throw new Error('the WebSocket connection is closing, closed or silent');
    this.socket.write(serverFrame(OPCODE.text, Buffer.from(text, 'utf8')));
  }

  /** Starts the closing handshake; the TCP connection ends once the client answers (or after a timeout). */
  close(code: number = CLOSE_CODE.normal, reason = ''): void {
    if (this.sentClose || this.socket.destroyed) return;
    this.sentClose = true;
    this.firstClose ??= 'server';
    this.closeSentAtMs = performance.now();
    this.socket.write(serverFrame(OPCODE.close, closePayload(code, reason)));
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_REPLY_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  /** Drops the TCP connection without a closing handshake, as a crashed server would. */
  terminate(): void {
    this.socket.destroy();
  }

  /**
   * From now on the connection is silent both ways, as one lost in the network without a FIN
   * (a NAT or proxy that forgot it) would be: nothing the client sends is read or answered, not
   * its pings, not its close frame, and nothing more is sent. The TCP connection stays up until
   * the client drops it.
   */
  goSilent(): void {
    this.silent = true;
  }

  /** Resolves when the TCP connection has ended; fails if it is still up after `timeoutMs`. */
  whenClosed(timeoutMs = 5_000): Promise<WebSocketClosed> {
    if (this.closedWith) return Promise.resolve(this.closedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the WebSocket connection was still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((closed) => {
        clearTimeout(timer);
        resolve(closed);
      });
    });
  }

  private read(chunk: Buffer): void {
    if (this.silent) return;
    try {
      for (const frame of this.reader.push(chunk)) this.onFrame(frame);
    } catch (e) {
      if (!(e instanceof WebSocketProtocolError)) throw e;
      this.close(e.code, e.message.slice(0, 120));
    }
  }

  private onFrame(frame: Frame): void {
    // Once the client has sent its close frame, nothing after it counts (RFC 6455 §5.5.1).
    if (this.receivedClose) return;
    if (!frame.masked) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a client frame that is not masked');
    if (frame.opcode >= OPCODE.close) {
      if (!frame.fin || frame.payload.length > 125) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a fragmented or oversized control frame');
      this.onControl(frame);
      return;
    }
    if (![OPCODE.continuation, OPCODE.text, OPCODE.binary].includes(frame.opcode as 0 | 1 | 2)) {
      throw new WebSocketProtocolError(CLOSE_CODE.protocolError, `unknown opcode ${frame.opcode}`);
    }
    const message = this.assembler.push(frame);
    if (!message) return;
    if (message.kind === 'binary') throw new WebSocketProtocolError(CLOSE_CODE.unsupportedData, 'binary messages are not accepted');
    // Text after the server's close frame is dropped: the server has said it is done listening.
    if (!this.sentClose) this.handlers.message(message.text);
  }

  private onControl(frame: Frame): void {
    switch (frame.opcode) {
      case OPCODE.ping:
        if (!this.sentClose) this.socket.write(serverFrame(OPCODE.pong, frame.payload));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close: {
        this.receivedClose = readClosePayload(frame.payload);
        this.firstClose ??= 'client';
        if (this.sentClose) {
          this.socket.end();
        } else {
          // Echo the code, as RFC 6455 §5.5.1 asks, then end the TCP connection (the server goes first).
          const echo = this.receivedClose.code === CLOSE_CODE.noStatus ? Buffer.alloc(0) : closePayload(this.receivedClose.code);
          this.sentClose = true;
          const answer = () => {
            this.closeSentAtMs = performance.now();
            const frame = serverFrame(OPCODE.close, echo);
            if (this.keepTcpOpenAfterClosing) this.socket.write(frame);
            else this.socket.end(frame);
          };
          if (this.closeReplyDelayMs > 0) setTimeout(answer, this.closeReplyDelayMs).unref();
          else answer();
        }
        return;
      }
      default:
        throw new WebSocketProtocolError(CLOSE_CODE.protocolError, `unknown control opcode ${frame.opcode}`);
    }
  }

  private finish(): void {
    if (this.closedWith) return;
    clearTimeout(this.closeTimer);
    this.closedWith = {
      code: this.receivedClose?.code ?? ABNORMAL_CLOSURE,
      reason: this.receivedClose?.reason ?? '',
      clean: this.sentClose && this.receivedClose !== undefined,
      initiatedBy: this.firstClose ?? 'none',
    };
    this.handlers.closed?.(this.closedWith);
    for (const resolve of this.closeWaiters.splice(0)) resolve(this.closedWith);
  }
}

/**
 * Completes the opening handshake of an `upgrade` request and returns the connection, or
 * answers 400 and returns undefined when the request is not a WebSocket handshake.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, handlers: WebSocketHandlers): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  const isHandshake =
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    req.headers['sec-websocket-version'] === '13' &&
    typeof key === 'string' &&
    Buffer.from(key, 'base64').length === 16;
  if (!isHandshake) {
    refuseUpgrade(socket, 400, 'not a WebSocket handshake');
    return undefined;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  return new WebSocketConnection(socket, handlers, head);
}

/** Answers an upgrade request with a plain HTTP error and ends the connection. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}
