/**
 * One engine session shared by several runs over the same window (`ctrb sweep`): the logs are
 * loaded once for the whole library instead of once per runbook.
 */
import type { EngineHooks, EngineSession, QueryEngine, TimeWindow } from '../query/engine.js';

export interface SharedEngine extends QueryEngine {
  close(): Promise<void>;
}

export function shareOneSession(engine: QueryEngine, hooks: EngineHooks = {}): SharedEngine {
  let session: Promise<EngineSession> | undefined;
  let opened: TimeWindow | undefined;
  return {
    name: engine.name,
    async open(window: TimeWindow): Promise<EngineSession> {
      if (opened && (opened.start.getTime() !== window.start.getTime() || opened.end.getTime() !== window.end.getTime())) {
        throw new Error('a shared engine session serves one window only');
      }
      opened = window;
      session ??= engine.open(window, hooks);
      const real = await session;
      // Each run closes its session when it ends; the shared one stays open until close().
      return { run: (q, signal) => real.run(q, signal), close: async () => {} };
    },
    async close(): Promise<void> {
      if (session) await (await session).close();
    },
  };
}
