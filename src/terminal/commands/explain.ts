/**
 * `ctrb explain`: each step's exact statement and bound parameters, and which engine answers
 * it and why (the default engine, or another when the default cannot answer the step).
 * Nothing runs.
 */
import pc from 'picocolors';
import type { CompiledQuery } from '../../query/engine.js';
import type { BoundParam, EngineName } from '../../model/query.js';
import type { CompileSettings } from '../../query/index.js';
import { chooseEngine, NoEngineError } from '../../query/engines/choice.js';
import { RunbookLibrary } from '../../runbook/library.js';
import type { RunbookMemo } from '../../runbook/memo.js';
import { parseKeyValues, resolveParams } from '../../runbook/params.js';
import { prepareRunbook, compileStepQuery, type PreparedStep } from '../../run/prepare.js';
import type { RunContext } from '../../model/run.js';
import { windowOf } from '../../run/window.js';
import { readDerivedValues, withDerivedInput } from '../../runbook/derived.js';
import { resolveLogSource } from '../../sample/log-source.js';

export interface ExplainOptions {
  engine: EngineName;
  athenaTable?: string;
  athenaPartitioning?: 'timestamp' | 'region-year-month-day' | 'none';
  lakeEventDataStore?: string;
  now?: Date;
  /** The logs a run would read: their "now" (the sample's end on the bundled sample) is explain's, as it is run's. */
  logs?: string;
  /** Engines a step may go to besides `engine`; default: those configured in the environment. */
  available?: EngineName[];
}

/** As in a deployment: the default engine, plus Athena and Lake where their settings are given. */
export function explainAvailable(opts: ExplainOptions, env = process.env): EngineName[] {
  if (opts.available) return [opts.engine, ...opts.available];
  const out: EngineName[] = [opts.engine];
  if (opts.athenaTable ?? env.CTRB_ATHENA_TABLE) out.push('athena');
  if (opts.lakeEventDataStore ?? env.CTRB_LAKE_EVENT_DATA_STORE) out.push('lake');
  return out;
}

/** Engine settings for explain: flags, then the same environment the bot reads, then placeholders. */
export function explainSettings(opts: ExplainOptions, env = process.env): CompileSettings {
  return {
    athena: {
      table: opts.athenaTable ?? env.CTRB_ATHENA_TABLE ?? 'cloudtrail_logs',
      partitioning: opts.athenaPartitioning ?? (env.CTRB_ATHENA_PARTITIONING as 'timestamp' | undefined) ?? 'timestamp',
    },
    lake: { eventDataStore: opts.lakeEventDataStore ?? env.CTRB_LAKE_EVENT_DATA_STORE ?? 'EXAMPLE-event-data-store-id' },
  };
}

export function explainRunbook(prepared: ReturnType<typeof prepareRunbook>, ctx: Pick<RunContext, 'params' | 'window'>, opts: ExplainOptions): string {
  const c = pc.createColors(!!process.stdout.isTTY);
  const out: string[] = [`-- ${prepared.runbook.id} on ${opts.engine}, window ${ctx.window.start} → ${ctx.window.end}`, ''];
  for (const step of prepared.steps) {
    out.push(c.bold(`-- [${step.kind}] ${step.spec.id}: ${step.title}`));
    if (step.spec.when) out.push(`-- only when: ${step.spec.when}`);
    out.push(...explainStep(step, ctx, opts), '');
  }
  return out.join('\n');
}

function explainStep(step: PreparedStep, ctx: Pick<RunContext, 'params' | 'window'>, opts: ExplainOptions): string[] {
  if (step.kind === 'query' && step.query) {
    let choice;
    try {
      choice = chooseEngine(step.query, windowOf(ctx), explainAvailable(opts), opts.engine, opts.now);
    } catch (e) {
      if (e instanceof NoEngineError) return [`-- engine: none: a run skips this step (and the steps reading its rows). ${e.message}`];
      throw e;
    }
    const compiled = compileStepQuery(step, choice.engine, ctx, undefined, explainSettings(opts), opts.now);
    return [`-- engine: ${choice.engine} (${choice.reason})`, compiled.text, ...describeParams(compiled)];
  }
  if (step.kind === 'check' && 'check' in step.spec) {
    return step.spec.check.map((ch) => `-- ${ch.severity}${ch.for_each ? ` for each row of ${ch.for_each}` : ''}: when ${ch.when}`);
  }
  if (step.kind === 'remediate' && step.remediate) {
    const r = step.remediate;
    const who = r.approval.approvers.length ? r.approval.approvers.join(', ') : 'nobody (no approvers named)';
    return [
      `-- ${r.action}${r.for_each ? ` for each row of ${r.for_each}` : ''}, inputs ${JSON.stringify(r.inputs)}`,
      `-- needs ${r.approval.min_approvals} approval(s) from ${who}, expires in ${r.approval.expires_in}`,
    ];
  }
  return ['-- (note for the responder)'];
}

function describeParams(compiled: CompiledQuery): string[] {
  if (compiled.params.length === 0) return ['-- no bound parameters'];
  const bound = compiled.engine === 'lake' ? 'inlined (escaped) values' : 'bound parameters';
  return [`-- ${bound}:`, ...compiled.params.map((p) => `--   ${p.placeholder} = ${formatValue(p)}  (${p.source})`)];
}

function formatValue(p: BoundParam): string {
  const v = p.value;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export async function explainCommand(dir: string, name: string, args: string[], opts: ExplainOptions, memo?: RunbookMemo): Promise<void> {
  const library = await RunbookLibrary.load(dir, memo);
  const { runbook, file } = library.get(name);
  const prepared = prepareRunbook(runbook, file);
  // The same input and the same "now" as `ctrb run` over the same logs, so the statement
  // explained is the one a run executes.
  const input = withDerivedInput(runbook, parseKeyValues(args), readDerivedValues(process.env));
  const now = opts.now ?? resolveLogSource(opts.logs).now;
  const { params, window } = resolveParams(runbook, input, { now });
  const ctx = { params, window: { start: window.start.toISOString(), end: window.end.toISOString() } };
  process.stdout.write(`${explainRunbook(prepared, ctx, { ...opts, now })}\n`);
}
