/**
 * The approval state machine as Redis Lua scripts.
 *
 * Redis runs a script to completion before it serves any other command, so each script's
 * read of the current state, its checks, its writes and its audit entry happen as one
 * step: two clicks can never both see `pending` with one vote to go, and a transition is
 * never without its audit entry. Each script only moves an approval out of the state it
 * checks for, which is what makes "approved" a result exactly one caller can get.
 *
 * Every script names the keys it touches in KEYS. Each returns the audit entries it
 * appended (as field/value arrays) so the caller can log exactly what was written.
 */
import type { Redis } from 'ioredis';

/** Helpers shared by the scripts. */
const PRELUDE = `
local function audit(stream, maxlen, fields)
  local args = {'XADD', stream, 'MAXLEN', '~', maxlen, '*'}
  for i = 1, #fields do args[#args + 1] = fields[i] end
  redis.call(unpack(args))
  return fields
end

-- The fields that say which approval (and run) an entry is about.
local function about(record, event, actor, at)
  local ids = redis.call('HMGET', record, 'id', 'runId', 'runbookId', 'stepId')
  return {'event', event, 'approvalId', ids[1], 'runId', ids[2], 'runbookId', ids[3],
          'stepId', ids[4], 'actor', actor, 'at', at}
end

local function with(fields, more)
  for i = 1, #more do fields[#fields + 1] = more[i] end
  return fields
end

local function retain(keys, ms)
  for i = 1, #keys do redis.call('PEXPIRE', keys[i], ms) end
end
`;

/**
 * A decision. KEYS: record, voters, decisions, by-expiry, awaiting-execution, audit.
 * ARGV: id, user, verdict, now (ms), now (ISO), deny reason, decision JSON, audit max
 * length, retention (ms).
 * Returns {outcome, refusal code or '', votes, needed, audit entries}.
 */
const DECIDE = `${PRELUDE}
local record, voters, decisions, byExpiry, awaiting, stream = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, user, verdict, nowMs, nowIso = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local reason, decisionJson, maxlen, retention = ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9])

local state = redis.call('HGET', record, 'state')
if not state then return {'refused', 'unknown_approval', 0, 0, {}} end
local needed = tonumber(redis.call('HGET', record, 'minApprovals'))
local votes = redis.call('SCARD', voters)
if state == 'expired' then return {'refused', 'expired', votes, needed, {}} end
if state ~= 'pending' then return {'refused', 'closed', votes, needed, {}} end

local function close(newState)
  redis.call('HSET', record, 'state', newState, 'closedAt', nowIso)
  redis.call('ZREM', byExpiry, id)
  retain({record, voters, decisions}, retention)
end

if nowMs >= tonumber(redis.call('HGET', record, 'expiresAtMs')) then
  close('expired')
  local entry = audit(stream, maxlen, with(about(record, 'expired', 'system', nowIso), {'state', 'expired'}))
  return {'refused', 'expired', votes, needed, {entry}}
end
-- Defence in depth: the eligibility check refuses these first, with Slack's help.
if tonumber(redis.call('HGET', record, 'approverCount')) == 0 then
  return {'refused', 'no_approvers', votes, needed, {}}
end
if redis.call('SISMEMBER', voters, user) == 1 then
  return {'refused', 'already_decided', votes, needed, {}}
end
if user == redis.call('HGET', record, 'requestedBy') and redis.call('HGET', record, 'allowSelfApproval') ~= '1' then
  return {'refused', 'self_approval', votes, needed, {}}
end

redis.call('SADD', voters, user)
redis.call('RPUSH', decisions, decisionJson)
local ttl = redis.call('PTTL', record)
if ttl > 0 then retain({voters, decisions}, ttl) end

if verdict == 'deny' then
  close('denied')
  local fields = with(about(record, 'decision', user, nowIso), {'decision', 'deny', 'state', 'denied'})
  if reason ~= '' then with(fields, {'reason', reason}) end
  return {'denied', '', votes, needed, {audit(stream, maxlen, fields)}}
end

-- Every voter so far approved: a deny ends the approval, so the set counts distinct approvers.
votes = votes + 1
local outcome, newState = 'recorded', 'pending'
if votes >= needed then
  close('approved')
  redis.call('ZADD', awaiting, nowMs, id)
  outcome, newState = 'approved', 'approved'
end
local entry = audit(stream, maxlen, with(about(record, 'decision', user, nowIso),
  {'decision', 'approve', 'votes', tostring(votes), 'needed', tostring(needed), 'state', newState}))
return {outcome, '', votes, needed, {entry}}
`;

