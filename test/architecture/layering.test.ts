/**
 * The floors of src/ (docs/architecture.md, .dependency-cruiser.cjs): a folder imports only
 * the floors beneath it, the bot never calls the worker's handlers, only slack/ renders Block
 * Kit, and no import cycle crosses folders. The second block proves the rules bite: the same
 * configuration over a small tree with the mistakes made on purpose.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The violations depcruise finds under `cwd`/src with the project's rules. */
async function violations(cwd: string): Promise<Violation[]> {
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => {
    // depcruise exits non-zero when it finds violations; its JSON is still on stdout.
    if (e.stdout) return { stdout: e.stdout };
    throw e;
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const show = (found: Violation[]) => found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);

describe('the layering of src/', () => {
  it('has no upward import, no front door calling the worker, no Block Kit outside slack/ and no cycle across folders', async () => {
    expect(show(await violations(ROOT))).toEqual([]);
  });
});

describe('the layering rules', () => {
  const tree = mkdtempSync(join(tmpdir(), 'ctrb-layering-'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  };

  it('refuse an upward import, the bot calling the worker, Block Kit rendered outside slack/, and a cycle across folders', async () => {
    copyFileSync(join(ROOT, 'tsconfig.json'), join(tree, 'tsconfig.json'));
    write('src/model/run.ts', "import type { Handler } from '../worker/handler.js';\nexport type Run = Handler;\n");
    write('src/worker/handler.ts', "import { render } from '../slack/render/notice.js';\nexport type Handler = typeof render;\n");
    write('src/slack/render/notice.ts', 'export const render = (): string => "";\n');
    write('src/bot/index.ts', "import type { Handler } from '../worker/handler.js';\nexport type Bot = Handler;\n");
    write('src/run/runner.ts', "import { enqueue } from '../queue/producers.js';\nexport const run = (): void => enqueue();\n");
    write('src/queue/producers.ts', "import { run } from '../run/runner.js';\nexport const enqueue = (): void => run();\n");

    const found = show(await violations(tree));
    expect(found).toEqual(
      expect.arrayContaining([
        'model-imports-only-floors-beneath: src/model/run.ts → src/worker/handler.ts',
        'only-slack-renders-block-kit: src/worker/handler.ts → src/slack/render/notice.ts',
        'front-door-calls-no-back-end: src/bot/index.ts → src/worker/handler.ts',
        'run-imports-only-floors-beneath: src/run/runner.ts → src/queue/producers.ts',
        'no-folder-cycles: src/queue/producers.ts → src/run/runner.ts',
      ]),
    );
  });
});
