/**
 * The process configuration: every environment variable the bot and the worker read, checked
 * once at start into one typed object. Everything missing or malformed is reported together in
 * one `ConfigError`, so an operator fixes the environment in one pass instead of one restart
 * per mistake. Secret values (tokens, the signing secret, a Redis URL that may hold a password)
 * never appear in a message: only the variable's name and what is expected of it.
 *
 * docs/configuration.md documents every variable; keep the two in step.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ENGINE_NAMES, type EngineName } from './model/query.js';
import { parseRoleMap, roleTemplateProblem } from './aws/roles.js';
import { RETRY_MODES, type AwsCallSettings } from './aws/settings.js';
import { ATHENA_PARTITIONINGS, type EngineSettings } from './query/engines/settings.js';
import { maskedRedisUrl, type RedisSettings } from './queue/connection.js';
import type { SlackSettings } from './slack/settings.js';
import { parseProtectedPatterns } from './remediation/protected.js';
import { parseDuration } from './model/values/duration.js';
import { BUILTIN_RUNBOOK_DIR } from './runbook/library.js';
import { BUNDLED_SAMPLE_DIR } from './sample/log-source.js';

export type ProcessRole = 'bot' | 'worker';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export interface Config {
  role: ProcessRole;
  slack: SlackSettings;
  redis: RedisSettings;
  alarms: { channels: string[]; botIds: string[]; appIds: string[] };
  engine: EngineSettings;
  /** Credentials and retries for AWS calls (see src/aws). */
  aws: AwsCallSettings;
  remediation: {
    /** Patterns of principals no remediation may restrict (src/remediation/protected.ts). */
    protectedPrincipals: string[];
  };
  runbooksDir: string;
  worker: {
    concurrency: number;
    approvalExpirySweepMs: number;
    /** Where a worker serves /healthz, /readyz and /metrics (0: any free port); absent: not served (the image sets 3001). */
    port?: number;
  };
  /** How BullMQ notices a worker that died mid-job, so another worker takes the job over. */
  queue: {
    /** A job's lock lapses this long after its worker stops renewing it. */
    lockDurationMs: number;
    /** How often workers look for jobs whose lock lapsed (stalled jobs). */
    stalledIntervalMs: number;
  };
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(readonly problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      `the configuration is not valid (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'See docs/configuration.md for every variable.',
    );
  }
}

/** Every variable, in the order problems are listed and documented. */
export const CONFIG_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_API_URL',
  'PORT',
  'REDIS_URL',
  'CTRB_REDIS_PREFIX',
  'CTRB_REDIS_CONNECT_TIMEOUT',
  'CTRB_ALARM_CHANNELS',
  'CTRB_ALARM_BOT_IDS',
  'CTRB_ALARM_APP_IDS',
  'CTRB_ENGINE',
  'CTRB_LOGS_DIR',
  'CTRB_RUNBOOKS',
  'CTRB_WORKER_CONCURRENCY',
  'CTRB_WORKER_PORT',
  'CTRB_APPROVAL_EXPIRY_SWEEP',
  'CTRB_JOB_LOCK_DURATION',
  'CTRB_STALLED_INTERVAL',
  'CTRB_SHUTDOWN_TIMEOUT',
  'LOG_LEVEL',
  'CTRB_ATHENA_WORKGROUP',
  'CTRB_ATHENA_DATABASE',
  'CTRB_ATHENA_TABLE',
  'CTRB_ATHENA_OUTPUT',
  'CTRB_ATHENA_PARTITIONING',
  'CTRB_LAKE_EVENT_DATA_STORE',
  'AWS_REGION',
  'CTRB_QUERY_ROLES',
  'CTRB_QUERY_ROLE_ARN_TEMPLATE',
  'CTRB_REMEDIATION_ROLES',
  'CTRB_REMEDIATION_ROLE_ARN_TEMPLATE',
  'CTRB_PROTECTED_PRINCIPALS',
  'CTRB_ROLE_EXTERNAL_ID',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'CTRB_QUERY_TIMEOUT',
  'CTRB_ATHENA_RESULT_REUSE',
  'CTRB_ATHENA_PRICE_PER_TB',
  'CTRB_LOOKUP_RATE',
  'CTRB_LOOKUP_MAX_EVENTS',
] as const;
type VariableName = (typeof CONFIG_VARIABLES)[number];

export interface LoadConfigOptions {
  role: ProcessRole;
}

/**
 * Reads and checks the environment for one process role. Throws `ConfigError` listing every
 * problem; the caller prints `error.message` and exits non-zero.
 */
export function loadConfig(env: Record<string, string | undefined>, options: LoadConfigOptions): Config {
  const raw = readVariables(env);
  const role = options.role;
  const socketMode = raw.SLACK_APP_TOKEN !== undefined;
  const engineChoice = ENGINE_NAMES.find((e) => e === (raw.CTRB_ENGINE ?? 'duckdb'));

  const parsed = variablesSchema({ role, socketMode, engine: engineChoice }).safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  problems.push(...crossChecks(raw, role, engineChoice));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(sortByVariable(problems));

  const v = parsed.data;
  const logsDir = v.CTRB_LOGS_DIR ?? BUNDLED_SAMPLE_DIR;
  return {
    role,
    slack: {
      botToken: v.SLACK_BOT_TOKEN,
      signingSecret: v.SLACK_SIGNING_SECRET,
      appToken: v.SLACK_APP_TOKEN,
      socketMode,
      apiUrl: v.SLACK_API_URL,
      port: v.PORT,
    },
    redis: { url: v.REDIS_URL, prefix: v.CTRB_REDIS_PREFIX, connectTimeoutMs: v.CTRB_REDIS_CONNECT_TIMEOUT },
    alarms: { channels: v.CTRB_ALARM_CHANNELS, botIds: v.CTRB_ALARM_BOT_IDS, appIds: v.CTRB_ALARM_APP_IDS },
    engine: {
      name: v.CTRB_ENGINE,
      logsDir,
      bundledLogs: v.CTRB_LOGS_DIR === undefined,
      awsRegion: v.AWS_REGION,
      athena: {
        workgroup: v.CTRB_ATHENA_WORKGROUP,
        database: v.CTRB_ATHENA_DATABASE,
        table: v.CTRB_ATHENA_TABLE,
        outputLocation: v.CTRB_ATHENA_OUTPUT,
        partitioning: v.CTRB_ATHENA_PARTITIONING,
        ...(v.CTRB_ATHENA_RESULT_REUSE !== undefined ? { resultReuseMaxAgeMinutes: v.CTRB_ATHENA_RESULT_REUSE } : {}),
        pricePerTbUsd: v.CTRB_ATHENA_PRICE_PER_TB,
      },
      lakeEventDataStore: v.CTRB_LAKE_EVENT_DATA_STORE,
      queryTimeoutMs: v.CTRB_QUERY_TIMEOUT,
      lookup: { requestsPerSecond: v.CTRB_LOOKUP_RATE, maxEvents: v.CTRB_LOOKUP_MAX_EVENTS },
    },
    aws: {
      roles: {
        query: {
          ...(v.CTRB_QUERY_ROLES ? { byAccount: v.CTRB_QUERY_ROLES } : {}),
          ...(v.CTRB_QUERY_ROLE_ARN_TEMPLATE ? { template: v.CTRB_QUERY_ROLE_ARN_TEMPLATE } : {}),
        },
        remediation: {
          ...(v.CTRB_REMEDIATION_ROLES ? { byAccount: v.CTRB_REMEDIATION_ROLES } : {}),
          ...(v.CTRB_REMEDIATION_ROLE_ARN_TEMPLATE ? { template: v.CTRB_REMEDIATION_ROLE_ARN_TEMPLATE } : {}),
        },
      },
      ...(v.CTRB_ROLE_EXTERNAL_ID ? { externalId: v.CTRB_ROLE_EXTERNAL_ID } : {}),
      maxAttempts: v.AWS_MAX_ATTEMPTS,
      retryMode: v.AWS_RETRY_MODE,
    },
    remediation: { protectedPrincipals: v.CTRB_PROTECTED_PRINCIPALS },
    runbooksDir: v.CTRB_RUNBOOKS,
    worker: {
      concurrency: v.CTRB_WORKER_CONCURRENCY,
      approvalExpirySweepMs: v.CTRB_APPROVAL_EXPIRY_SWEEP,
      ...(v.CTRB_WORKER_PORT !== undefined ? { port: v.CTRB_WORKER_PORT } : {}),
    },
    queue: {
      lockDurationMs: v.CTRB_JOB_LOCK_DURATION,
      stalledIntervalMs: v.CTRB_STALLED_INTERVAL,
    },
    shutdownTimeoutMs: v.CTRB_SHUTDOWN_TIMEOUT,
    logLevel: v.LOG_LEVEL,
  };
}

/**
 * Only the Redis settings (REDIS_URL, CTRB_REDIS_PREFIX, CTRB_REDIS_CONNECT_TIMEOUT), for
 * commands that need nothing else (`ctrb audit`). Throws `ConfigError` like loadConfig.
 */
export function loadRedisSettings(env: Record<string, string | undefined>): RedisSettings {
  const parsed = variablesSchema({ role: 'bot', socketMode: false, engine: undefined })
    .pick({ REDIS_URL: true, CTRB_REDIS_PREFIX: true, CTRB_REDIS_CONNECT_TIMEOUT: true })
    .safeParse(readVariables(env));
  if (!parsed.success) throw new ConfigError(sortByVariable(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`)));
  const v = parsed.data;
  return { url: v.REDIS_URL, prefix: v.CTRB_REDIS_PREFIX, connectTimeoutMs: v.CTRB_REDIS_CONNECT_TIMEOUT };
}

