/**
 * Waiting for an asynchronous query (Athena, CloudTrail Lake): poll its state fast at first,
 * since most incident questions over a day or two finish in seconds, then less and less
 * often, so a query that runs for minutes costs a few dozen calls rather than hundreds.
 * A cancelled run or a query past its time limit is stopped on AWS too, not just abandoned:
 * an abandoned Athena query keeps scanning (and billing) until it ends by itself.
 */

export interface PollSchedule {
  /** The first wait after starting the query. */
  firstDelayMs: number;
  /** Each wait is this many times the previous one… */
  factor: number;
  /** …up to this. It bounds how late a finished query is noticed. */
  maxDelayMs: number;
}

/**
 * A finished query is noticed at most 2 s late (about 1.3 s on average), for about 12 calls
 * over a 10 s query and 37 over a minute-long one (bench/aws.ts compares other schedules).
 */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = { firstDelayMs: 200, factor: 1.5, maxDelayMs: 2_000 };

/** The waits between polls: 200, 300, 450, … 2000, 2000, … ms. */
export function* pollDelays(schedule: PollSchedule): Generator<number, never> {
  let delay = schedule.firstDelayMs;
  for (;;) {
    yield Math.min(delay, schedule.maxDelayMs);
    delay = Math.min(delay * schedule.factor, schedule.maxDelayMs);
  }
}

/** Time as the polling sees it: real, or simulated by tests and benchmarks. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock whose sleeps return at once and move its time forward: a fake AWS service reading
 * the same clock sees a "60 s" query finish after the engine has slept 60 simulated seconds.
 */
export function simulatedClock(startMs = Date.UTC(2024, 0, 1)): Clock & { advance(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      now += ms;
      // Let other work (the HTTP exchange with the fake) interleave, as a real wait would.
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    },
  };
}

/** The query ran past its time limit; it was stopped on AWS. */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError';
  constructor(
    readonly engine: string,
    readonly queryId: string,
    readonly timeoutMs: number,
  ) {
    super(`the ${engine} query ${queryId} ran longer than ${formatDuration(timeoutMs)} (CTRB_QUERY_TIMEOUT) and was stopped`);
  }
}

export interface WaitOptions<T> {
  /** `athena`, `lake`: named in the timeout message. */
  engine: string;
  queryId: string;
  /** One poll: the final state when the query is done, undefined while it runs. */
  check: () => Promise<T | undefined>;
  /** Cancels the query on AWS (StopQueryExecution, CancelQuery). */
  stop: () => Promise<void>;
  schedule: PollSchedule;
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told about a failed stop (the query may still be running on AWS). */
  onStopFailed?: (error: unknown) => void;
}

export interface WaitOutcome<T> {
  state: T;
  /** Polls made, the final one included. */
  polls: number;
}

/** Polls until the query is done; stops it on abort or timeout, then throws. */
export async function waitForQuery<T>(options: WaitOptions<T>): Promise<WaitOutcome<T>> {
  const { clock, signal } = options;
  const deadline = clock.now() + options.timeoutMs;
  const stop = async (): Promise<void> => {
    try {
      await options.stop();
    } catch (error) {
      options.onStopFailed?.(error);
    }
  };
  let polls = 0;
  try {
    for (const delay of pollDelays(options.schedule)) {
      const remaining = deadline - clock.now();
      if (remaining <= 0) {
        await stop();
        throw new QueryTimeoutError(options.engine, options.queryId, options.timeoutMs);
      }
      await clock.sleep(Math.min(delay, remaining), signal);
      signal?.throwIfAborted();
      polls++;
      const state = await options.check();
      if (state !== undefined) return { state, polls };
    }
  } catch (error) {
    if (signal?.aborted) {
      await stop();
      throw signal.reason instanceof Error ? signal.reason : error;
    }
    throw error;
  }
  throw new Error('unreachable: the poll schedule never ends');
}

/**
 * The error a cancelled call ends with: the run's own reason (what the runner reports),
 * not the SDK's "Request aborted" from whichever request happened to be in flight.
 */
export function cancellationOr(error: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted && signal.reason instanceof Error ? signal.reason : error;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
