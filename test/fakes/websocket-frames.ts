/**
 * WebSocket framing (RFC 6455 §5) for the test fakes: the opening handshake's accept key,
 * an incremental reader of the frames a client sends (masked, 7-, 16- or 64-bit lengths,
 * split across TCP chunks however the network splits them), the reassembly of fragmented
 * messages, and the writer of the unmasked frames a server sends.
 */
import { createHash } from 'node:crypto';

/** The GUID every server appends to the client's key (RFC 6455 §1.3). */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Close codes (RFC 6455 §7.4.1) the fake uses. */
export const CLOSE_CODE = {
  normal: 1000,
  protocolError: 1002,
  unsupportedData: 1003,
  noStatus: 1005,
  invalidPayload: 1007,
  tooBig: 1009,
} as const;

/** Far above anything Slack sends or a bot acks; a bigger frame is a fake's bug, not a load test. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`. */
export function acceptKey(clientKey: string): string {
  return createHash('sha1').update(clientKey + HANDSHAKE_GUID).digest('base64');
}

export interface Frame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  /** Unmasked. */
  payload: Buffer;
}

/** A violation that ends the connection with `code`. */
export class WebSocketProtocolError extends Error {
  override name = 'WebSocketProtocolError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Frames out of a byte stream; keeps an incomplete frame until the rest of it arrives. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** The frames completed by `chunk`, in order. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    const bytes = this.pending;
    if (bytes.length < 2) return undefined;
    const fin = (bytes[0]! & 0x80) !== 0;
    if ((bytes[0]! & 0x70) !== 0) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'reserved bits set without a negotiated extension');
    const opcode = bytes[0]! & 0x0f;
    const masked = (bytes[1]! & 0x80) !== 0;
    let length = bytes[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      const long = bytes.readBigUInt64BE(2);
      if (long > BigInt(MAX_MESSAGE_BYTES)) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, `a frame of ${long} bytes`);
      length = Number(long);
      offset = 10;
    }
    if (length > MAX_MESSAGE_BYTES) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, `a frame of ${length} bytes`);
    const maskAt = offset;
    if (masked) offset += 4;
    if (bytes.length < offset + length) return undefined;

    const payload = Buffer.from(bytes.subarray(offset, offset + length));
    if (masked) {
      for (let i = 0; i < payload.length; i++) payload[i]! ^= bytes[maskAt + (i % 4)]!;
    }
    this.pending = bytes.subarray(offset + length);
    return { fin, opcode, masked, payload };
  }
}

export type Message = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Buffer };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Joins a fragmented message (a text or binary frame without FIN, then continuation frames)
 * back together. Control frames may arrive between fragments; they are not given here.
 */
export class MessageAssembler {
  private fragments: Buffer[] = [];
  private opcode: number | undefined;

  /** The message `frame` completes, if any. */
  push(frame: Frame): Message | undefined {
    if (frame.opcode === OPCODE.continuation) {
      if (this.opcode === undefined) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a continuation frame with no message to continue');
    } else if (this.opcode !== undefined) {
      throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a new message before the previous one was finished');
    } else {
      this.opcode = frame.opcode;
    }
    this.fragments.push(frame.payload);
    if (this.fragments.reduce((n, f) => n + f.length, 0) > MAX_MESSAGE_BYTES) {
      throw new WebSocketProtocolError(CLOSE_CODE.tooBig, 'a message over the size limit');
    }
    if (!frame.fin) return undefined;

    const bytes = Buffer.concat(this.fragments);
    const opcode = this.opcode;
    this.fragments = [];
    this.opcode = undefined;
    if (opcode === OPCODE.binary) return { kind: 'binary', bytes };
    try {
      return { kind: 'text', text: utf8.decode(bytes) };
    } catch {
      throw new WebSocketProtocolError(CLOSE_CODE.invalidPayload, 'a text message that is not UTF-8');
    }
  }
}

/** A server frame: never masked (RFC 6455 §5.1), always final. */
export function serverFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([0x80 | opcode, payload.length]);
  } else if (payload.length <= 0xffff) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** A close frame's payload: the code, then the reason in UTF-8. */
export function closePayload(code: number, reason = ''): Buffer {
  const bytes = Buffer.alloc(2 + Buffer.byteLength(reason));
  bytes.writeUInt16BE(code, 0);
  bytes.write(reason, 2);
  return bytes;
}

/** The code and reason of a close frame's payload (1005, "no status", when it has none). */
export function readClosePayload(payload: Buffer): { code: number; reason: string } {
  if (payload.length === 0) return { code: CLOSE_CODE.noStatus, reason: '' };
  if (payload.length === 1) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a close frame with a 1-byte payload');
  try {
    return { code: payload.readUInt16BE(0), reason: utf8.decode(payload.subarray(2)) };
  } catch {
    throw new WebSocketProtocolError(CLOSE_CODE.invalidPayload, 'a close reason that is not UTF-8');
  }
}
