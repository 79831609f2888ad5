/**
 * The CloudTrail client LookupEvents goes through: every HTTP attempt, the SDK's own retries
 * of a throttled request included, first waits for its slot from the shared limiter. (A
 * limiter around `send` alone would let retries through unaccounted.)
 */
import type { CloudTrailClient, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-cloudtrail';
// Types only (erased at run time): the SDK's middleware signature, from the package the clients are built on.
import type { FinalizeHandler, FinalizeHandlerArguments } from '@smithy/types';
import type { RateLimiter } from './limiter.js';

export interface AbortRef {
  /** The signal of the call in progress, so a wait for a slot ends when the run is cancelled. */
  current?: AbortSignal;
}

export function rateLimitEveryAttempt(client: CloudTrailClient, limiter: RateLimiter, key: string, abort: AbortRef): CloudTrailClient {
  client.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<ServiceInputTypes, ServiceOutputTypes>) => async (args: FinalizeHandlerArguments<ServiceInputTypes>) => {
      await limiter.acquire(key, abort.current);
      return next(args);
    },
    // Inside the retry middleware: it runs once per attempt, not once per call.
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'ctrbLookupEventsRateLimit', override: true },
  );
  return client;
}
