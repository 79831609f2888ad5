/** Turning errors into what a person at a terminal should read, and exit codes scripts can use. */
import pc from 'picocolors';

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

export class UsageError extends Error {
  override name = 'UsageError';
}

export function printError(e: unknown): void {
  const c = pc.createColors(!!process.stderr.isTTY);
  if (isUserError(e)) {
    process.stderr.write(`${c.red('error')} ${(e as Error).message}\n`);
  } else {
    process.stderr.write(`${c.red('error')} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
}

export function exitCodeFor(e: unknown): number {
  return isUserError(e) ? 2 : 1;
}
