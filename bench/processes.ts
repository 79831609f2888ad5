/** `ctrb bot` and `ctrb worker` as child processes for the benchmarks that time the Slack path. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/runbook/library.js';

const CTRB = join(PACKAGE_ROOT, 'bin', 'ctrb.js');

export interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Started through bin/ctrb.js, as a supervisor would, with only the environment given. */
export function startChild(command: 'bot' | 'worker', env: Record<string, string>): Child {
  const child = spawn(process.execPath, [CTRB, command], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout?.on('data', (b: Buffer) => chunks.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => chunks.push(b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: command, process: child, output: () => chunks.join(''), exited };
}

/** Polls `check` until it holds; fails at once, with its output, when one of `children` exits. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, children: readonly Child[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    const dead = children.find((c) => c.process.exitCode !== null);
    if (dead) throw new Error(`ctrb ${dead.name} exited while waiting for ${what}:\n${dead.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${children.map((c) => `\n${c.output().slice(-4000)}`).join('')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
