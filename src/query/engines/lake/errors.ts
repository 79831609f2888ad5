/** A CloudTrail Lake query that ended FAILED, TIMED_OUT or CANCELLED, with Lake's message. */
export class LakeQueryError extends Error {
  override name = 'LakeQueryError';
  constructor(
    readonly queryId: string,
    readonly status: string,
    readonly reason: string,
  ) {
    const what = status === 'CANCELLED' ? 'was cancelled' : status === 'TIMED_OUT' ? 'timed out in CloudTrail Lake' : 'failed';
    super(`the CloudTrail Lake query ${queryId} ${what}: ${reason}`);
  }
}
