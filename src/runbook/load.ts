/**
 * Reading runbook files: YAML → schema-checked Runbook, with every problem reported as
 * `file:line:column  path: message` so an author can jump straight to it.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { runbookSchema, type Runbook } from './schema.js';
import { RunbookError, formatPath, type LoadedRunbook, type RunbookIssue } from './errors.js';

export { RunbookError, formatIssue, formatPath, type LoadedRunbook, type RunbookIssue } from './errors.js';

/** Parse and schema-check one runbook's text. Throws RunbookError listing every problem. */
export function parseRunbook(text: string, file: string): Runbook {
  const read = readRunbookYaml(text, file);
  if (!read.document) throw new RunbookError(read.issues);
  const parsed = runbookSchema.safeParse(read.document.value);
  if (!parsed.success) throw new RunbookError(schemaIssues(parsed.error.issues, read.document, file));
  return parsed.data;
}

/** A runbook file read as YAML: the document (for positions) and its plain value. */
export interface RunbookDocument {
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

/** The YAML of a runbook file, or its syntax errors with their lines. */
export function readRunbookYaml(text: string, file: string): { document?: RunbookDocument; issues: RunbookIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
        path: '',
        message: `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  return { document: { doc, lines, value: doc.toJS() }, issues: [] };
}

/**
 * zod's issues as runbook issues at their place in the file. `prefix` is where the checked
 * value sits in the document when it is not the whole runbook (one step: ['steps', 2]).
 */
export function schemaIssues(issues: readonly z.core.$ZodIssue[], document: RunbookDocument, file: string, prefix: PropertyKey[] = []): RunbookIssue[] {
  return issues.flatMap((issue) => explainIssue(issue, prefix, document.value)).map((issue) => issueAt(issue, document.doc, document.lines, file));
}

const STEP_KINDS = ['query', 'raw', 'check', 'remediate', 'note'];

/**
 * zod reports a step that fits none of the step kinds as one opaque union failure. Pick the
 * branch the author meant (the one with the fewest problems) and report its problems instead.
 */
export function explainIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[], root: unknown): z.core.$ZodIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
  const value = path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], root);
  const isStep = path.length === 2 && path[0] === 'steps';
  if (isStep && value && typeof value === 'object' && !STEP_KINDS.some((k) => k in value)) {
    return [{ ...issue, path, message: `a step needs exactly one of: ${STEP_KINDS.join(', ')}` }];
  }
  const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
  return best.flatMap((inner) => explainIssue(inner, path, root));
}

function issueAt(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): RunbookIssue {
  const pos = positionOf(doc, issue, lines);
  return { file, ...pos, path: formatPath(issue.path), message: describeIssue(issue, doc.getIn(issue.path as unknown[]) === undefined) };
}

/**
 * Where to point: an unknown key at the key itself; otherwise the deepest node along the
 * path that exists in the document (a missing field points at its parent).
 */
function positionOf(doc: Document, issue: z.core.$ZodIssue, lines: LineCounter): { line?: number; column?: number } {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const map = doc.getIn(path as unknown[], true) as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined;
    const key = map?.items?.find((pair) => pair.key?.value === issue.keys[0])?.key;
    if (key?.range) {
      const { line, col } = lines.linePos(key.range[0]);
      return { line, column: col };
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return {};
}

function describeIssue(issue: z.core.$ZodIssue, missing: boolean): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  // zod says "expected object, received undefined" of a field that is simply not there.
  if (issue.code === 'invalid_type' && missing) return `required (${issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`})`;
  return issue.message;
}

/** `steps[2].query.where.any[0]` → ['steps', 2, 'query', 'where', 'any', 0]. */
export function parsePath(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/**
 * Give issues found after parsing (query definitions, CEL) the line and column of their field
 * in the file's text, so they read like schema errors.
 */
export function locateIssues(issues: RunbookIssue[], text: string): RunbookIssue[] {
  // Parsing the file again is most of what validating a good runbook would cost.
  if (issues.every((i) => i.line)) return issues;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return issues.map((i) => {
    if (i.line) return i;
    const pos = positionOf(doc, { code: 'custom', path: parsePath(i.path), message: '', input: undefined } as z.core.$ZodIssue, lineCounter);
    return { ...i, ...pos };
  });
}

/** Read one runbook file (no memo: src/runbook/read.ts is the memoised way in). */
export async function loadRunbookFile(file: string): Promise<LoadedRunbook> {
  return runbookFromText(await readFile(file, 'utf8'), file);
}

/** One runbook file's text, parsed and checked, its id matching the file's name. Throws RunbookError. */
export function runbookFromText(text: string, file: string): LoadedRunbook {
  const runbook = parseRunbook(text, file);
  const stem = basename(file, extname(file));
  if (runbook.id !== stem) {
    throw new RunbookError([{ file, path: 'id', message: `id "${runbook.id}" must match the file name "${stem}"` }]);
  }
  return { runbook, file };
}
