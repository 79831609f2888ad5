/** Runs the real `ctrb` binary the way a user does, and captures what they would see. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bin', 'ctrb.js');

export interface CtrbOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export function ctrb(args: string[], env: Record<string, string> = {}): Promise<CtrbOutput> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
