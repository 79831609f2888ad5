/**
 * One engine session shared by several runs over the same window (`ctrb sweep`): the logs are
 * loaded once for the whole library instead of once per runbook. The session is loaded with
 * the hooks given here, so their `columns` must cover every run (the union of each run's
 * columnsRead); a run that reads a field outside them is refused when it opens. It loads every
 * event of the window (no needles): any run may match any of them.
 */
import type { EngineHooks, EngineSession, QueryEngine } from '../query/engine.js';
import type { TimeWindow } from '../model/query.js';

export interface SharedEngine extends QueryEngine {
  close(): Promise<void>;
}

export function shareOneSession(engine: QueryEngine, hooks: EngineHooks = {}): SharedEngine {
  let session: Promise<EngineSession> | undefined;
  let opened: TimeWindow | undefined;
  return {
    name: engine.name,
    async open(window: TimeWindow, runHooks?: EngineHooks): Promise<EngineSession> {
      if (opened && (opened.start.getTime() !== window.start.getTime() || opened.end.getTime() !== window.end.getTime())) {
        throw new Error('a shared engine session serves one window only');
      }
      const missing = notLoaded(hooks.columns, runHooks?.columns);
      if (missing) throw new Error(`the shared engine session does not load ${missing}: give shareOneSession the columns of every run`);
      opened = window;
      const { needles: _needles, ...every } = hooks;
      session ??= engine.open(window, every);
      const real = await session;
      // Each run closes its session when it ends; the shared one stays open until close().
      return { run: (q, signal) => real.run(q, signal), close: async () => {} };
    },
    async close(): Promise<void> {
      if (session) await (await session).close();
    },
  };
}

/**
 * What a run needs that the shared session does not load, as words, or null. A field is loaded
 * when it, or the struct holding it (`userIdentity` for `userIdentity.arn`), is.
 */
function notLoaded(loaded: ReadonlySet<string> | undefined, needed: ReadonlySet<string> | undefined): string | null {
  if (!loaded) return null;
  if (!needed) return 'every field (a raw SQL step)';
  const held = (field: string): boolean => field.split('.').some((_, i, parts) => loaded.has(parts.slice(0, i + 1).join('.')));
  const missing = [...needed].filter((field) => !held(field));
  return missing.length > 0 ? missing.join(', ') : null;
}
