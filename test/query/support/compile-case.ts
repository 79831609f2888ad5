/** Compile a test case for an engine, with the shared window, settings and step rows. */
import {
  athenaExecutionParameters,
  compileQuery,
  parsePortableQuery,
  parseRawQuery,
  type CompileContext,
  type CompiledQuery,
  type EngineName,
  type PortableQuery,
  type RawQuery,
} from '../../../src/query/index.js';
import { ATHENA_TIMESTAMP, DEFAULT_WINDOW, LAKE, NOW_FOR_CASES, type QueryCase } from './cases.js';

export function normalizedCase(c: QueryCase): PortableQuery | RawQuery {
  return c.raw ? parseRawQuery(c.query) : parsePortableQuery(c.query);
}

export function contextFor(c: QueryCase): CompileContext {
  const steps = c.steps;
  return {
    params: c.params ?? {},
    ...(steps ? { stepValues: (step: string, column: string) => steps[step]?.[column] } : {}),
    window: c.window ?? DEFAULT_WINDOW,
    athena: c.athena ?? ATHENA_TIMESTAMP,
    lake: LAKE,
    now: NOW_FOR_CASES,
  };
}

export function compileCase(c: QueryCase, engine: EngineName): CompiledQuery {
  return compileQuery(normalizedCase(c), engine, contextFor(c));
}

function show(v: unknown): string {
  if (v instanceof Date) return `TIMESTAMP ${v.toISOString()}`;
  return JSON.stringify(v);
}

/** The statement and its parameters, as a reviewer reads them in a golden file. */
export function renderCompiled(q: CompiledQuery): string {
  const lines = [q.text, '', `-- columns: ${q.columns.join(', ') || '(named by the statement)'}`];
  if (q.engine === 'athena') {
    const sent = athenaExecutionParameters(q.params);
    q.params.forEach((p, i) => lines.push(`-- ? #${i + 1} = ${sent[i]}  (${p.source})`));
  } else if (q.engine === 'lake') {
    q.params.forEach((p) => lines.push(`-- inlined ${p.placeholder}  (${p.source})`));
  } else if (q.engine === 'lookup') {
    lines.push(`-- attribute: ${q.lookup!.attribute ? `${q.lookup!.attribute.key}=${q.lookup!.attribute.value}` : 'none'}`);
    lines.push(`-- reason: ${q.lookup!.reason}`);
  } else {
    q.params.forEach((p) => lines.push(`-- ${p.placeholder} = ${show(p.value)}  (${p.source})`));
  }
  return lines.join('\n');
}
