/**
 * A TCP port nothing listens on right now, for a process under test to take (a bot's PORT, a
 * private redis-server). Free when asked, so the caller should listen on it soon after.
 * Vitest-free: the benchmarks use it too.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
