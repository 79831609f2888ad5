/**
 * The operations endpoints every process serves, for container health checks and Prometheus:
 *
 *   GET /healthz   200 while the process is alive and its dependencies answer (`healthy`)
 *   GET /readyz    200 while it can do its work (`ready`: Redis reachable, and for a worker,
 *                  consuming its queues), 503 otherwise
 *   GET /metrics   Prometheus text (metrics.ts)
 *
 * The bot adds these routes to its Slack receiver (or serves them here in Socket Mode); the
 * worker serves them here on CTRB_WORKER_PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsText } from './metrics.js';

export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

export type Probe = () => Promise<boolean>;

export interface OpsProbes {
  healthy: Probe;
  ready: Probe;
  /** What a failed probe answers (`unhealthy` / `not ready` unless given, e.g. `redis unavailable`). */
  failure?: string;
}

/** Answers a probe: 200 `ok`, or 503 with what is wrong. */
export function answerProbe(probe: Probe, res: ServerResponse, failure: string): void {
  const reply = (ok: boolean): void => {
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : `${failure}\n`);
  };
  probe().then(reply, () => reply(false));
}

export function answerMetrics(res: ServerResponse): void {
  metricsText().then(
    ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
    (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${(e as Error).message}\n`),
  );
}

/** Routes one request; false when the path is not an operations path. */
export function answerOps(req: IncomingMessage, res: ServerResponse, probes: OpsProbes): boolean {
  if (req.method !== 'GET') return false;
  switch (req.url?.split('?')[0]) {
    case OPS_PATHS.health:
      answerProbe(probes.healthy, res, probes.failure ?? 'unhealthy');
      return true;
    case OPS_PATHS.ready:
      answerProbe(probes.ready, res, probes.failure ?? 'not ready');
      return true;
    case OPS_PATHS.metrics:
      answerMetrics(res);
      return true;
    default:
      return false;
  }
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves only the operations paths on `port` (0: any free port); anything else is 404.
 * `explainListenError` turns a failed listen into what the person starting the process should do.
 */
export async function startOpsServer(port: number, probes: OpsProbes, explainListenError: (e: unknown) => unknown = (e) => workerListenError(e, port)): Promise<OpsServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!answerOps(req, res, probes)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(explainListenError(e)));
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections of a health checker would otherwise hold the close open.
        server.closeAllConnections();
      }),
  };
}

function workerListenError(e: unknown, port: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' ? new Error(`port ${port} is already in use by another process: stop it, or choose a free port`) : e;
}
