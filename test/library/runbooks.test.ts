/**
 * The runbook library: every file is a runbook the loader accepts, with the parts a
 * responder relies on, and every query, CEL expression and remediation in it is one the
 * runner can execute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePortableQuery, parseRawQuery } from '../../src/query/normalize.js';
import { checkRemediateSpec } from '../../src/remediation/catalogue.js';
import { compileChecks } from '../../src/runbook/cel.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';
import { parseRunbook } from '../../src/runbook/load.js';
import type { Runbook, StepSpec } from '../../src/runbook/schema.js';

const files = readdirSync(BUILTIN_RUNBOOK_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const REQUIRED_IDS = [
  'root-activity',
  'console-login-without-mfa',
  'console-login-unusual-source',
  'unauthorized-api-calls',
  'iam-policy-changes',
  'iam-persistence',
  'security-group-changes',
  'cloudtrail-tampering',
  's3-deletions',
  's3-exposure',
  's3-data-access',
  'kms-key-changes',
  'external-access',
  'access-key-activity',
  'principal-activity',
  'compromised-credentials',
  'lambda-changes',
  'delete-operations',
  'secrets-access',
  'instance-remote-access',
  'instance-launches',
  'organization-changes',
  'bedrock-model-access',
  'source-address-activity',
];

function load(file: string): { text: string; runbook: Runbook } {
  const text = readFileSync(join(BUILTIN_RUNBOOK_DIR, file), 'utf8');
  return { text, runbook: parseRunbook(text, file) };
}

/** Step ids that a step's query or checks refer to. */
function referencedSteps(step: StepSpec): string[] {
  const refs: string[] = [];
  if ('query' in step) {
    for (const m of JSON.stringify(step.query.where).matchAll(/\$steps\.([a-z][a-z0-9_-]*)\./g)) refs.push(m[1]!);
  }
  if ('check' in step) {
    for (const c of step.check) {
      if (c.for_each) refs.push(c.for_each);
      if (c.evidence) refs.push(c.evidence);
    }
  }
  if ('remediate' in step && step.remediate.for_each) refs.push(step.remediate.for_each);
  return refs;
}

describe('the runbook library', () => {
  it('has every runbook the project promises', () => {
    expect(files.map((f) => basename(f, '.yaml'))).toEqual(expect.arrayContaining(REQUIRED_IDS));
  });

  describe.each(files)('%s', (file) => {
    const { text, runbook } = load(file);

    it('points editors at the JSON Schema and is named after its id', () => {
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/runbook.schema.json');
      expect(runbook.id).toBe(basename(file, '.yaml'));
    });

    it('has references, a query, a check and a note for the responder', () => {
      expect(runbook.references.length).toBeGreaterThan(0);
      expect(runbook.references.some((r) => /^T\d{4}(\.\d{3})?$/.test(typeof r === 'string' ? r : r.id))).toBe(true);
      expect(runbook.steps.some((s) => 'query' in s)).toBe(true);
      expect(runbook.steps.some((s) => 'check' in s)).toBe(true);
      expect(runbook.steps.some((s) => 'note' in s)).toBe(true);
      for (const [name, spec] of Object.entries(runbook.params)) {
        expect(spec.description, `parameter ${name} needs a description`).toBeTruthy();
      }
    });

    it('has queries every engine can compile', () => {
      for (const step of runbook.steps) {
        if ('query' in step) expect(() => parsePortableQuery(step.query), step.id).not.toThrow();
        if ('raw' in step) expect(() => parseRawQuery(step.raw), step.id).not.toThrow();
      }
    });

    it('has CEL expressions that compile', () => {
      expect(() => compileChecks(runbook)).not.toThrow();
    });

    it('only refers to earlier steps and to parameters it declares', () => {
      const seen = new Set<string>();
      for (const step of runbook.steps) {
        for (const ref of referencedSteps(step)) expect(seen.has(ref), `${step.id} refers to ${ref} before it runs`).toBe(true);
        expect(seen.has(step.id), `step id ${step.id} is used twice`).toBe(false);
        seen.add(step.id);
      }
      const declared = new Set([...Object.keys(runbook.params), 'since', 'until']);
      for (const m of text.matchAll(/(?:\$|params\.)([a-z_][a-z0-9_]*)/g)) {
        if (m[1] === 'steps' || m[1] === 'schema') continue;
        expect(declared.has(m[1]!), `${m[0]} is not a parameter of ${runbook.id}`).toBe(true);
      }
    });

    it('remediates only with catalogue actions, their inputs, and an approver', () => {
      for (const step of runbook.steps) {
        if (!('remediate' in step)) continue;
        expect(checkRemediateSpec(step.remediate), step.id).toEqual([]);
        expect(step.remediate.approval.approvers.length, `${step.id} needs approvers`).toBeGreaterThan(0);
        expect(step.when, `${step.id} should only run when there is something to remediate`).toBeTruthy();
      }
    });
  });
});
