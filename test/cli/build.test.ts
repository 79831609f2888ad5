/**
 * bin/ctrb.js runs the JavaScript built into dist/ at install, and never a build older than
 * src/: an edit runs from the sources through tsx (saying so), or, without tsx, is refused
 * with the command that builds; a production install (no dev dependencies, as in the
 * container image) runs the built dist/. Each case runs in a copy of the project (bin/,
 * scripts/, src/, the package files) whose node_modules links to this one's packages, so a
 * dev dependency can be taken away.
 */
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

let copy: string;
let cache: string;

function node(args: string[]): Promise<Output> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: copy, env: { ...process.env, CTRB_CACHE_DIR: cache } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
const ctrb = (...args: string[]) => node(['bin/ctrb.js', ...args]);
const build = (...args: string[]) => node(['scripts/build.js', ...args]);

/** Takes a package out of the copy's node_modules, as an install without dev dependencies has it. */
const uninstall = (name: string) => unlink(join(copy, 'node_modules', name));
const reinstall = (name: string) => symlink(join(ROOT, 'node_modules', name), join(copy, 'node_modules', name));

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'ctrb-build-'));
  cache = join(copy, '.cache');
  for (const dir of ['bin', 'scripts', 'src']) await cp(join(ROOT, dir), join(copy, dir), { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) await copyFile(join(ROOT, file), join(copy, file));
  await symlink(join(ROOT, 'runbooks'), join(copy, 'runbooks'));
  await mkdir(join(copy, 'node_modules'));
  for (const name of await readdir(join(ROOT, 'node_modules'))) await reinstall(name);
});
afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

const EDITED = 'list the runbooks (edited after the build)';

describe('bin/ctrb.js and the build', () => {
  it('runs what the build made, with no TypeScript compiled and nothing said about it', async () => {
    const built = await build();
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/ctrb: built \d+ modules into dist\//);
    const out = await ctrb('list', '--json');
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'root-activity' })]));
    expect((await build('--prepare')).stdout).toBe('ctrb: dist/ is up to date with src/\n');
  });

  it('runs an edited source through tsx, saying so, never the older build', async () => {
    const cli = join(copy, 'src', 'cli.ts');
    await writeFile(cli, (await readFile(cli, 'utf8')).replace("'list the runbooks'", `'${EDITED}'`));
    const out = await ctrb('--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(EDITED);
    expect(out.stderr).toBe('ctrb: src/ has changed since dist/ was built; running src/ through tsx (slower to start; `npm run build` makes it fast again)\n');
  });

  it('refuses the older build without tsx, naming npm run build, and prepare without esbuild refuses to leave it', async () => {
    await uninstall('tsx');
    await uninstall('esbuild');
    const out = await ctrb('--help');
    expect(out).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ctrb: src/ has changed since dist/ was built, and tsx (a dev dependency) is not installed to run the sources: run `npm run build`\n',
    });
    const prepared = await build('--prepare');
    expect(prepared.code).toBe(1);
    expect(prepared.stderr).toContain('ctrb: cannot build dist/: esbuild is not installed (it is a dev dependency).');
  });

  it('runs the edit from dist/ once built again', async () => {
    await reinstall('esbuild');
    expect((await build()).code).toBe(0);
    const out = await ctrb('--help');
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toContain(EDITED);
  });

  it('runs the built dist/ in a production install: no dev dependencies, no sources', async () => {
    await uninstall('esbuild');
    // `npm ci --omit=dev` runs prepare: with dist/ up to date it has nothing to do.
    expect(await build('--prepare')).toMatchObject({ code: 0, stdout: 'ctrb: dist/ is up to date with src/\n' });
    await rm(join(copy, 'src'), { recursive: true });
    const out = await ctrb('show', 'root-activity');
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toContain('root-activity: ');
  });

  it('refuses to start with neither a build nor tsx, naming npm run build', async () => {
    await rm(join(copy, 'dist'), { recursive: true });
    expect(await ctrb('list')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ctrb: dist/ has not been built, and tsx (a dev dependency) is not installed to run the sources: run `npm run build`\n',
    });
  });
});

describe('the package', () => {
  it('builds at install (prepare) and keeps tsx and esbuild out of the production dependencies', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.scripts!.prepare).toBe('node scripts/build.js --prepare');
    expect(pkg.scripts!.build).toBe('node scripts/build.js');
    for (const tool of ['tsx', 'esbuild']) {
      expect(pkg.dependencies).not.toHaveProperty(tool);
      expect(pkg.devDependencies).toHaveProperty(tool);
    }
  });

  it('is built in the image with the dev dependencies, and run there with the production ones only', async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    const stages = Object.fromEntries(
      dockerfile.split(/^FROM /m).slice(1).map((stage) => [/^\S+ AS (\S+)/.exec(stage)![1], stage]),
    ) as Record<string, string>;
    // The build reads the built-in runbooks too (dist/runbook-memo/): they are there before it runs.
    expect(stages.build).toMatch(/RUN npm ci --ignore-scripts[^\n]*\n[\s\S]*COPY scripts \.\/scripts\nCOPY src \.\/src\n(#[^\n]*\n)*COPY runbooks \.\/runbooks\nRUN npm run build\n/);
    expect(stages['prod-deps']).toContain('RUN npm ci --omit=dev --ignore-scripts');
    expect(stages.runtime).toContain('COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules');
    expect(stages.runtime).toContain('COPY --from=build --chown=root:root /app/dist ./dist');
    expect(stages.runtime).not.toMatch(/COPY[^\n]* src /);
    expect(stages.runtime).toContain('CMD ["node", "bin/ctrb.js", "bot"]');
  });
});
