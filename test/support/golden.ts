/**
 * Golden files: reviewed output kept in the repository and compared with what the code
 * produces now. `UPDATE_GOLDEN=1` rewrites them for a person to review in the diff; it is
 * refused where nobody reviews (CI, where `CI` is set), and a rewritten file is never then
 * compared with itself: a rewrite that changed a file fails the test, naming the file, so an
 * update run never passes silently.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type GoldenCheck = { ok: true } | { ok: false; message: string; expected?: string };

/** Whether this process asks to rewrite goldens; throws under CI, where nobody reviews the rewrite. */
export function goldenUpdateRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const update = env.UPDATE_GOLDEN === '1';
  if (update && isCi(env)) {
    throw new Error('UPDATE_GOLDEN is refused under CI: golden files are rewritten on a workstation and the diff reviewed, never in CI');
  }
  return update;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Compares `actual` with the golden file, or (update requested) rewrites it. The comparison
 * is always against what was on disk before this run.
 */
export function checkGolden(file: string, actual: string, env: NodeJS.ProcessEnv = process.env): GoldenCheck {
  const update = goldenUpdateRequested(env);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (before === actual) return { ok: true };
  if (!update) {
    return before === undefined
      ? { ok: false, message: `no golden file ${file}: run with UPDATE_GOLDEN=1 on a workstation and review it` }
      : { ok: false, message: `${file} differs from the output`, expected: before };
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, actual);
  return { ok: false, message: `rewrote ${file}: review the diff, then run the tests again without UPDATE_GOLDEN` };
}
