/**
 * How to start one of this engine's own scripts in another thread or process (stage-worker.ts,
 * fill-process.ts): the built `.js` beside this module, or, when running from the TypeScript
 * sources (tests, a checkout without a build), the `.ts` through tsx.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface Script {
  url: URL;
  /** Node options the script needs (tsx's loader for a `.ts`). */
  execArgv: string[];
}

/** `name` without extension, in this folder. */
export function ownScript(name: string): Script {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return { url: new URL(`./${name}.js`, self), execArgv: [] };
  const tsx = createRequire(self).resolve('tsx');
  return { url: new URL(`./${name}.ts`, self), execArgv: ['--import', pathToFileURL(tsx).href] };
}
