/**
 * A run's state in Redis, shared by every worker: its finished steps (what lets another
 * worker resume it at the first unfinished step), its record (status, where it reports in
 * Slack: what `/investigate status` reads), which of its results are already in Slack, and
 * which approval guards each of its gates.
 *
 * Keys, under the deployment's prefix:
 *   <prefix>run:<runId>            hash: the RunRecord (context and alarm as JSON)
 *   <prefix>run:<runId>:steps      hash: step id → StepResult JSON, one field per step
 *   <prefix>run:<runId>:reported   set: what has been posted to Slack (see src/slack/reporter.ts)
 *   <prefix>run:<runId>:posting    hash: post key → when it was sent (and the file id of an
 *                                  upload), written before the post, so a worker taking the run
 *                                  over knows which posts to look for in Slack
 *   <prefix>run:<runId>:gates      hash: step id → the approval id guarding that gate
 *   <prefix>run:<runId>:lock       string: the worker currently advancing the run
 *
 * Every write is one Redis command or script, so a step result is either stored whole or not
 * at all, and every write renews the retention of all of the run's keys together.
 */
import type { Redis } from 'ioredis';
import type { RunRecord } from '../model/run.js';
import type { RunStore } from './store.js';
import type { StepResult } from '../model/run.js';


/** How long a run stays readable after its last change (status, resume, the thread's links). */
export const RUN_RETENTION_MS = 30 * 86_400_000;

export interface RunKeys {
  record: string;
  steps: string;
  reported: string;
  posting: string;
  gates: string;
  lock: string;
}

/** A post a run was making: recorded before it is sent, settled once Slack's answer is recorded. */
export interface PostIntent {
  /** When it was sent (epoch ms). */
  at: number;
  /** For a file: the id Slack reserved for it, which the shared message carries. */
  fileId?: string;
  /** Set once Slack answered, for posts whose ts is needed later (an approval's message). */
  ts?: string;
}

export function runKeys(prefix: string, runId: string): RunKeys {
  const record = `${prefix}run:${runId}`;
  return { record, steps: `${record}:steps`, reported: `${record}:reported`, posting: `${record}:posting`, gates: `${record}:gates`, lock: `${record}:lock` };
}

/** What may change on a record after it is created; `null` removes a field. */
export interface RunRecordPatch {
  status?: RunRecord['status'];
  threadTs?: string;
  parentTs?: string;
  approvalId?: string | null;
}

/** The record half of the store: what the bot needs (create on enqueue, read for status). */
export interface RunRecordStore {
  /** Stores the record unless the run has one already; true when stored. */
  createRecord(record: RunRecord): Promise<boolean>;
  getRecord(runId: string): Promise<RunRecord | undefined>;
  /** Changes the fields given; false when the run has no record (unknown or past retention). */
  updateRecord(runId: string, patch: RunRecordPatch): Promise<boolean>;
}

export interface RedisRunStoreOptions {
  prefix: string;
  retentionMs?: number;
}

// Creates the record only if absent. KEYS: record, steps, reported, gates. ARGV: ttl, field/value pairs.
const CREATE_RECORD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1`;

// Patches an existing record. KEYS: record, steps, reported, gates. ARGV: ttl, n sets, pairs…, fields to delete…
const UPDATE_RECORD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local sets = tonumber(ARGV[2])
if sets > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + sets * 2)) end
if #ARGV > 2 + sets * 2 then redis.call('HDEL', KEYS[1], unpack(ARGV, 3 + sets * 2)) end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1`;

// Replaces a step's result only while it is a gate waiting for its decision, so a decision is
// applied once however many callers race. KEYS: steps, record, reported, gates. ARGV: step id, json, ttl.
const REPLACE_GATED_STEP = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if cjson.decode(current).status ~= 'gated' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1`;

// Moves a gate's claim from one approval to another, only if the first still holds it.
// KEYS: gates, record, steps, reported. ARGV: gate, from id, to id, ttl.
const RECLAIM_GATE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return 1`;

