/**
 * What "now" means for the windows of runs the bot starts. The workers read the logs, but
 * the bot resolves `since=24h` into a window before enqueueing, so it reads the same engine
 * settings: on the bundled sample (duckdb without CTRB_LOGS_DIR) now is the sample's end, as
 * in the terminal; otherwise it is the clock.
 */
import type { Config } from '../config.js';
import { resolveLogSource } from '../sample/log-source.js';

export function runClock(engine: Pick<Config['engine'], 'name' | 'bundledLogs'>): () => Date {
  if (engine.name !== 'duckdb' || !engine.bundledLogs) return () => new Date();
  try {
    const sampleEnd = resolveLogSource(undefined).now;
    return () => new Date(sampleEnd);
  } catch {
    // No bundled sample in this install: the workers will say so; the clock is the best guess.
    return () => new Date();
  }
}
