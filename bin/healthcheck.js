#!/usr/bin/env node
// The container health check: GET /readyz on this container's own process, exit 0 when it
// answers 200. The port: the first argument, else CTRB_WORKER_PORT for a worker (set in the
// image), else PORT (the bot), else 3000. No shell or curl needed in the image.
import process from 'node:process';
const role = process.argv.includes('worker') ? 'worker' : 'bot';
const port = process.argv.find((a) => /^\d+$/.test(a)) ?? (role === 'worker' ? process.env.CTRB_WORKER_PORT : process.env.PORT) ?? '3000';
globalThis
  .fetch(`http://127.0.0.1:${port}/readyz`, { signal: globalThis.AbortSignal.timeout(4000) })
  .then((res) => process.exit(res.status === 200 ? 0 : 1))
  .catch(() => process.exit(1));
