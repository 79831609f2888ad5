/** Reading the errors the IAM client throws: the service's error code and a sentence. */

interface ServiceErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** IAM's own error code (`NoSuchEntity`, `AccessDenied`, `Throttling`…), or the error's name. */
export function awsErrorCode(error: unknown): string {
  const e = error as ServiceErrorShape | undefined;
  if (typeof e?.Code === 'string' && e.Code !== '') return e.Code;
  const name = e?.name ?? 'Error';
  return name.endsWith('Exception') ? name.slice(0, -'Exception'.length) : name;
}

export function isNoSuchEntity(error: unknown): boolean {
  return awsErrorCode(error) === 'NoSuchEntity';
}

/** `AccessDenied: User ... is not authorized to perform iam:UpdateAccessKey` (after N attempts). */
export function describeAwsError(error: unknown): string {
  const e = error as ServiceErrorShape | undefined;
  const code = awsErrorCode(error);
  const message = e?.message && e.message !== code ? `: ${e.message}` : '';
  const attempts = e?.$metadata?.attempts;
  return `${code}${message}${attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : ''}`;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'UnauthorizedOperation', 'AccessDeniedException']);

/** The remediation role's policy in this project, which grants every call the catalogue makes. */
export const REMEDIATION_ROLE_POLICY = 'deploy/iam/remediation-role-policy.json';

/**
 * The permission IAM refused, when the error is a refusal: the one its message names
 * ("… is not authorized to perform: iam:AttachUserPolicy on resource …"), else the call's own.
 */
export function deniedPermission(error: unknown, operation: string | undefined): string | undefined {
  if (!ACCESS_DENIED.has(awsErrorCode(error))) return undefined;
  const named = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec((error as ServiceErrorShape | undefined)?.message ?? '')?.[1];
  return named ?? (operation ? `iam:${operation}` : undefined);
}
