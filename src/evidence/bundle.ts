/**
 * The evidence bundle of a run: what a responder hands to the incident's record, and what
 * shows later that nothing was changed since.
 *
 *   run.json            runbook, who started it, how, the parameters and the window
 *   steps/NN-<id>.csv   each query step's rows (text cells that a spreadsheet would run as a
 *   steps/NN-<id>.json  formula are prefixed with ', as in the Slack CSVs); the same rows as JSON
 *   findings.json       every finding, with the events behind it
 *   plans.json          each remediation's plan, and how its gate was decided
 *   manifest.json       every file above with its SHA-256, size and row count
 *
 * The manifest's own SHA-256 is the one value the audit stream keeps (chain of custody): it
 * fixes every file's hash, so one line in the audit trail vouches for the whole bundle.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { zipSync } from 'fflate';
import type { CellValue, Row } from '../model/query.js';
import type { RunResult } from '../model/run.js';

export interface EvidenceFile {
  path: string;
  content: Buffer;
  /** Rows, for the step files. */
  rows?: number;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
  rows?: number;
}

export interface EvidenceManifest {
  runId: string;
  runbookId: string;
  createdAt: string;
  files: ManifestEntry[];
}

export interface EvidenceBundle {
  /** Every file, manifest.json last. */
  files: EvidenceFile[];
  manifest: EvidenceManifest;
  /** SHA-256 of manifest.json as written: what the audit stream records. */
  manifestSha256: string;
}

export const MANIFEST_FILE = 'manifest.json';

export interface EvidenceInput {
  result: Pick<RunResult, 'context' | 'status' | 'steps' | 'findings'>;
  runbookTitle: string;
  /** When the bundle is made (a clock passed in, so a test can fix it). */
  now: Date;
}

export function buildEvidence(input: EvidenceInput): EvidenceBundle {
  const { result } = input;
  const ctx = result.context;
  const files: EvidenceFile[] = [];
  const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

  files.push({
    path: 'run.json',
    content: json({
      runId: ctx.runId,
      runbookId: ctx.runbookId,
      runbookTitle: input.runbookTitle,
      requestedBy: ctx.requestedBy,
      source: ctx.source,
      params: ctx.params,
      window: ctx.window,
      status: result.status,
      steps: result.steps.map((s) => ({ stepId: s.stepId, title: s.title, kind: s.kind, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, ...(s.reason ? { reason: s.reason } : {}) })),
    }),
  });
  result.steps.forEach((step, i) => {
    if (!step.query) return;
    const base = `steps/${String(i + 1).padStart(2, '0')}-${step.stepId}`;
    const { columns, rows } = step.query;
    files.push({ path: `${base}.csv`, content: Buffer.from(rowsCsv(columns, rows), 'utf8'), rows: rows.length });
    files.push({
      path: `${base}.json`,
      content: json({ stepId: step.stepId, title: step.title, engine: step.query.engine, statement: step.query.statement, params: step.query.params, columns, rows }),
      rows: rows.length,
    });
  });
  files.push({ path: 'findings.json', content: json(result.findings), rows: result.findings.length });
  const plans = result.steps
    .filter((s) => s.plan)
    .map((s) => ({ stepId: s.stepId, title: s.title, status: s.status, plan: s.plan, ...(s.decision ? { decision: s.decision } : {}), ...(s.reason ? { reason: s.reason } : {}) }));
  files.push({ path: 'plans.json', content: json(plans), rows: plans.length });

  const manifest: EvidenceManifest = {
    runId: ctx.runId,
    runbookId: ctx.runbookId,
    createdAt: input.now.toISOString(),
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.content), bytes: f.content.length, ...(f.rows !== undefined ? { rows: f.rows } : {}) })),
  };
  const manifestBytes = json(manifest);
  files.push({ path: MANIFEST_FILE, content: manifestBytes });
  return { files, manifest, manifestSha256: sha256(manifestBytes) };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A query's rows as CSV; text a spreadsheet would run as a formula is neutralized with a leading '. */
export function rowsCsv(columns: readonly string[], rows: readonly Row[]): string {
  const records = rows.map((row) => columns.map((c) => csvCell(row[c])));
  return stringify(records, { header: true, columns: [...columns], eof: true });
}

function csvCell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Refuses a folder that already holds files, before anything is run: evidence is never mixed
 * with, nor written over, what is already there.
 */
export async function checkEvidenceDir(dir: string): Promise<string | undefined> {
  try {
    const entries = await readdir(dir);
    return entries.length > 0 ? `--evidence ${dir} is not empty: name a new or empty folder, so the bundle holds only this run's files` : undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return `--evidence ${dir} is a file, not a folder`;
    throw e;
  }
}

export async function writeEvidenceDir(dir: string, bundle: EvidenceBundle): Promise<void> {
  for (const file of bundle.files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
}

/** The bundle as one zip (for Slack), its files under a folder named after the run. */
export function zipEvidence(bundle: EvidenceBundle): Buffer {
  const folder = `evidence-${bundle.manifest.runbookId}-${bundle.manifest.runId}`;
  const entries = Object.fromEntries(bundle.files.map((f) => [`${folder}/${f.path}`, new Uint8Array(f.content)]));
  return Buffer.from(zipSync(entries, { level: 6, mtime: new Date(bundle.manifest.createdAt) }));
}
