/** An Athena query that ended FAILED or CANCELLED, with Athena's reason, for the step's error. */
export class AthenaQueryError extends Error {
  override name = 'AthenaQueryError';
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    readonly reason: string,
  ) {
    super(`the Athena query ${queryExecutionId} ${state === 'CANCELLED' ? 'was cancelled' : 'failed'}: ${reason}`);
  }
}
