/**
 * The JSON Schema editors use to validate runbooks as they are typed
 * (`# yaml-language-server: $schema=../schema/runbook.schema.json` at the top of each
 * file). Generated from the zod schema so the two cannot disagree; a test fails when the
 * checked-in file is stale. Regenerate with `npx tsx src/sample/runbook-json-schema.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../runbook/library.js';
import { runbookJsonSchema } from '../runbook/schema.js';

export const RUNBOOK_JSON_SCHEMA_FILE = join(PACKAGE_ROOT, 'schema', 'runbook.schema.json');

export function runbookJsonSchemaText(): string {
  return JSON.stringify(runbookJsonSchema(), null, 2) + '\n';
}

export async function writeRunbookJsonSchema(file = RUNBOOK_JSON_SCHEMA_FILE): Promise<void> {
  await writeFile(file, runbookJsonSchemaText());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeRunbookJsonSchema();
  console.log(`wrote ${RUNBOOK_JSON_SCHEMA_FILE}`);
}