export class RedisRunStore implements RunStore, RunRecordStore {
  readonly prefix: string;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisRunStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.retentionMs = options.retentionMs ?? RUN_RETENTION_MS;
  }

  keys(runId: string): RunKeys {
    return runKeys(this.prefix, runId);
  }

  // --- steps (RunStore) ------------------------------------------------------------------------

  async loadSteps(runId: string): Promise<StepResult[]> {
    const stored = await this.redis.hvals(this.keys(runId).steps);
    return stored.map((json) => JSON.parse(json) as StepResult);
  }

  async saveStep(runId: string, result: StepResult): Promise<void> {
    const keys = this.keys(runId);
    await this.exec(this.redis.multi().hset(keys.steps, result.stepId, JSON.stringify(result)), keys, `storing step ${result.stepId} of run ${runId}`);
  }

  /** Replaces a gated step's result with its decided one; false when it was no longer gated. */
  async replaceGatedStep(runId: string, result: StepResult): Promise<boolean> {
    const keys = this.keys(runId);
    const replaced = await this.redis.eval(
      REPLACE_GATED_STEP,
      4,
      keys.steps,
      keys.record,
      keys.reported,
      keys.gates,
      result.stepId,
      JSON.stringify(result),
      this.retentionMs,
    );
    return replaced === 1;
  }

  // --- the record (RunRecordStore) ---------------------------------------------------------------

  async createRecord(record: RunRecord): Promise<boolean> {
    const keys = this.keys(record.context.runId);
    const fields = Object.entries(recordFields(record)).flat();
    const created = await this.redis.eval(CREATE_RECORD, 4, keys.record, keys.steps, keys.reported, keys.gates, this.retentionMs, ...fields);
    return created === 1;
  }

  getRecord(runId: string): Promise<RunRecord | undefined> {
    return getRunRecord(this.redis, this.prefix, runId);
  }

  async updateRecord(runId: string, patch: RunRecordPatch): Promise<boolean> {
    const keys = this.keys(runId);
    const sets: string[] = [];
    const deletes: string[] = [];
    for (const [field, value] of Object.entries({ ...patch, updatedAt: new Date().toISOString() })) {
      if (value === undefined) continue;
      if (value === null) deletes.push(field);
      else sets.push(field, value);
    }
    const updated = await this.redis.eval(
      UPDATE_RECORD,
      4,
      keys.record,
      keys.steps,
      keys.reported,
      keys.gates,
      this.retentionMs,
      sets.length / 2,
      ...sets,
      ...deletes,
    );
    return updated === 1;
  }

  // --- what Slack has been shown ------------------------------------------------------------------

  async reported(runId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys(runId).reported));
  }

  async markReported(runId: string, ...items: string[]): Promise<void> {
    if (items.length === 0) return;
    const keys = this.keys(runId);
    await this.exec(this.redis.multi().sadd(keys.reported, ...items).hdel(keys.posting, ...items), keys, `recording what run ${runId} reported`);
  }

  /** Records that a post is about to be sent (see PostIntent). */
  async markPosting(runId: string, item: string, intent: PostIntent): Promise<void> {
    const keys = this.keys(runId);
    await this.exec(this.redis.multi().hset(keys.posting, item, JSON.stringify(intent)), keys, `recording what run ${runId} is posting`);
  }

  /** The posts sent but not yet recorded as reported: those a crash may have left in doubt. */
  async postingIntents(runId: string): Promise<Map<string, PostIntent>> {
    const stored = await this.redis.hgetall(this.keys(runId).posting);
    return new Map(Object.entries(stored).map(([item, json]) => [item, JSON.parse(json) as PostIntent]));
  }

  // --- gates ----------------------------------------------------------------------------------------

  /** Records the approval guarding a gate; false (and nothing changes) when the gate has one. */
  async claimGate(runId: string, stepId: string, approvalId: string): Promise<boolean> {
    const keys = this.keys(runId);
    const results = await this.exec(this.redis.multi().hsetnx(keys.gates, stepId, approvalId), keys, `recording the approval of run ${runId}`);
    return results[0] === 1;
  }

  /**
   * Hands a gate from one approval (closed without effect) to a new one; false when another
   * caller moved it first, so one of several at once wins.
   */
  async reclaimGate(runId: string, stepId: string, fromApprovalId: string, toApprovalId: string): Promise<boolean> {
    const keys = this.keys(runId);
    const moved = await this.redis.eval(RECLAIM_GATE, 4, keys.gates, keys.record, keys.steps, keys.reported, stepId, fromApprovalId, toApprovalId, this.retentionMs);
    return moved === 1;
  }

  async gateApproval(runId: string, stepId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys(runId).gates, stepId)) ?? undefined;
  }

  /** Runs a MULTI with the retention renewed on all of the run's keys, surfacing command errors. */
  private async exec(multi: ReturnType<Redis['multi']>, keys: RunKeys, doing: string): Promise<unknown[]> {
    for (const key of [keys.record, keys.steps, keys.reported, keys.posting, keys.gates]) multi.pexpire(key, this.retentionMs);
    const results = await multi.exec();
    if (!results) throw new Error(`${doing}: the transaction was aborted`);
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw new Error(`${doing}: ${failed[0].message}`, { cause: failed[0] });
    return results.map(([, value]) => value);
  }
}

/** The record of a run, or undefined when the run is unknown or past its retention. */
export async function getRunRecord(redis: Redis, prefix: string, runId: string): Promise<RunRecord | undefined> {
  const hash = await redis.hgetall(runKeys(prefix, runId).record);
  if (!hash.context || !hash.status) return undefined;
  const record: RunRecord = {
    context: JSON.parse(hash.context),
    status: hash.status as RunRecord['status'],
    slack: {
      channel: hash.channel ?? '',
      ...(hash.threadTs ? { threadTs: hash.threadTs } : {}),
      ...(hash.parentTs ? { parentTs: hash.parentTs } : {}),
    },
    updatedAt: hash.updatedAt ?? '',
  };
  if (hash.approvalId) record.approvalId = hash.approvalId;
  if (hash.alarm) record.alarm = JSON.parse(hash.alarm);
  return record;
}

function recordFields(record: RunRecord): Record<string, string> {
  const fields: Record<string, string> = {
    context: JSON.stringify(record.context),
    status: record.status,
    channel: record.slack.channel,
    updatedAt: record.updatedAt,
  };
  if (record.slack.threadTs) fields.threadTs = record.slack.threadTs;
  if (record.slack.parentTs) fields.parentTs = record.slack.parentTs;
  if (record.approvalId) fields.approvalId = record.approvalId;
  if (record.alarm) fields.alarm = JSON.stringify(record.alarm);
  return fields;
}
