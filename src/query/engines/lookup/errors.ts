/** A lookup that would page through more events than the configured bound. */
export class TooManyEventsError extends Error {
  override name = 'TooManyEventsError';
  constructor(
    readonly limit: number,
    attribute: string | undefined,
  ) {
    super(
      `LookupEvents returned more than ${limit} events for this step (${attribute ? `lookup attribute ${attribute}` : 'no lookup attribute'}), ` +
        'more than can be read at 2 requests a second: pin a more selective field (eventName, userIdentity.accessKeyId, userIdentity.userName), ' +
        'shorten the window, or run the step on athena (CTRB_LOOKUP_MAX_EVENTS sets the bound)',
    );
  }
}
