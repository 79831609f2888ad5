import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, type ProcessRole } from '../../src/config.js';
import { BUILTIN_RUNBOOK_DIR } from '../../src/runbook/library.js';

const BOT_TOKEN = 'xoxb-1111-2222-abcdefABCDEF';
const SIGNING_SECRET = 'a'.repeat(32);
const LOGS = mkdtempSync(join(tmpdir(), 'ctrb-config-logs-'));

/** A complete environment for either role, plus overrides. */
function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, CTRB_LOGS_DIR: LOGS, ...overrides };
}

function problemsOf(vars: Record<string, string | undefined>, role: ProcessRole): string[] {
  try {
    loadConfig(vars, { role });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

function messageOf(vars: Record<string, string | undefined>, role: ProcessRole): string {
  try {
    loadConfig(vars, { role });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig: what is missing', () => {
  it('lists every missing variable the bot needs in one error', () => {
    const problems = problemsOf({}, 'bot');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SLACK_BOT_TOKEN: required/);
    expect(problems[1]).toMatch(/^SLACK_SIGNING_SECRET: required/);
    expect(messageOf({}, 'bot')).toContain('2 problems');
  });

  it('needs no signing secret in Socket Mode, and none for the worker', () => {
    const socket = loadConfig(env({ SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-A0-123-abc' }), { role: 'bot' });
    expect(socket.slack.socketMode).toBe(true);
    expect(socket.slack.signingSecret).toBeUndefined();
    expect(loadConfig(env({ SLACK_SIGNING_SECRET: undefined }), { role: 'worker' }).slack.socketMode).toBe(false);
  });

  it('requires the bot token from the worker too (it posts results)', () => {
    expect(problemsOf(env({ SLACK_BOT_TOKEN: undefined }), 'worker')).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: required/),
    ]);
  });

  it('treats a blank value as unset, as `FOO=` in an env file means', () => {
    expect(problemsOf(env({ SLACK_BOT_TOKEN: '   ' }), 'bot')).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN: required/)]);
  });

  it('requires the Athena settings and a region from a worker using Athena, not from the bot', () => {
    const problems = problemsOf(env({ CTRB_ENGINE: 'athena' }), 'worker');
    expect(problems.map((p) => p.split(':')[0])).toEqual(['CTRB_ATHENA_DATABASE', 'CTRB_ATHENA_TABLE', 'AWS_REGION']);
    expect(loadConfig(env({ CTRB_ENGINE: 'athena' }), { role: 'bot' }).engine.name).toBe('athena');
  });

  it('requires the event data store for CloudTrail Lake and keeps only its id', () => {
    expect(problemsOf(env({ CTRB_ENGINE: 'lake', AWS_REGION: 'eu-west-1' }), 'worker')).toEqual([
      expect.stringMatching(/^CTRB_LAKE_EVENT_DATA_STORE: required/),
    ]);
    const config = loadConfig(
      env({
        CTRB_ENGINE: 'lake',
        AWS_REGION: 'eu-west-1',
        CTRB_LAKE_EVENT_DATA_STORE: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE',
      }),
      { role: 'worker' },
    );
    expect(config.engine.lakeEventDataStore).toBe('EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE');
  });
});

