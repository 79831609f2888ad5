/**
 * The fake's WebSocket server against RFC 6455, with frames built by hand here (not with the
 * fake's own writer), for what the bot's client does not exercise: 64-bit lengths, fragments,
 * pings, protocol errors and either side closing.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptKey, FrameReader, MessageAssembler, WebSocketProtocolError } from './websocket-frames.js';
import { acceptWebSocket, type WebSocketConnection } from './websocket.js';

const TEXT = 0x1;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

/** A client frame as RFC 6455 §5.2 lays it out: masked unless told otherwise. */
function clientFrame(opcode: number, payload: Buffer | string, { fin = true, mask = true } = {}): Buffer {
  const bytes = Buffer.from(payload);
  const first = (fin ? 0x80 : 0) | opcode;
  const maskBit = mask ? 0x80 : 0;
  let header: Buffer;
  if (bytes.length < 126) header = Buffer.from([first, maskBit | bytes.length]);
  else if (bytes.length < 65_536) header = Buffer.from([first, maskBit | 126, bytes.length >> 8, bytes.length & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(bytes.length), 2);
  }
  if (!mask) return Buffer.concat([header, bytes]);
  const key = randomBytes(4);
  return Buffer.concat([header, key, Buffer.from(bytes.map((b, i) => b ^ key[i % 4]!))]);
}

const closeBody = (code: number) => Buffer.from([code >> 8, code & 0xff]);

