/**
 * `GET /healthz`: 200 while the bot's dependencies (Redis) answer, 503 otherwise, for container
 * health checks. In HTTP mode it is one more route of Bolt's receiver; in Socket Mode, where
 * nothing else listens, it is this small server of its own, so that a taken port is an error
 * the bot reports at start (Bolt's Socket Mode receiver leaves its server's listen error
 * unhandled, which ends the process with a stack trace).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerMetrics, answerProbe, OPS_PATHS, startOpsServer, type OpsServer } from '../log/ops-server.js';

/** The bot's routes besides /healthz: /readyz (Redis answers) and /metrics, for Bolt's HTTP receiver. */
export function opsRoutes(healthy: HealthCheck): Array<{ path: string; method: string[]; handler: (req: IncomingMessage, res: ServerResponse) => void }> {
  return [
    { path: OPS_PATHS.ready, method: ['GET'], handler: (_req, res) => answerProbe(healthy, res, 'redis unavailable') },
    { path: OPS_PATHS.metrics, method: ['GET'], handler: (_req, res) => answerMetrics(res) },
  ];
}

export const HEALTH_PATH = '/healthz';

export type HealthCheck = () => Promise<boolean>;

/** Answers one health request. */
export function answerHealth(healthy: HealthCheck, res: ServerResponse): void {
  answerProbe(healthy, res, 'redis unavailable');
}

export type HealthServer = OpsServer;

/**
 * Serves `GET /healthz`, `/readyz` (the bot is ready when Redis answers, as for /healthz) and
 * `/metrics` on `port`; anything else is 404. Rejects when the port cannot be had.
 */
export function startHealthServer(port: number, healthy: HealthCheck): Promise<HealthServer> {
  return startOpsServer(port, { healthy, ready: healthy, failure: 'redis unavailable' }, (e) => listenError(e, port));
}

/**
 * What a failed listen means to the person starting the bot: the port is named, and what to do.
 * Other errors pass through unchanged.
 */
export function listenError(e: unknown, port: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new Error(`PORT ${port} is already in use by another process: stop it, or set PORT to a free port`);
  if (code === 'EACCES') return new Error(`PORT ${port} may not be listened on by this user: set PORT to a port above 1023`);
  return e;
}
