/** Turning errors into what a person at a terminal should read, and exit codes scripts can use. */
import pc from 'picocolors';
import { InterruptedError } from './interrupt.js';

/** An error a user caused and can fix (bad parameter, unknown runbook, missing logs): no stack trace. */
export function isUserError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return isUserErrorName(e.name) || isUserErrorName(e.constructor.name);
}

export function isUserErrorName(name: string): boolean {
  return USER_ERRORS.has(name);
}

const USER_ERRORS = new Set([
  'RunbookError',
  'UnknownRunbookError',
  'ParamError',
  'QueryDefinitionError',
  'CompileError',
  'NoCloudTrailFilesError',
  'LogsPathNotFoundError',
  'CloudTrailUnreadableError',
  'LogsNotFoundError',
  'QueryValueError',
  'UnsafeLiteralError',
  'UsageError',
  'DerivedValueError',
  'UnknownActionError',
  'CelCompileError',
  'RemediationPlanError',
  'RunbookDirectoryNotFoundError',
  'OutputExistsError',
]);

/**
 * Something out of reach rather than a fault of ctrb (Redis down, AWS unreachable): said in
 * one line without a stack trace, which would only hide the sentence, and exit code 1.
 */
export function isUnreachableError(e: unknown): boolean {
  return e instanceof Error && UNREACHABLE_ERRORS.has(e.name);
}

const UNREACHABLE_ERRORS = new Set(['RedisUnreachableError', 'AwsUnreachableError', 'SlackUnreachableError']);

export class UsageError extends Error {
  override name = 'UsageError';
}

export function printError(e: unknown): void {
  const c = pc.createColors(!!process.stderr.isTTY);
  // Stopped by Ctrl-C or SIGTERM: one line, and the exit code shells expect (exitCodeFor).
  if (e instanceof InterruptedError) {
    process.stderr.write(`${e.message}\n`);
  } else if (isUserError(e) || isUnreachableError(e)) {
    process.stderr.write(`${c.red('error')} ${(e as Error).message}\n`);
  } else {
    process.stderr.write(`${c.red('error')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof InterruptedError) return e.exitCode;
  return isUserError(e) ? 2 : 1;
}
