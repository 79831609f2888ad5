/** `ctrb list`, `ctrb show`, `ctrb schema`: reading the library. */
import { writeFile } from 'node:fs/promises';
import pc from 'picocolors';
import Table from 'cli-table3';
import { RunbookLibrary } from '../../runbook/library.js';
import { WINDOW_PARAMS } from '../../runbook/window-params.js';
import type { Runbook, StepSpec } from '../../runbook/schema.js';
import type { RunbookMemo } from '../../runbook/memo.js';
import { numberRange } from '../../runbook/param-types.js';

export async function listCommand(dir: string, opts: { json?: boolean }, memo?: RunbookMemo): Promise<void> {
  const library = await RunbookLibrary.load(dir, memo);
  const runbooks = library.all().map((l) => l.runbook);
  if (opts.json) {
    const rows = runbooks.map((r) => ({ id: r.id, title: r.title, severity: r.severity, alarms: r.triggers.alarms }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const table = new Table({ head: ['runbook', 'severity', 'title'], style: { head: [], border: [] } });
  for (const r of runbooks) table.push([r.id, r.severity, r.title]);
  process.stdout.write(`${table.toString()}\n`);
}

export function stepKind(step: StepSpec): 'query' | 'raw' | 'check' | 'remediate' | 'verify_access' | 'note' {
  if ('query' in step) return 'query';
  if ('raw' in step) return 'raw';
  if ('check' in step) return 'check';
  if ('remediate' in step) return 'remediate';
  if ('verify_access' in step) return 'verify_access';
  return 'note';
}

export function describeRunbook(r: Runbook, color = false): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  lines.push(c.bold(`${r.id}: ${r.title}`), `severity: ${r.severity}`);
  if (r.aliases.length > 0) lines.push(`also answers to: ${r.aliases.join(', ')}`);
  lines.push('', r.summary.trim(), '');
  if (r.references.length) {
    lines.push(c.bold('references'));
    for (const ref of r.references) {
      lines.push(typeof ref === 'string' ? `  ${ref}` : `  ${ref.id}${ref.title ? ` ${ref.title}` : ''}${ref.url ? ` <${ref.url}>` : ''}`);
    }
    lines.push('');
  }
  lines.push(c.bold('parameters'));
  for (const [name, p] of Object.entries(r.params)) {
    const type = p.type === 'enum' ? `enum(${p.values?.join('|')})` : p.type === 'number' ? `number (${numberRange(p)})` : p.type;
    const flags = [p.list ? 'list' : '', p.required ? 'required' : '', p.default !== undefined ? `default ${formatDefault(p.default)}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${name}: ${type}${flags ? ` (${flags})` : ''}${p.description ? ` — ${p.description}` : ''}`);
  }
  lines.push(`  since: duration or time (default ${r.window.default}) — ${WINDOW_PARAMS.since.description}`);
  lines.push(`  until: time (default now) — ${WINDOW_PARAMS.until.description}`, '');
  if (r.triggers.alarms.length) lines.push(c.bold('alarm triggers'), ...r.triggers.alarms.map((a) => `  ${a}`), '');
  lines.push(c.bold('steps'));
  r.steps.forEach((s, i) => {
    const kind = stepKind(s);
    const extra = kind === 'remediate' && 'remediate' in s ? ` ${s.remediate.action} (needs approval)` : '';
    lines.push(`  ${i + 1}. [${kind}] ${s.id}${s.title ? `: ${s.title}` : ''}${extra}`);
  });
  return lines.join('\n');
}

function formatDefault(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

export async function showCommand(dir: string, name: string, memo?: RunbookMemo): Promise<void> {
  const library = await RunbookLibrary.load(dir, memo);
  const { runbook, file } = library.get(name);
  process.stdout.write(`${describeRunbook(runbook, !!process.stdout.isTTY)}\n\nfile: ${file}\n`);
}

export async function schemaCommand(opts: { out?: string }): Promise<void> {
  // The schema module (zod and every query definition) is loaded only here: list and show do without it.
  const { runbookJsonSchema } = await import('../../runbook/schema.js');
  const text = `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`;
  if (opts.out) await writeFile(opts.out, text);
  else process.stdout.write(text);
}
