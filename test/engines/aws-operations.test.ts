/**
 * The AWS operations the query engines declare (for the query role's policy) are exactly the
 * commands their code sends: a new call without a declaration, or a stale declaration, fails.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUERY_ENGINE_ACTIONS } from '../../src/query/engines/index.js';
import { PACKAGE_ROOT } from '../../src/runbook/library.js';

const SERVICE_PREFIX: Record<string, string> = { 'client-athena': 'athena', 'client-cloudtrail': 'cloudtrail' };

/** `new StartQueryExecutionCommand(` in an engine's files → `athena:StartQueryExecution`. */
function actionsSent(engine: string): string[] {
  const dir = join(PACKAGE_ROOT, 'src', 'query', 'engines', engine);
  const actions = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const service = /from '@aws-sdk\/(client-[a-z]+)'/.exec(text)?.[1];
    for (const m of text.matchAll(/new (\w+)Command\(/g)) actions.add(`${SERVICE_PREFIX[service ?? ''] ?? service}:${m[1]}`);
  }
  return [...actions].sort();
}

describe('query engine operations', () => {
  it.each(Object.entries(QUERY_ENGINE_ACTIONS))('%s declares exactly the operations it calls', (engine, declared) => {
    expect(actionsSent(engine)).toEqual([...declared].sort());
  });
});