describe('loadConfig: what is malformed', () => {
  it('names each malformed variable, all at once, in documentation order', () => {
    const problems = problemsOf(
      env({
        PORT: 'eighty',
        CTRB_ENGINE: 'athna',
        CTRB_WORKER_CONCURRENCY: '0',
        CTRB_SHUTDOWN_TIMEOUT: '30',
        LOG_LEVEL: 'verbose',
        CTRB_ATHENA_OUTPUT: 'my-bucket/results',
        CTRB_ATHENA_PARTITIONING: 'daily',
        AWS_REGION: 'US East (N. Virginia)',
      }),
      'worker',
    );
    expect(problems).toEqual([
      'PORT: "eighty" is not a TCP port from 1 to 65535',
      'CTRB_ENGINE: "athna" is not one of duckdb, athena, lake, lookup',
      'CTRB_WORKER_CONCURRENCY: "0" is not a number of jobs from 1 to 64',
      'CTRB_SHUTDOWN_TIMEOUT: "30" is not a duration such as 30s, 5m or 1h',
      'LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent',
      'CTRB_ATHENA_OUTPUT: must be an S3 location such as s3://my-athena-results/ctrb/',
      'CTRB_ATHENA_PARTITIONING: "daily" is not one of timestamp, region-year-month-day, none',
      'AWS_REGION: must be a region code such as us-east-1 or eu-central-2',
    ]);
  });

  it('names the bad entries of an id list', () => {
    const problems = problemsOf(env({ CTRB_ALARM_CHANNELS: 'C012AB3CD, #alarms', CTRB_ALARM_BOT_IDS: 'B01' }), 'bot');
    expect(problems).toEqual(['CTRB_ALARM_CHANNELS: "#alarms" is not a channel id (C… or G…, not a #name)']);
  });

  it('refuses alarm channels with no posting bot or app, and the reverse', () => {
    expect(problemsOf(env({ CTRB_ALARM_CHANNELS: 'C012AB3CD' }), 'bot')).toEqual([
      expect.stringMatching(/^CTRB_ALARM_CHANNELS: set, but neither CTRB_ALARM_BOT_IDS nor CTRB_ALARM_APP_IDS/),
    ]);
    expect(problemsOf(env({ CTRB_ALARM_APP_IDS: 'A0F7XDUAZ' }), 'bot')).toEqual([
      expect.stringMatching(/^CTRB_ALARM_CHANNELS: required when/),
    ]);
  });

  it('accepts plain http only for a local Web API (the bot token is sent there)', () => {
    expect(problemsOf(env({ SLACK_API_URL: 'http://slack-proxy.internal/api/' }), 'bot')).toEqual([
      'SLACK_API_URL: must use https:// (plain http:// is accepted only for localhost)',
    ]);
    const local = loadConfig(env({ SLACK_API_URL: 'http://127.0.0.1:4321/api' }), { role: 'bot' });
    expect(local.slack.apiUrl).toBe('http://127.0.0.1:4321/api/');
    const gov = loadConfig(env({ SLACK_API_URL: 'https://slack-gov.com/api/' }), { role: 'bot' });
    expect(gov.slack.apiUrl).toBe('https://slack-gov.com/api/');
  });

  it('reports a missing runbook or log directory', () => {
    const problems = problemsOf(env({ CTRB_RUNBOOKS: '/nonexistent/runbooks', CTRB_LOGS_DIR: '/nonexistent/logs' }), 'worker');
    expect(problems).toEqual([
      'CTRB_LOGS_DIR: /nonexistent/logs does not exist',
      'CTRB_RUNBOOKS: /nonexistent/runbooks is not a directory',
    ]);
  });
});

describe('loadConfig: secrets stay secret', () => {
  it('says what is wrong with a token without quoting it', () => {
    const vars = env({
      SLACK_BOT_TOKEN: 'xoxp-user-token-SENSITIVE1',
      SLACK_APP_TOKEN: 'xoxb-not-an-app-token-SENSITIVE2',
      SLACK_SIGNING_SECRET: 'SENSITIVE3-wrong-length',
      REDIS_URL: 'http://default:SENSITIVE4@redis.internal:6379',
    });
    const message = messageOf(vars, 'bot');
    expect(problemsOf(vars, 'bot')).toEqual([
      'SLACK_BOT_TOKEN: must start with xoxb-',
      'SLACK_SIGNING_SECRET: must be the 32-character signing secret (not the verification token)',
      'SLACK_APP_TOKEN: must start with xapp-',
      'REDIS_URL: must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    ]);
    expect(message).not.toMatch(/SENSITIVE/);
  });

  it('describes a loaded configuration for the log with the secrets masked', () => {
    const config = loadConfig(env({ REDIS_URL: 'rediss://default:hunter2@redis.internal:6380/0' }), { role: 'bot' });
    const logged = JSON.stringify(describeConfig(config));
    expect(logged).not.toContain(BOT_TOKEN);
    expect(logged).not.toContain(SIGNING_SECRET);
    expect(logged).not.toContain('hunter2');
    expect(logged).toContain('redis.internal:6380');
  });
});

describe('loadConfig: defaults', () => {
  it('fills in every default', () => {
    const config = loadConfig(env(), { role: 'worker' });
    expect(config).toMatchObject({
      role: 'worker',
      slack: { apiUrl: 'https://slack.com/api/', port: 3000, socketMode: false, botToken: BOT_TOKEN },
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'ctrb:' },
      alarms: { channels: [], botIds: [], appIds: [] },
      engine: {
        name: 'duckdb',
        logsDir: LOGS,
        bundledLogs: false,
        athena: { workgroup: 'primary', partitioning: 'timestamp' },
      },
      runbooksDir: BUILTIN_RUNBOOK_DIR,
      worker: { concurrency: 2, approvalExpirySweepMs: 30_000 },
      shutdownTimeoutMs: 30_000,
      logLevel: 'info',
    });
  });

  it('reads lists, numbers and durations', () => {
    const config = loadConfig(
      env({
        CTRB_ALARM_CHANNELS: 'C012AB3CD, G0PRIVATE1,C012AB3CD',
        CTRB_ALARM_APP_IDS: 'A0F7XDUAZ',
        PORT: '8080',
        CTRB_WORKER_CONCURRENCY: '8',
        CTRB_APPROVAL_EXPIRY_SWEEP: '1m30s',
        CTRB_SHUTDOWN_TIMEOUT: '2m',
      }),
      { role: 'bot' },
    );
    expect(config.alarms.channels).toEqual(['C012AB3CD', 'G0PRIVATE1']);
    expect(config.slack.port).toBe(8080);
    expect(config.worker).toEqual({ concurrency: 8, approvalExpirySweepMs: 90_000 });
    expect(config.shutdownTimeoutMs).toBe(120_000);
  });
});
