/** What UPDATE_GOLDEN may and may not do (test/support/golden.ts). */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkGolden } from '../support/golden.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctrb-golden-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('golden files', () => {
  it('are refused an update under CI, and the file is left as it was', () => {
    const file = join(dir, 'case.sql');
    writeFileSync(file, 'SELECT 1');
    for (const CI of ['true', '1']) {
      expect(() => checkGolden(file, 'SELECT 2', { UPDATE_GOLDEN: '1', CI })).toThrow(
        'UPDATE_GOLDEN is refused under CI: golden files are rewritten on a workstation and the diff reviewed, never in CI',
      );
    }
    expect(readFileSync(file, 'utf8')).toBe('SELECT 1');
    expect(existsSync(join(dir, 'new.sql'))).toBe(false);
    expect(() => checkGolden(join(dir, 'new.sql'), 'SELECT 2', { UPDATE_GOLDEN: '1', CI: 'true' })).toThrow(/refused under CI/);
    expect(existsSync(join(dir, 'new.sql'))).toBe(false);
  });

  it('are compared with what was on disk before, never with a rewrite of themselves', () => {
    const file = join(dir, 'case.sql');
    writeFileSync(file, 'SELECT 1');
    expect(checkGolden(file, 'SELECT 1', { UPDATE_GOLDEN: '1' })).toEqual({ ok: true });
    // The update writes the new text, and the test that asked for it fails, naming the file.
    expect(checkGolden(file, 'SELECT 2', { UPDATE_GOLDEN: '1' })).toEqual({
      ok: false,
      message: `rewrote ${file}: review the diff, then run the tests again without UPDATE_GOLDEN`,
    });
    expect(readFileSync(file, 'utf8')).toBe('SELECT 2');
    expect(checkGolden(file, 'SELECT 2', {})).toEqual({ ok: true });
  });

  it('fail without an update when the output differs or the file is missing, and write nothing', () => {
    const file = join(dir, 'case.sql');
    writeFileSync(file, 'SELECT 1');
    expect(checkGolden(file, 'SELECT 2', { CI: 'true' })).toEqual({ ok: false, message: `${file} differs from the output`, expected: 'SELECT 1' });
    expect(checkGolden(join(dir, 'missing.sql'), 'SELECT 2', {})).toEqual({
      ok: false,
      message: `no golden file ${join(dir, 'missing.sql')}: run with UPDATE_GOLDEN=1 on a workstation and review it`,
    });
    expect(readFileSync(file, 'utf8')).toBe('SELECT 1');
    expect(existsSync(join(dir, 'missing.sql'))).toBe(false);
  });
});
