import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_JSON_SCHEMA_FILE, runbookJsonSchemaText } from '../../src/sample/runbook-json-schema.js';

describe('schema/runbook.schema.json', () => {
  it('is what the runbook schema generates now (regenerate: npx tsx src/sample/runbook-json-schema.ts)', () => {
    expect(readFileSync(RUNBOOK_JSON_SCHEMA_FILE, 'utf8')).toBe(runbookJsonSchemaText());
  });
});
