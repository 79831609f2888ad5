/**
 * `ctrb worker`: reads the configuration, starts the queue workers and runs until SIGTERM or
 * SIGINT, then stops gracefully (src/worker/start.ts) and exits 0. A second signal while
 * stopping exits at once; unfinished jobs are then taken over by other workers.
 */
import { createLogger } from '../log/logger.js';
import { ConfigError, describeConfig, loadConfig, type Config } from '../config.js';
import { startWorker } from './start.js';

export async function workerCommand(env: Record<string, string | undefined> = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env, { role: 'worker' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ name: 'ctrb-worker', level: config.logLevel });
  logger.info({ config: describeConfig(config) }, 'configuration');
  // The handlers go in before the workers start: a SIGTERM that arrives while they are still
  // starting must stop them gracefully too, not kill the process with the default action.
  const starting = startWorker(config, { logger });
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stop requested');
      starting
        .then((worker) => worker.close())
        .then(resolve, (e: unknown) => {
          logger.error({ err: (e as Error).message }, 'error while stopping');
          resolve();
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    starting.catch(reject);
  });
  // Connections that BullMQ could not close (a job left running) must not keep the process alive.
  process.exit(0);
}
