/**
 * Vitest global setup: the tests that start `ctrb` spawn `node bin/ctrb.js`, as a user does,
 * and bin/ctrb.js runs dist/ when it is as new as src/. Built here once (`npm run build`'s
 * script, which does nothing when dist/ is already up to date), so no child process
 * compiles TypeScript on its own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.js', '--prepare'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
