/**
 * The `ctrb bot` and `ctrb audit` commands, as the CLI calls them. Both read their settings
 * from the environment (docs/configuration.md).
 */
import { auditCommand, parseSince } from '../approval/index.js';
import { parseKind } from '../approval/audit-command.js';
import { ConfigError, loadConfig, loadRedisSettings } from '../config.js';
import { UsageError } from '../terminal/errors.js';
import { runBot } from './index.js';

/** `ctrb bot`: an invalid environment is one message listing every problem, and exit code 2. */
export async function botCommand(options: { runbooksDir?: string } = {}): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { role: 'bot' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  await runBot(options.runbooksDir ? { ...config, runbooksDir: options.runbooksDir } : config);
}

/**
 * `ctrb audit [--since 24h]`: the approval audit trail as JSON lines. Needs only Redis
 * (REDIS_URL, CTRB_REDIS_PREFIX), not the Slack tokens.
 */
export async function auditCliCommand(options: { since?: string; runbook?: string; user?: string; kind?: string }): Promise<void> {
  try {
    if (options.since !== undefined) parseSince(options.since, new Date());
    if (options.kind !== undefined) parseKind(options.kind);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let redis;
  try {
    redis = loadRedisSettings(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new UsageError(e.message);
  }
  const { since, runbook, user, kind } = options;
  await auditCommand(redis, { ...(since !== undefined ? { since } : {}), ...(runbook !== undefined ? { runbook } : {}), ...(user !== undefined ? { user } : {}), ...(kind !== undefined ? { kind } : {}) });
}
