/**
 * The bot and the worker stop cleanly on SIGTERM only when node gets the signal: `npx` does
 * not pass it on, so the container files start them as `node bin/ctrb.js`, and the README says
 * supervisors should too.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const read = (path: string): Promise<string> => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('processes a supervisor stops', () => {
  it('are started as node bin/ctrb.js by the Dockerfile and compose, never through npx', async () => {
    const dockerfile = await read('Dockerfile');
    expect(dockerfile).toMatch(/^CMD \["node", "bin\/ctrb\.js", "bot"\]$/m);
    const compose = await read('docker-compose.yml');
    expect(compose).toContain('command: ["node", "bin/ctrb.js", "bot"]');
    expect(compose).toContain('command: ["node", "bin/ctrb.js", "worker"]');
    for (const text of [dockerfile, compose]) expect(text).not.toMatch(/^[^#]*\bnpx\b/m);
  });

  it('are documented as node bin/ctrb.js for supervisors', async () => {
    expect(await read('README.md')).toContain('start them as `node bin/ctrb.js bot` and `node bin/ctrb.js worker`');
  });
});
