/**
 * Where the cache lives and how big it may grow, from the environment:
 *
 * - `CTRB_CACHE=off` turns it off (`on`, the default, turns it on);
 * - `CTRB_CACHE_DIR` is its folder; by default `$XDG_CACHE_HOME/cloudtrail-runbooks`, or
 *   `~/.cache/cloudtrail-runbooks`;
 * - `CTRB_CACHE_MAX_SIZE` bounds it (`2GB` by default; `500MB`, `10GB`...): beyond it, the
 *   entries used longest ago are removed.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CacheSettings {
  /** The folder of the cache's files (created when first written). */
  dir: string;
  /** Size beyond which the least recently used entries are removed. */
  maxBytes: number;
}

export const DEFAULT_CACHE_MAX_SIZE = '2GB';

const ON = ['on', 'true', 'yes', '1'];
const OFF = ['off', 'false', 'no', '0'];

export class CacheSettingError extends Error {
  override name = 'CacheSettingError';
}

/** The cache the environment asks for, or null when it is turned off. */
export function cacheSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CacheSettings | null {
  const onOff = env.CTRB_CACHE?.trim().toLowerCase();
  if (onOff && OFF.includes(onOff)) return null;
  if (onOff && !ON.includes(onOff)) throw new CacheSettingError(`CTRB_CACHE=${env.CTRB_CACHE}: expected on or off`);
  return {
    dir: resolve(env.CTRB_CACHE_DIR || defaultCacheDir(env)),
    maxBytes: parseSize(env.CTRB_CACHE_MAX_SIZE ?? DEFAULT_CACHE_MAX_SIZE, 'CTRB_CACHE_MAX_SIZE'),
  };
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cloudtrail-runbooks');
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** `2GB`, `500 MB`, `1.5gb`, `1048576`: binary units (1 GB = 1024 MB). */
export function parseSize(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b)?\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase().replace('ib', 'b') ?? 'b';
  if (!match || UNITS[unit] === undefined) throw new CacheSettingError(`${name}=${text}: expected a size such as 2GB or 500MB`);
  return Math.floor(Number(match[1]) * UNITS[unit]);
}
