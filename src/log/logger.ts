/**
 * How every ctrb process logs: pino, JSON lines, with the secrets it may hold redacted and
 * errors reduced to what an operator needs.
 *
 * - `redact`: tokens, signing secrets, passwords, authorization headers, AWS secret keys and
 *   session tokens, and request bodies (a Slack request carries the user's words and, in its
 *   `token` field, the app's verification token) are replaced by `[redacted]` wherever a log
 *   call puts them, at the top of the line or one or two objects deep.
 * - `err` / `error`: an error is logged by its message and code (and HTTP status), never as
 *   the whole object: a Bolt or SDK error carries the request, its headers and its body.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'secret',
  'clientSecret',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'secretAccessKey',
  'SecretAccessKey',
  'sessionToken',
  'SessionToken',
  'credentials',
  'Credentials',
  'body',
  'rawBody',
];

/** Every path pino redacts: each key at the top of a line, one and two objects deep. */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export const REDACTED = '[redacted]';

export interface ErrorSummary {
  message: string;
  code?: string;
  name?: string;
  status?: number;
}

/**
 * An error as it is logged: its message, and its code, name and HTTP status when it has
 * them. Anything else thrown is logged as its text.
 */
export function errorSummary(error: unknown): ErrorSummary | string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : String(error);
  const e = error as Error & { code?: unknown; statusCode?: unknown; status?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = [e.statusCode, e.status, e.$metadata?.httpStatusCode].find((s): s is number => typeof s === 'number');
  return {
    message: e.message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(e.name !== 'Error' ? { name: e.name } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** The serializer: an Error summarized; what a call already summarized (or wrote as text) kept. */
function loggedError(value: unknown): unknown {
  return value instanceof Error ? errorSummary(value) : value;
}

export interface LoggerOptions {
  name?: string;
  level?: LevelWithSilent;
}

/** A pino logger with the redaction and error serializers above; `destination` for tests. */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings = {
    ...(options.name ? { name: options.name } : {}),
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: loggedError, error: loggedError },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
