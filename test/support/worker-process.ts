/**
 * `ctrb worker` as a real child process, for the tests that kill or stop one: started with
 * `node bin/ctrb.js worker` and an environment that holds only what the worker reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const CTRB = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ctrb.js');

export interface WorkerProcess {
  child: ChildProcess;
  /** stdout and stderr so far (pino JSON lines), for failure messages. */
  output(): string;
  /** Resolves once the worker logged that it started. */
  started: Promise<void>;
  /** Resolves once the worker's output holds `text` (rejects if it exits first). */
  logged(text: string): Promise<void>;
  /** The exit code (null when killed by a signal) and how long after `since` it came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  // A failed test must not leave a worker behind taking the next test's jobs.
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

export function spawnWorker(env: Record<string, string>, startTimeoutMs = 90_000): WorkerProcess {
  const child = spawn(process.execPath, [CTRB, 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const chunks: string[] = [];
  const output = () => chunks.join('');
  const logged = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!output().includes(text)) return;
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        resolve();
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.once('exit', () => (output().includes(text) ? resolve() : reject(new Error(`the worker exited without logging "${text}":\n${output()}`))));
      setImmediate(check);
    });
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start within ${startTimeoutMs} ms:\n${output()}`)), startTimeoutMs);
    const onData = (b: Buffer) => {
      chunks.push(b.toString());
      if (output().includes('"msg":"worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the worker exited before it started:\n${output()}`));
    });
  });
  started.catch(() => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: Date.now() });
    });
  });
  return { child, output, started, logged, exited };
}
