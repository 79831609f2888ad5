/**
 * Finding a runbook by name: its id or one of its aliases; the closest names suggested for a
 * name that is neither; and a library where one name could mean two runbooks refused as a whole.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookLibrary, UnknownRunbookError } from '../../src/runbook/library.js';
import { RunbookError } from '../../src/runbook/load.js';

const runbook = (id: string, aliases: string[] = []) => `id: ${id}
aliases: [${aliases.join(', ')}]
title: ${id}
summary: A runbook called ${id}.
severity: low
steps:
  - id: q
    query: { where: { eventName: ConsoleLogin } }
`;

async function library(files: Record<string, string>): Promise<RunbookLibrary> {
  const dir = await mkdtemp(join(tmpdir(), 'ctrb-library-'));
  for (const [id, text] of Object.entries(files)) await writeFile(join(dir, `${id}.yaml`), text);
  return RunbookLibrary.load(dir);
}

describe('the runbook library', () => {
  it('finds a runbook by its id or an alias, and suggests the runbook an alias is near', async () => {
    const lib = await library({ 'root-activity': runbook('root-activity', ['root-login']), 'key-activity': runbook('key-activity') });
    expect(lib.get('root-activity').runbook.id).toBe('root-activity');
    expect(lib.get('root-login').runbook.id).toBe('root-activity');
    expect(lib.all().map((e) => e.runbook.id)).toEqual(['key-activity', 'root-activity']);

    let error: unknown;
    try {
      lib.get('root-logins');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownRunbookError);
    expect((error as UnknownRunbookError).suggestions[0]).toBe('root-activity');
  });

  it('suggests the runbooks sharing a word with an unknown name, then near misses', async () => {
    const lib = await library({
      'console-login-without-mfa': runbook('console-login-without-mfa'),
      'console-login-unusual-source': runbook('console-login-unusual-source'),
      's3-deletions': runbook('s3-deletions'),
      's3-exposure': runbook('s3-exposure'),
      'iam-persistence': runbook('iam-persistence'),
    });
    expect(lib.suggest('login')).toEqual(['console-login-without-mfa', 'console-login-unusual-source']);
    expect(lib.suggest('s3')).toEqual(['s3-exposure', 's3-deletions']);
    expect(lib.suggest('iam-persistance')).toEqual(['iam-persistence']);
    expect(lib.suggest('xyz')).toEqual([]);
  });

  it('refuses a library where an alias is another runbook\'s id or alias, naming the file', async () => {
    const load = library({
      'root-activity': runbook('root-activity', ['root-login']),
      'root-sign-ins': runbook('root-sign-ins', ['root-login', 'root-activity']),
    });
    await expect(load).rejects.toBeInstanceOf(RunbookError);
    await expect(load).rejects.toThrow(/root-sign-ins\.yaml {2}aliases: "root-login" already names root-activity/);
    await expect(load).rejects.toThrow(/root-sign-ins\.yaml {2}aliases: "root-activity" already names root-activity/);
  });
});
