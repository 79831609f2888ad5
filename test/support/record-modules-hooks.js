// The loader-thread half of record-modules.js: each resolved ES module's URL, as it resolves.
import { appendFileSync } from 'node:fs';

let out;

export async function initialize(data) {
  out = data.out;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(out, `${resolved.url}\n`);
  return resolved;
}