/**
 * Only what a Slack Web API call needs (SLACK_BOT_TOKEN, SLACK_API_URL), for commands that
 * look things up in the workspace (`ctrb validate --slack`). Throws `ConfigError` like loadConfig.
 */
export function loadSlackApiSettings(env: Record<string, string | undefined>): Pick<SlackSettings, 'botToken' | 'apiUrl'> {
  const parsed = variablesSchema({ role: 'bot', socketMode: false, engine: undefined })
    .pick({ SLACK_BOT_TOKEN: true, SLACK_API_URL: true })
    .safeParse(readVariables(env));
  if (!parsed.success) throw new ConfigError(sortByVariable(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`)));
  return { botToken: parsed.data.SLACK_BOT_TOKEN, apiUrl: parsed.data.SLACK_API_URL };
}

/**
 * The configuration as it may be logged at start: secrets replaced by whether they are set,
 * the Redis password masked.
 */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    slack: {
      ...config.slack,
      botToken: '[set]',
      signingSecret: config.slack.signingSecret === undefined ? '[not set]' : '[set]',
      appToken: config.slack.appToken === undefined ? '[not set]' : '[set]',
    },
    redis: { ...config.redis, url: maskedRedisUrl(config.redis.url) },
  };
}

// ---------------------------------------------------------------------------------------------

/** Trimmed values; blank counts as unset, because `FOO=` in an env file means "not given". */
function readVariables(env: Record<string, string | undefined>): Partial<Record<VariableName, string>> {
  const out: Partial<Record<VariableName, string>> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

interface SchemaContext {
  role: ProcessRole;
  socketMode: boolean;
  engine: EngineName | undefined;
}

function variablesSchema(ctx: SchemaContext) {
  const awsEngine = ctx.role === 'worker' && ctx.engine !== undefined && ctx.engine !== 'duckdb';
  const athena = ctx.role === 'worker' && ctx.engine === 'athena';
  const lake = ctx.role === 'worker' && ctx.engine === 'lake';

  return z.object({
    SLACK_BOT_TOKEN: secretToken('xoxb-', 'the bot user OAuth token from the app\'s "OAuth & Permissions" page'),
    SLACK_SIGNING_SECRET: optionalUnless(
      ctx.role === 'bot' && !ctx.socketMode,
      required('the signing secret from the app\'s "Basic Information" page; needed in HTTP mode (no SLACK_APP_TOKEN)')
        // Catches the look-alike on the same page: the deprecated 24-character verification token.
        .refine((s) => /^[0-9A-Za-z]{32}$/.test(s), {
          message: 'must be the 32-character signing secret (not the verification token)',
        }),
    ),
    SLACK_APP_TOKEN: secretToken('xapp-', 'an app-level token with connections:write, for Socket Mode').optional(),
    SLACK_API_URL: z
      .string()
      .transform((s, c) => {
        const url = parseUrl(s);
        if (!url || !['https:', 'http:'].includes(url.protocol)) {
          return fail(c, 'must be an https:// URL such as https://slack.com/api/');
        }
        // The bot token travels to this URL: plain http only to this machine (tests, a local proxy).
        if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
          return fail(c, 'must use https:// (plain http:// is accepted only for localhost)');
        }
        return url.href.endsWith('/') ? url.href : `${url.href}/`;
      })
      .default(DEFAULT_SLACK_API_URL),
    PORT: integer(1, 65_535, 'a TCP port').default(3000),
    REDIS_URL: z
      .string()
      .refine((s) => ['redis:', 'rediss:'].includes(parseUrl(s)?.protocol ?? ''), {
        // Not echoed: a Redis URL may carry a password.
        message: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
      })
      .default('redis://127.0.0.1:6379'),
    CTRB_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.{}-]{1,64}$/, {
        message: 'must be 1 to 64 letters, digits or _ : . { } -, e.g. ctrb:',
      })
      .default('ctrb:'),
    CTRB_REDIS_CONNECT_TIMEOUT: duration(1_000, '1s').default(15_000),
    CTRB_ALARM_CHANNELS: idList(/^[CG][A-Z0-9]{2,}$/, 'a channel id (C… or G…, not a #name)'),
    CTRB_ALARM_BOT_IDS: idList(/^B[A-Z0-9]{2,}$/, 'a bot id (B…)'),
    CTRB_ALARM_APP_IDS: idList(/^A[A-Z0-9]{2,}$/, 'an app id (A…)'),
    CTRB_ENGINE: oneOf(ENGINE_NAMES).default('duckdb'),
    CTRB_LOGS_DIR: z.string().transform((s) => resolve(s)).optional(),
    CTRB_RUNBOOKS: z
      .string()
      .transform((s) => resolve(s))
      .default(BUILTIN_RUNBOOK_DIR),
    CTRB_WORKER_CONCURRENCY: integer(1, 64, 'a number of jobs').default(2),
    CTRB_WORKER_PORT: integer(0, 65_535, 'a TCP port (0: any free port)').optional(),
    CTRB_APPROVAL_EXPIRY_SWEEP: duration(1_000, '1s').default(30_000),
    CTRB_JOB_LOCK_DURATION: duration(1_000, '1s').default(30_000),
    CTRB_STALLED_INTERVAL: duration(1_000, '1s').default(30_000),
    CTRB_SHUTDOWN_TIMEOUT: duration(1_000, '1s').default(30_000),
    LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
    CTRB_ATHENA_WORKGROUP: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, { message: 'must be an Athena workgroup name (letters, digits, . _ -)' })
      .default('primary'),
    CTRB_ATHENA_DATABASE: optionalUnless(athena, glueName('the Glue database that holds the CloudTrail table')),
    CTRB_ATHENA_TABLE: optionalUnless(athena, glueName('the CloudTrail table in that database')),
    // Optional even for Athena: a workgroup may enforce its own result location.
    CTRB_ATHENA_OUTPUT: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, {
        message: 'must be an S3 location such as s3://my-athena-results/ctrb/',
      })
      .optional(),
    CTRB_ATHENA_PARTITIONING: oneOf(ATHENA_PARTITIONINGS).default('timestamp'),
    CTRB_LAKE_EVENT_DATA_STORE: optionalUnless(
      lake,
      required('the CloudTrail Lake event data store (its ARN or id)').transform((s, c) => {
        const id = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/([A-Za-z0-9-]+)$/.exec(s)?.[1] ?? s;
        if (!/^[A-Za-z0-9-]{8,128}$/.test(id)) {
          return fail(c, 'must be an event data store ARN (arn:aws:cloudtrail:…:eventdatastore/ID) or its ID');
        }
        return id;
      }),
    ),
    AWS_REGION: optionalUnless(
      awsEngine,
      required(`the AWS region the ${ctx.engine ?? ''} engine queries, e.g. us-east-1`).regex(
        /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
        { message: 'must be a region code such as us-east-1 or eu-central-2' },
      ),
    ),
    CTRB_QUERY_ROLES: z
      .string()
      .transform((s, c) => {
        const { roles, problems } = parseRoleMap(s);
        if (problems.length > 0) return fail(c, problems.join('; '));
        return roles;
      })
      .optional(),
    CTRB_QUERY_ROLE_ARN_TEMPLATE: z
      .string()
      .transform((s, c) => {
        const problem = roleTemplateProblem(s);
        return problem ? fail(c, problem) : s;
      })
      .optional(),
    CTRB_REMEDIATION_ROLES: roleMap(),
    CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: roleTemplate(),
    CTRB_PROTECTED_PRINCIPALS: z
      .string()
      .transform((s, c) => {
        const { patterns, problems } = parseProtectedPatterns(s);
        return problems.length > 0 ? fail(c, problems.join('; ')) : patterns;
      })
      .default([]),
    // STS: 2 to 1224 characters of letters, digits and +=,.@:/-
    CTRB_ROLE_EXTERNAL_ID: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, { message: 'must be 2 to 1224 letters, digits or + = , . @ : / - _' })
      .optional(),
    AWS_MAX_ATTEMPTS: integer(1, 20, 'a number of attempts').default(5),
    AWS_RETRY_MODE: oneOf(RETRY_MODES).default('standard'),
    CTRB_QUERY_TIMEOUT: duration(1_000, '1s').default(600_000),
    // Athena counts result reuse age in minutes, from 1 to 7 days' worth.
    CTRB_ATHENA_RESULT_REUSE: z
      .string()
      .transform((s, c) => {
        const ms = parseDuration(s);
        if (ms === undefined) return fail(c, `"${s}" is not a duration such as 15m or 1h`);
        const minutes = Math.round(ms / 60_000);
        if (minutes < 1 || minutes > 10_080) return fail(c, 'must be from 1m to 7d');
        return minutes;
      })
      .optional(),
    CTRB_ATHENA_PRICE_PER_TB: z
      .string()
      .transform((s, c) => {
        const n = /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
        if (!Number.isFinite(n)) return fail(c, `"${s}" is not a price in USD such as 5 or 6.75`);
        return n;
      })
      .default(5),
    CTRB_LOOKUP_RATE: z
      .string()
      .transform((s, c) => {
        const n = /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
        if (!(n > 0 && n <= 2)) return fail(c, `"${s}" is not a rate above 0 and at most 2 (LookupEvents allows 2 requests per second per account and region)`);
        return n;
      })
      .default(2),
    CTRB_LOOKUP_MAX_EVENTS: integer(50, 1_000_000, 'a number of events').default(10_000),
  });
}

/** Problems that involve more than one variable, or the filesystem. */
function crossChecks(
  raw: Partial<Record<VariableName, string>>,
  role: ProcessRole,
  engine: EngineName | undefined,
): string[] {
  const problems: string[] = [];
  const sources = raw.CTRB_ALARM_BOT_IDS !== undefined || raw.CTRB_ALARM_APP_IDS !== undefined;
  // Either half alone means alarm posts are silently never investigated.
  if (raw.CTRB_ALARM_CHANNELS !== undefined && !sources) {
    problems.push(
      'CTRB_ALARM_CHANNELS: set, but neither CTRB_ALARM_BOT_IDS nor CTRB_ALARM_APP_IDS is, so no post would count as an alarm',
    );
  }
  if (raw.CTRB_ALARM_CHANNELS === undefined && sources) {
    problems.push('CTRB_ALARM_CHANNELS: required when CTRB_ALARM_BOT_IDS or CTRB_ALARM_APP_IDS is set');
  }

  // A remediation must not run with the query workers' powers, nor they with its.
  const sameRole = (a: VariableName, b: VariableName) => raw[a] !== undefined && raw[a] === raw[b];
  if (sameRole('CTRB_REMEDIATION_ROLE_ARN_TEMPLATE', 'CTRB_QUERY_ROLE_ARN_TEMPLATE') || sameRole('CTRB_REMEDIATION_ROLES', 'CTRB_QUERY_ROLES')) {
    problems.push('CTRB_REMEDIATION_ROLE_ARN_TEMPLATE: the remediation role must be another role than the query role (its own, least-privilege policy: deploy/iam/)');
  }

  const runbooks = raw.CTRB_RUNBOOKS === undefined ? BUILTIN_RUNBOOK_DIR : resolve(raw.CTRB_RUNBOOKS);
  if (!isDirectory(runbooks)) problems.push(`CTRB_RUNBOOKS: ${runbooks} is not a directory`);

  // Only the worker reads logs; the bot never runs queries.
  if (role === 'worker' && engine === 'duckdb') {
    if (raw.CTRB_LOGS_DIR !== undefined && !existsSync(resolve(raw.CTRB_LOGS_DIR))) {
      problems.push(`CTRB_LOGS_DIR: ${resolve(raw.CTRB_LOGS_DIR)} does not exist`);
    }
    if (raw.CTRB_LOGS_DIR === undefined && !existsSync(BUNDLED_SAMPLE_DIR)) {
      problems.push(`CTRB_LOGS_DIR: not set, and the bundled sample (${BUNDLED_SAMPLE_DIR}) is missing`);
    }
  }
  return problems;
}

// --- schema pieces -----------------------------------------------------------------------------

function required(purpose: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? `required: ${purpose}` : 'must be text') });
}

/** A token: the messages say what is expected and never quote the value. */
function secretToken(prefix: string, purpose: string) {
  return required(purpose)
    .refine((s) => s.startsWith(prefix), { message: `must start with ${prefix}` })
    .refine((s) => !/\s/.test(s), { message: 'must not contain spaces' });
}

/** Required when `condition`, otherwise optional; the value is checked the same way either way. */
function optionalUnless<T extends z.ZodType>(condition: boolean, schema: T) {
  return condition ? schema : schema.optional();
}

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function integer(min: number, max: number, what: string) {
  return z.string().transform((s, c) => {
    const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) return fail(c, `"${s}" is not ${what} from ${min} to ${max}`);
    return n;
  });
}

/** `30s`, `5m`, `1h30m`: the duration grammar runbooks use, in milliseconds. */
function duration(minMs: number, minText: string) {
  return z.string().transform((s, c) => {
    const ms = parseDuration(s);
    if (ms === undefined) return fail(c, `"${s}" is not a duration such as 30s, 5m or 1h`);
    if (ms < minMs) return fail(c, `must be at least ${minText}`);
    return ms;
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((s, c) => {
    const found = values.find((v) => v === s);
    if (found === undefined) return fail(c, `"${s}" is not one of ${values.join(', ')}`);
    return found as T[number];
  });
}

/** A comma-separated list of Slack ids; each bad entry is named (ids are not secret). */
function idList(pattern: RegExp, noun: string) {
  return z
    .string()
    .transform((s, c) => {
      const ids = s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      const bad = ids.filter((id) => !pattern.test(id));
      if (bad.length > 0) return fail(c, `${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not ${noun}`);
      return [...new Set(ids)];
    })
    .default([]);
}

/** `111122223333=arn:…,…` or a JSON object: account id → role ARN. */
function roleMap() {
  return z
    .string()
    .transform((s, c) => {
      const { roles, problems } = parseRoleMap(s);
      return problems.length > 0 ? fail(c, problems.join('; ')) : roles;
    })
    .optional();
}

/** A role ARN with `{account}` where the account id goes. */
function roleTemplate() {
  return z
    .string()
    .transform((s, c) => {
      const problem = roleTemplateProblem(s);
      return problem ? fail(c, problem) : s;
    })
    .optional();
}

function glueName(purpose: string) {
  return required(purpose).regex(/^[A-Za-z0-9_]{1,255}$/, {
    message: 'must be a Glue name: letters, digits and _',
  });
}

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sortByVariable(problems: string[]): string[] {
  const rank = (p: string) => {
    const at = CONFIG_VARIABLES.findIndex((name) => p.startsWith(`${name}:`));
    return at === -1 ? CONFIG_VARIABLES.length : at;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
}
