/**
 * Athena's ClientRequestToken makes StartQueryExecution idempotent: the same token answers
 * the same query execution instead of starting (and paying for) another. It is derived from
 * the run and the exact request, so an SDK retry of a request whose answer was lost, or a
 * worker resuming the run after another one died mid-step, finds the query already started.
 * `attempt` changes it when a query is deliberately started again (Athena said the failure
 * was retryable, or an earlier worker cancelled it).
 */
import { createHash } from 'node:crypto';

export function clientRequestToken(fields: { runId: string; workgroup: string; statement: string; parameters: readonly string[]; attempt: number }): string {
  return createHash('sha256')
    .update(JSON.stringify(['ctrb', fields.runId, fields.workgroup, fields.statement, fields.parameters, fields.attempt]))
    .digest('hex');
}