describe('reading client frames', () => {
  it('reads 7-, 16- and 64-bit lengths fed one byte at a time, unmasking them', () => {
    const texts = ['hi', 'é'.repeat(200), 'x'.repeat(70_000)];
    const stream = Buffer.concat(texts.map((t) => clientFrame(TEXT, t)));
    const reader = new FrameReader();
    const frames = [];
    for (let i = 0; i < stream.length; i += i < 600 ? 1 : 4_096) frames.push(...reader.push(stream.subarray(i, i < 600 ? i + 1 : i + 4_096)));

    expect(frames.map((f) => [f.opcode, f.fin, f.masked])).toEqual(texts.map(() => [TEXT, true, true]));
    expect(frames.map((f) => f.payload.toString('utf8'))).toEqual(texts);
  });

  it('joins a fragmented text message, and refuses continuations out of place and text that is not UTF-8', () => {
    const reader = new FrameReader();
    const assembler = new MessageAssembler();
    const frames = reader.push(
      Buffer.concat([clientFrame(TEXT, '{"envelope_', { fin: false }), clientFrame(CONTINUATION, 'id":"e1"', { fin: false }), clientFrame(CONTINUATION, '}')]),
    );
    expect(frames.map((f) => assembler.push(f))).toEqual([undefined, undefined, { kind: 'text', text: '{"envelope_id":"e1"}' }]);

    const code = (action: () => unknown) => {
      try {
        action();
      } catch (e) {
        return e instanceof WebSocketProtocolError ? e.code : e;
      }
      return undefined;
    };
    expect(code(() => new MessageAssembler().push(reader.push(clientFrame(CONTINUATION, 'stray'))[0]!))).toBe(1002);
    expect(code(() => new MessageAssembler().push(reader.push(clientFrame(TEXT, Buffer.from([0xc3, 0x28])))[0]!))).toBe(1007);
  });

  it('computes the accept key of RFC 6455 §1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

describe('a connection over TCP', () => {
  let server: Server;
  let port: number;
  const accepted: { connection: WebSocketConnection; messages: string[] }[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket, head) => {
      const messages: string[] = [];
      const connection = acceptWebSocket(req, socket, head, { message: (text) => messages.push(text) });
      if (connection) accepted.push({ connection, messages });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const { connection } of accepted) connection.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers the handshake with the accept key, and refuses a request that is not one', async () => {
    const client = await RawClient.connect(port);
    expect(client.handshake).toMatch(/^HTTP\/1\.1 101 /);
    expect(client.handshake.toLowerCase()).toContain(`sec-websocket-accept: ${acceptKey(client.key).toLowerCase()}`);
    client.socket.destroy();

    const plain = await RawClient.connect(port, { version: '8' });
    expect(plain.handshake).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('takes a fragmented message with a ping between its fragments, answering the ping with its payload', async () => {
    const client = await RawClient.connect(port);
    const server = accepted.at(-1)!;
    client.socket.write(Buffer.concat([clientFrame(TEXT, 'first half, ', { fin: false }), clientFrame(PING, 'are you there'), clientFrame(CONTINUATION, 'second half')]));

    const pong = await client.nextFrame();
    expect(pong).toEqual({ opcode: PONG, payload: Buffer.from('are you there') });
    await expect.poll(() => server.messages).toEqual(['first half, second half']);
    client.socket.destroy();
  });

  it('sends unmasked text of any length', async () => {
    const client = await RawClient.connect(port);
    const text = 'y'.repeat(70_000);
    accepted.at(-1)!.connection.send(text);
    const frame = await client.nextFrame();
    expect(frame.opcode).toBe(TEXT);
    expect(frame.payload.toString('utf8') === text).toBe(true);
    client.socket.destroy();
  });

  it("echoes the client's close frame, then ends the connection", async () => {
    const client = await RawClient.connect(port);
    const { connection } = accepted.at(-1)!;
    client.socket.write(clientFrame(CLOSE, closeBody(1000)));

    expect(await client.nextFrame()).toEqual({ opcode: CLOSE, payload: closeBody(1000) });
    await client.ended;
    expect(await connection.whenClosed()).toEqual({ code: 1000, reason: '', clean: true, initiatedBy: 'client' });
  });

  it("answers the client's close frame but leaves the TCP connection up when told to, as Slack does", async () => {
    const client = await RawClient.connect(port);
    const { connection } = accepted.at(-1)!;
    connection.keepTcpOpenAfterClosing = true;
    client.socket.write(clientFrame(CLOSE, closeBody(1000)));

    expect(await client.nextFrame()).toEqual({ opcode: CLOSE, payload: closeBody(1000) });
    const ended = await Promise.race([client.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still up'), 300))]);
    expect(ended).toBe('still up');
    expect(connection.closed).toBeUndefined();
    client.socket.destroy();
    expect(await connection.whenClosed()).toEqual({ code: 1000, reason: '', clean: true, initiatedBy: 'client' });
  });

  it('once gone silent, reads nothing and answers nothing, not even a ping or a close frame', async () => {
    const client = await RawClient.connect(port);
    const { connection, messages } = accepted.at(-1)!;
    connection.goSilent();
    expect(connection.open).toBe(false);
    expect(() => connection.send('lost')).toThrow();
    client.socket.write(Buffer.concat([clientFrame(TEXT, 'anyone?'), clientFrame(PING, 'are you there'), clientFrame(CLOSE, closeBody(1000))]));

    await expect(client.nextFrame()).rejects.toThrow(/nothing more/);
    expect(messages).toEqual([]);
    client.socket.destroy();
    expect(await connection.whenClosed()).toEqual({ code: 1006, reason: '', clean: false, initiatedBy: 'none' });
  });

  it('closes first when asked, and the connection ends once the client answers', async () => {
    const client = await RawClient.connect(port);
    const { connection } = accepted.at(-1)!;
    connection.close(1001, 'going away');

    const close = await client.nextFrame();
    expect(close.opcode).toBe(CLOSE);
    expect(close.payload.readUInt16BE(0)).toBe(1001);
    expect(close.payload.subarray(2).toString()).toBe('going away');
    expect(() => connection.send('too late')).toThrow();
    client.socket.write(clientFrame(CLOSE, closeBody(1001)));
    expect(await connection.whenClosed()).toEqual({ code: 1001, reason: '', clean: true, initiatedBy: 'server' });
  });

  it('closes with 1002 (protocol error) on an unmasked client frame', async () => {
    const client = await RawClient.connect(port);
    const { connection, messages } = accepted.at(-1)!;
    client.socket.write(clientFrame(TEXT, 'not masked', { mask: false }));

    const close = await client.nextFrame();
    expect(close.opcode).toBe(CLOSE);
    expect(close.payload.readUInt16BE(0)).toBe(1002);
    client.socket.destroy();
    expect((await connection.whenClosed()).clean).toBe(false);
    expect(messages).toEqual([]);
  });
});

/** A WebSocket client with nothing in between: the test writes frames and reads the server's. */
class RawClient {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  /** The server's answer to the opening handshake (status line and headers). */
  handshake = '';
  readonly ended: Promise<void>;

  private constructor(
    readonly socket: Socket,
    readonly key: string,
  ) {
    this.ended = new Promise((resolve) => socket.once('end', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
  }

  static async connect(port: number, { version = '13' } = {}): Promise<RawClient> {
    const client = new RawClient(connect(port, '127.0.0.1'), randomBytes(16).toString('base64'));
    client.socket.write(
      `GET /link/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${client.key}\r\nSec-WebSocket-Version: ${version}\r\n\r\n`,
    );
    for (;;) {
      const end = client.buffered.indexOf('\r\n\r\n');
      if (end !== -1) {
        client.handshake = client.buffered.subarray(0, end).toString('latin1');
        client.buffered = client.buffered.subarray(end + 4);
        return client;
      }
      await client.more();
    }
  }

  /** The next server frame, read by hand: servers never mask. */
  async nextFrame(): Promise<{ opcode: number; payload: Buffer }> {
    for (;;) {
      const frame = this.takeFrame();
      if (frame) return frame;
      await this.more();
    }
  }

  private takeFrame(): { opcode: number; payload: Buffer } | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    expect(b[1]! & 0x80, 'a masked server frame').toBe(0);
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      [length, offset] = [b.readUInt16BE(2), 4];
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      [length, offset] = [Number(b.readBigUInt64BE(2)), 10];
    }
    if (b.length < offset + length) return undefined;
    this.buffered = b.subarray(offset + length);
    return { opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(offset, offset + length)) };
  }

  private more(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server sent nothing more within 2 s')), 2_000);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
