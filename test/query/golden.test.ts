/**
 * Golden tests: every representative query compiled for every engine, compared with the
 * reviewed text under test/query/golden/. Regenerate with UPDATE_GOLDEN=1 on a workstation
 * and read the diff (refused under CI: test/support/golden.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_NAMES } from '../../src/model/query.js';
import { CASES } from './support/cases.js';
import { compileCase, renderCompiled } from './support/compile-case.js';
import { checkGolden } from '../support/golden.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');

function renderCase(c: (typeof CASES)[number]): string {
  const sections = ENGINE_NAMES.map((engine) => {
    let body: string;
    try {
      body = renderCompiled(compileCase(c, engine));
    } catch (e) {
      body = `-- not compiled: ${(e as Error).message}`;
    }
    return `-- ===== ${engine} =====\n${body}\n`;
  });
  return sections.join('\n');
}

describe('golden compiled queries', () => {
  for (const c of CASES) {
    it(`${c.name} compiles to the reviewed text on every engine`, () => {
      const file = join(GOLDEN_DIR, `${c.name}.sql`);
      const actual = renderCase(c);
      const golden = checkGolden(file, actual);
      if (!golden.ok && golden.expected !== undefined) expect(actual, golden.message).toBe(golden.expected);
      if (!golden.ok) throw new Error(golden.message);
    });
  }
});
