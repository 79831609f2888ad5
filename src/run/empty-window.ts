/**
 * What to say when a run's window holds none of its logs' events: a run that finds nothing
 * because it looked where there are no logs must not read like a clean bill of health. The
 * hint names the span the logs do cover and the parameters that look there; each front door
 * (terminal, Slack) puts its own command in front of them.
 */
import type { EmptyWindow } from '../model/query.js';
import type { RunContext } from '../model/run.js';

export interface EmptyWindowHint {
  /** "No events in … : the logs cover … ." */
  sentence: string;
  /** The parameters of the same run over the covered span: `since=… until=…` and the others given. */
  words: string[];
}

/**
 * `given`: the parameter words the person gave besides the window (the terminal knows them);
 * by default the run's resolved parameters, lists joined with commas, empty lists left out.
 */
export function emptyWindowHint(ctx: Pick<RunContext, 'params'>, empty: EmptyWindow, given?: readonly string[]): EmptyWindowHint {
  const none = `No events in the window ${empty.window.start} → ${empty.window.end}`;
  if (!empty.covered) return { sentence: `${none}: the logs hold no events at all.`, words: [] };
  const others =
    given ??
    Object.entries(ctx.params)
      .filter(([name, value]) => name !== 'since' && name !== 'until' && !(Array.isArray(value) && value.length === 0))
      .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  return {
    sentence: `${none}: the logs cover ${empty.covered.start} → ${empty.covered.end}.`,
    words: [...others, `since=${empty.covered.start}`, `until=${empty.covered.end}`],
  };
}