/**
 * Expire one approval if it is still pending and due. KEYS: record, voters, decisions,
 * by-expiry, audit. ARGV: id, now (ms), now (ISO), audit max length, retention (ms).
 * Returns {1 when this call expired it else 0, audit entries}.
 */
const EXPIRE = `${PRELUDE}
local record, voters, decisions, byExpiry, stream = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, nowMs, nowIso, maxlen, retention = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5])

local state = redis.call('HGET', record, 'state')
if state == 'pending' then
  if nowMs < tonumber(redis.call('HGET', record, 'expiresAtMs')) then return {0, {}} end
  redis.call('HSET', record, 'state', 'expired', 'closedAt', nowIso)
  redis.call('ZREM', byExpiry, id)
  retain({record, voters, decisions}, retention)
  return {1, {audit(stream, maxlen, with(about(record, 'expired', 'system', nowIso), {'state', 'expired'}))}}
end
-- Decided, or gone: the index entry is stale.
redis.call('ZREM', byExpiry, id)
return {0, {}}
`;

/**
 * approved → executed | failed, once. KEYS: record, voters, decisions, awaiting-execution,
 * audit. ARGV: id, new state, now (ISO), outcome JSON, actor, audit max length, retention.
 * Returns {'ok' | the state it was in | 'unknown', audit entries}.
 */
const FINISH = `${PRELUDE}
local record, voters, decisions, awaiting, stream = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, newState, nowIso, outcomeJson, actor = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local maxlen, retention = ARGV[6], tonumber(ARGV[7])

local state = redis.call('HGET', record, 'state')
if not state then return {'unknown', {}} end
if state ~= 'approved' then return {state, {}} end
redis.call('HSET', record, 'state', newState, 'finishedAt', nowIso, 'outcome', outcomeJson)
redis.call('ZREM', awaiting, id)
retain({record, voters, decisions}, retention)
return {'ok', {audit(stream, maxlen, with(about(record, newState, actor, nowIso),
  {'state', newState, 'outcome', outcomeJson}))}}
`;

/** Record where the approval message was posted. KEYS: record. ARGV: channel, ts. */
const ATTACH_MESSAGE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'channel', ARGV[1], 'messageTs', ARGV[2])
return 1
`;

const SCRIPTS = {
  decide: { lua: DECIDE, numberOfKeys: 6 },
  expire: { lua: EXPIRE, numberOfKeys: 5 },
  finish: { lua: FINISH, numberOfKeys: 5 },
  attachMessage: { lua: ATTACH_MESSAGE, numberOfKeys: 1 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
export type ScriptRunner = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Defines the scripts on `redis` (ioredis sends EVALSHA and falls back to EVAL once after
 * a Redis restart flushed the script cache) and returns a runner for each.
 */
export function defineApprovalScripts(redis: Redis): Record<ScriptName, ScriptRunner> {
  const runners = {} as Record<ScriptName, ScriptRunner>;
  for (const [name, script] of Object.entries(SCRIPTS) as [ScriptName, (typeof SCRIPTS)[ScriptName]][]) {
    const command = `ctrbApproval_${name}`;
    redis.defineCommand(command, { lua: script.lua, numberOfKeys: script.numberOfKeys });
    runners[name] = (keys, args) => {
      if (keys.length !== script.numberOfKeys) {
        throw new Error(`approval script ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
      }
      const run = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[command];
      return run!.call(redis, ...keys, ...args);
    };
  }
  return runners;
}
