/**
 * The canonical CloudTrail relation every engine answers over.
 *
 * It mirrors the Athena table AWS documents for CloudTrail (and CloudTrail's own JSON
 * field names), so a field path written in a runbook means the same thing on every
 * engine. Free-form payloads (requestParameters, responseElements, ...) are JSON
 * documents: their sub-fields are reached with each dialect's JSON access.
 */

export type FieldKind = 'string' | 'timestamp' | 'boolean' | 'struct' | 'json' | 'array';

export interface FieldSpec {
  kind: FieldKind;
  /** For structs: the known sub-fields (nested structs allowed). */
  fields?: Record<string, FieldSpec>;
}

const str: FieldSpec = { kind: 'string' };

const sessionIssuer: FieldSpec = {
  kind: 'struct',
  fields: { type: str, principalId: str, arn: str, accountId: str, userName: str },
};

export const USER_IDENTITY: FieldSpec = {
  kind: 'struct',
  fields: {
    type: str,
    principalId: str,
    arn: str,
    accountId: str,
    invokedBy: str,
    accessKeyId: str,
    userName: str,
    sessionContext: {
      kind: 'struct',
      fields: {
        attributes: { kind: 'struct', fields: { mfaAuthenticated: str, creationDate: str } },
        sessionIssuer,
        sourceIdentity: str,
      },
    },
  },
};

/** Top-level columns, in CloudTrail's own spelling. */
export const CLOUDTRAIL_COLUMNS: Record<string, FieldSpec> = {
  eventVersion: str,
  userIdentity: USER_IDENTITY,
  eventTime: { kind: 'timestamp' },
  eventSource: str,
  eventName: str,
  awsRegion: str,
  sourceIPAddress: str,
  userAgent: str,
  errorCode: str,
  errorMessage: str,
  requestParameters: { kind: 'json' },
  responseElements: { kind: 'json' },
  additionalEventData: { kind: 'json' },
  serviceEventDetails: { kind: 'json' },
  requestID: str,
  eventID: str,
  readOnly: { kind: 'boolean' },
  resources: { kind: 'array' },
  eventType: str,
  apiVersion: str,
  managementEvent: { kind: 'boolean' },
  recipientAccountId: str,
  sharedEventID: str,
  vpcEndpointId: str,
  eventCategory: str,
};

/** How a dotted field path resolves against the relation. */
export type ResolvedField =
  | { kind: 'column'; column: string; spec: FieldSpec }
  | { kind: 'struct'; column: string; path: string[]; spec: FieldSpec }
  | { kind: 'json'; column: string; path: string[] };

export class UnknownFieldError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`unknown field "${field}": ${reason}`);
  }
}

/** Field path segments: CloudTrail names are letters, digits and underscores. */
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Resolve a dotted path such as `userIdentity.sessionContext.sessionIssuer.arn` or
 * `requestParameters.bucketName`. Throws UnknownFieldError for anything the relation
 * does not have, so a typo in a runbook fails validation instead of matching nothing.
 */
export function resolveField(path: string): ResolvedField {
  const parts = path.split('.');
  for (const p of parts) {
    if (!SEGMENT.test(p)) throw new UnknownFieldError(path, `"${p}" is not a valid path segment`);
  }
  const [head, ...rest] = parts as [string, ...string[]];
  const spec = CLOUDTRAIL_COLUMNS[head];
  if (!spec) {
    throw new UnknownFieldError(path, `CloudTrail events have no top-level field "${head}"`);
  }
  if (rest.length === 0) return { kind: 'column', column: head, spec };
  if (spec.kind === 'json') return { kind: 'json', column: head, path: rest };
  if (spec.kind !== 'struct') {
    throw new UnknownFieldError(path, `"${head}" is a ${spec.kind} and has no sub-fields`);
  }
  let cur: FieldSpec = spec;
  for (const seg of rest) {
    const next: FieldSpec | undefined = cur.fields?.[seg];
    if (!next) throw new UnknownFieldError(path, `"${seg}" is not a field of ${head}`);
    cur = next;
  }
  return { kind: 'struct', column: head, path: rest, spec: cur };
}
