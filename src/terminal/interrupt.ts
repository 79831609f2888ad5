/**
 * Ctrl-C (SIGINT) or SIGTERM while `ctrb run` or `ctrb sweep` works. The run is aborted
 * through its AbortSignal: the engine interrupts DuckDB and removes what the load left on disk
 * (log files waiting in /dev/shm, gunzipped and split, a few hundred MB of memory there; the
 * session's own Parquet files; DuckDB's spill) before the process exits, with 130 or 143 as
 * shells expect of an interrupted command. A second signal exits at once.
 */
import process from 'node:process';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type StopSignal = (typeof SIGNALS)[number];
const SIGNAL_NUMBER: Record<StopSignal, number> = { SIGINT: 2, SIGTERM: 15 };

/** The command stopped because a signal asked it to: said in one line, exit 128 + the signal's number. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  readonly exitCode: number;

  constructor(readonly signalName: StopSignal) {
    super(`interrupted (${signalName}): the run stopped, and what it had staged on disk was removed`);
    this.exitCode = 128 + SIGNAL_NUMBER[signalName];
  }
}

/**
 * Runs `work` with a signal the first SIGINT or SIGTERM aborts. When one came, the promise
 * rejects with InterruptedError whatever `work` made of the abort (a failed step, a stopped
 * load). The signals go back to Node's defaults afterwards.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = SIGNALS.map((name) => {
    const handler = (): void => {
      // The second one: the person does not want to wait for the clean-up.
      if (received) process.exit(128 + SIGNAL_NUMBER[received]);
      received = name;
      controller.abort(new InterruptedError(name));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  const interrupted = (): void => {
    if (received) throw new InterruptedError(received);
  };
  try {
    const result = await work(controller.signal);
    interrupted();
    return result;
  } catch (error) {
    interrupted();
    throw error;
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}
