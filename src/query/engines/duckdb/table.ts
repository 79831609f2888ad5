/**
 * The `events` table of the embedded engine: the canonical CloudTrail relation
 * (../../fields.ts) in DuckDB types. The loader fills it; the DuckDB dialect reads it.
 *
 * - eventTime is a TIMESTAMP in UTC, so window predicates compare times, not strings.
 * - Free-form payloads are DuckDB JSON values, reached with `->>'$.path'`.
 * - userIdentity is a STRUCT, reached with dotted access.
 */
export const EVENTS_TABLE = 'events';

export const USER_IDENTITY_TYPE =
  'STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR, ' +
  'accessKeyId VARCHAR, userName VARCHAR, sessionContext STRUCT(' +
  'attributes STRUCT(mfaAuthenticated VARCHAR, creationDate VARCHAR), ' +
  'sessionIssuer STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, userName VARCHAR), ' +
  'sourceIdentity VARCHAR))';

/** A column of the events table: its CloudTrail name and its DuckDB type. */
export type EventColumn = readonly [name: string, type: string];

/** Column name → DuckDB type, in table order. */
export const EVENTS_COLUMNS: ReadonlyArray<EventColumn> = [
  ['eventVersion', 'VARCHAR'],
  ['userIdentity', USER_IDENTITY_TYPE],
  ['eventTime', 'TIMESTAMP'],
  ['eventSource', 'VARCHAR'],
  ['eventName', 'VARCHAR'],
  ['awsRegion', 'VARCHAR'],
  ['sourceIPAddress', 'VARCHAR'],
  ['userAgent', 'VARCHAR'],
  ['errorCode', 'VARCHAR'],
  ['errorMessage', 'VARCHAR'],
  ['requestParameters', 'JSON'],
  ['responseElements', 'JSON'],
  ['additionalEventData', 'JSON'],
  ['serviceEventDetails', 'JSON'],
  ['requestID', 'VARCHAR'],
  ['eventID', 'VARCHAR'],
  ['readOnly', 'BOOLEAN'],
  ['resources', 'JSON'],
  ['eventType', 'VARCHAR'],
  ['apiVersion', 'VARCHAR'],
  ['managementEvent', 'BOOLEAN'],
  ['recipientAccountId', 'VARCHAR'],
  ['sharedEventID', 'VARCHAR'],
  ['vpcEndpointId', 'VARCHAR'],
  ['eventCategory', 'VARCHAR'],
];

export function createEventsTableSql(columns: ReadonlyArray<EventColumn> = EVENTS_COLUMNS, table = EVENTS_TABLE): string {
  const cols = columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
  return `CREATE TABLE ${table} (${cols})`;
}

/** `"eventTime", "eventName", ...`: a select list of the columns, by name. */
export function columnListSql(columns: ReadonlyArray<EventColumn>): string {
  return columns.map(([name]) => `"${name}"`).join(', ');
}
