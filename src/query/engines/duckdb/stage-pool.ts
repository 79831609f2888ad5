/**
 * The staging threads: gunzipping and splitting log files (stage-task.ts) is CPU work, done
 * on as many threads as the machine has cores while DuckDB parses what is already staged.
 * A pool that cannot start its threads stages on the main thread instead (slower, same result).
 */
import { Worker } from 'node:worker_threads';
import { ownScript } from './script.js';
import { runStageTask, type StageOutcome, type StageTask } from './stage-task.js';

interface Pending {
  task: StageTask;
  resolve: (outcome: StageOutcome) => void;
}

interface Thread {
  worker: Worker;
  busy: Map<number, Pending>;
}

export class StagePool {
  private readonly threads: Thread[] = [];
  private next = 0;
  private closed = false;

  private constructor(threadCount: number) {
    for (let i = 0; i < threadCount; i++) {
      const thread = startThread(() => this.closed);
      if (!thread) break;
      this.threads.push(thread);
    }
  }

  /** A pool of `threads` threads; 0 stages on the main thread. */
  static create(threads: number): StagePool {
    return new StagePool(threads);
  }

  get threadCount(): number {
    return this.threads.length;
  }

  /** Stage a file; never rejects (a problem is an outcome). */
  stage(task: StageTask): Promise<StageOutcome> {
    if (this.closed) throw new Error('the staging pool is closed');
    const live = this.threads.filter((t) => t.worker.threadId >= 0);
    if (live.length === 0) return Promise.resolve().then(() => runStageTask(task));
    // The least busy thread, round robin among equals.
    const thread = live.reduce((best, t) => (t.busy.size < best.busy.size ? t : best), live[this.next++ % live.length]!);
    const id = this.next++;
    return new Promise((resolve) => {
      thread.busy.set(id, { task, resolve });
      thread.worker.postMessage({ id, task });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

function startThread(closed: () => boolean): Thread | null {
  let worker: Worker;
  try {
    const script = ownScript('stage-worker');
    worker = new Worker(script.url, { execArgv: script.execArgv });
  } catch {
    return null;
  }
  const thread: Thread = { worker, busy: new Map() };
  worker.on('message', (message: { id: number; outcome: StageOutcome }) => {
    const pending = thread.busy.get(message.id);
    thread.busy.delete(message.id);
    pending?.resolve(message.outcome);
  });
  // A thread that dies hands its files to the main thread: the load goes on.
  const fail = (): void => {
    const pending = [...thread.busy.values()];
    thread.busy.clear();
    for (const p of pending) p.resolve(closed() ? { ok: false, problem: 'the load was stopped' } : runStageTask(p.task));
  };
  worker.on('error', fail);
  worker.on('exit', fail);
  return thread;
}
