/**
 * The HTTP side shared by the AWS fakes: a real server on a random local port, the request's
 * body and signing identity read once, and answers in the two wire formats the SDK clients
 * use here: JSON 1.1 (Athena, CloudTrail: `X-Amz-Target: Service.Operation`, errors as
 * `{"__type": …, "message": …}` with HTTP 400) and the query protocol (STS: form body, XML).
 *
 * The SDK signs every request; the fakes do not check signatures, but they read which access
 * key signed (the `Credential=` of the Authorization header) and in which region, so a test
 * can tell which credentials a client really used.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHttpRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The access key id that signed the request. */
  accessKeyId?: string;
  /** The region in the signature's credential scope. */
  region?: string;
  /** When the request arrived (ms since the epoch, real time). */
  receivedAt: number;
}

export interface FakeHttpReply {
  status: number;
  contentType: string;
  body: string;
}

export type FakeHandler = (request: FakeHttpRequest) => FakeHttpReply | Promise<FakeHttpReply>;

export interface FakeHttpServer {
  /** `http://127.0.0.1:<port>`: the endpoint to give the SDK client. */
  url: string;
  close(): Promise<void>;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//;

export async function startFakeHttpServer(handle: FakeHandler): Promise<FakeHttpServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const scope = CREDENTIAL.exec(req.headers.authorization ?? '');
      const request: FakeHttpRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(scope ? { accessKeyId: scope[1], region: scope[2] } : {}),
        receivedAt: Date.now(),
      };
      Promise.resolve()
        .then(() => handle(request))
        .catch((error: unknown) => jsonError('InternalFailure', `fake failed: ${(error as Error).message}`, 500))
        .then((reply) => {
          res.writeHead(reply.status, { 'content-type': reply.contentType, 'x-amzn-requestid': randomUUID() });
          res.end(reply.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ----- JSON 1.1 ---------------------------------------------------------------------------------

const JSON_11 = 'application/x-amz-json-1.1';

/** `AmazonAthena.StartQueryExecution` → `StartQueryExecution`. */
export function jsonOperation(request: FakeHttpRequest): string {
  const target = String(request.headers['x-amz-target'] ?? '');
  return target.slice(target.lastIndexOf('.') + 1);
}

export function jsonReply(body: unknown, status = 200): FakeHttpReply {
  return { status, contentType: JSON_11, body: JSON.stringify(body) };
}

/** An AWS JSON 1.1 error, as the SDK's error parser reads it. */
export function jsonError(code: string, message: string, status = 400): FakeHttpReply {
  return { status, contentType: JSON_11, body: JSON.stringify({ __type: code, message }) };
}

/** A JSON 1.1 error raised inside a fake's operation handler. */
export class JsonFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'JsonFault';
  }
}

/** A call as a JSON fake records it. */
export interface RecordedJsonCall {
  operation: string;
  input: Record<string, unknown>;
  accessKeyId?: string;
  region?: string;
  receivedAt: number;
  /** `ok`, or the error code answered. */
  outcome: string;
}

/**
 * The shared shape of the JSON fakes: dispatch by operation, answer the next `n` calls of an
 * operation with a throttling error when told to, record every call.
 */
export class JsonServiceFake {
  readonly calls: RecordedJsonCall[] = [];
  private readonly throttles = new Map<string, { times: number; code: string }>();
  private server?: FakeHttpServer;

  constructor(private readonly operations: Record<string, (input: Record<string, unknown>, request: FakeHttpRequest) => unknown>) {}

  async listen(): Promise<string> {
    this.server = await startFakeHttpServer((request) => this.handle(request));
    return this.server.url;
  }

  get url(): string {
    if (!this.server) throw new Error('the fake is not started');
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  /** The next `times` calls of `operation` answer HTTP 400 `code` (a throttling error by default). */
  throttle(operation: string, times: number, code = 'ThrottlingException'): void {
    this.throttles.set(operation, { times, code });
  }

  callsTo(operation: string, options: { all?: boolean } = {}): RecordedJsonCall[] {
    return this.calls.filter((c) => c.operation === operation && (options.all || c.outcome === 'ok'));
  }

  private handle(request: FakeHttpRequest): FakeHttpReply {
    const operation = jsonOperation(request);
    let input: Record<string, unknown> = {};
    try {
      input = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
    } catch {
      return jsonError('SerializationException', 'the body is not JSON');
    }
    const record = (outcome: string): void => {
      this.calls.push({
        operation,
        input,
        ...(request.accessKeyId ? { accessKeyId: request.accessKeyId } : {}),
        ...(request.region ? { region: request.region } : {}),
        receivedAt: request.receivedAt,
        outcome,
      });
    };
    const throttle = this.throttles.get(operation);
    if (throttle && throttle.times > 0) {
      throttle.times--;
      record(throttle.code);
      return jsonError(throttle.code, 'Rate exceeded');
    }
    const run = this.operations[operation];
    if (!run) {
      record('UnknownOperationException');
      return jsonError('UnknownOperationException', `the fake does not know ${operation}`);
    }
    try {
      const output = run(input, request);
      record('ok');
      return jsonReply(output ?? {});
    } catch (error) {
      if (error instanceof JsonFault) {
        record(error.code);
        return jsonError(error.code, error.message, error.status);
      }
      throw error;
    }
  }
}

/** Opaque page tokens, as AWS hands them out: the offset, base64-encoded. */
export const pageToken = {
  encode: (offset: number): string => Buffer.from(`page:${offset}`).toString('base64'),
  decode: (token: unknown): number => {
    if (token === undefined) return 0;
    const text = Buffer.from(String(token), 'base64').toString('utf8');
    const offset = /^page:(\d+)$/.exec(text)?.[1];
    if (offset === undefined) throw new JsonFault('InvalidNextTokenException', 'the NextToken is not valid');
    return Number(offset);
  },
};

/** Dummy credentials for the identity a client starts with (the fakes never check signatures). */
export const FAKE_BASE_CREDENTIALS = { accessKeyId: 'AKIAFAKEBASEIDENTITY', secretAccessKey: 'fake-base-secret' };
