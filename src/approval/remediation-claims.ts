/**
 * The per-field claims of remediations on one target (remediation/claims.ts), kept in Redis:
 * one hash per (account, action, target) with, per field, the value before the first holder
 * (`original:<field>`) and the approvals holding it (`holders:<field>`, JSON). Claiming and
 * releasing are Lua scripts, so two workers finishing remediations of the same user at once
 * cannot lose each other's claim.
 */
import type { Redis } from 'ioredis';
import type { FieldHolder, FieldStanding, TargetClaims, TargetState } from '../remediation/index.js';
import { targetKey } from '../remediation/index.js';

/** As long as the approval records an undo reads (30 days), and a day more. */
const RETENTION_SECONDS = 31 * 86_400;

// ARGV: holder id, holder JSON, retention, then (field, changed 1|0, before JSON) triples.
// Returns JSON: field → the other holders.
const CLAIM = `
local id, holder, ttl = ARGV[1], cjson.decode(ARGV[2]), tonumber(ARGV[3])
local result = {}
for i = 4, #ARGV, 3 do
  local field, changed, before = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local raw = redis.call('HGET', KEYS[1], 'holders:' .. field)
  local holders = raw and cjson.decode(raw) or {}
  local others, mine = {}, false
  for _, h in ipairs(holders) do
    if h.approvalId == id then mine = true else others[#others + 1] = h end
  end
  if changed == '1' or #others > 0 then
    if not mine then holders[#holders + 1] = holder end
    redis.call('HSETNX', KEYS[1], 'original:' .. field, before)
    redis.call('HSET', KEYS[1], 'holders:' .. field, cjson.encode(holders))
  end
  if #others > 0 then result[field] = others end
end
redis.call('EXPIRE', KEYS[1], ttl)
return cjson.encode(result)
`;

// ARGV: holder id, then fields. A field nobody holds any more is forgotten.
const RELEASE = `
local id = ARGV[1]
for i = 2, #ARGV do
  local field = ARGV[i]
  local raw = redis.call('HGET', KEYS[1], 'holders:' .. field)
  if raw then
    local kept = {}
    for _, h in ipairs(cjson.decode(raw)) do
      if h.approvalId ~= id then kept[#kept + 1] = h end
    end
    if #kept == 0 then
      redis.call('HDEL', KEYS[1], 'holders:' .. field, 'original:' .. field)
    else
      redis.call('HSET', KEYS[1], 'holders:' .. field, cjson.encode(kept))
    end
  end
end
return 1
`;

/** The claims of one approval's remediation (its undo acts as the same holder). */
export function remediationClaims(redis: Redis, prefix: string, holder: FieldHolder, accountId: string | undefined): TargetClaims {
  const keyOf = (action: string, target: Record<string, string>) => `${prefix}remediation-claims:${accountId ?? 'run-account'}:${action}:${targetKey(target)}`;
  return {
    async claim(action, target, fields) {
      if (fields.length === 0) return {};
      const args = fields.flatMap((f) => [f.field, f.changed ? '1' : '0', JSON.stringify(f.before)]);
      const raw = (await redis.eval(CLAIM, 1, keyOf(action, target), holder.approvalId, JSON.stringify(holder), RETENTION_SECONDS, ...args)) as string;
      return decodeHolders(raw);
    },
    async standing(action, target, fields) {
      const out: Record<string, FieldStanding> = {};
      if (fields.length === 0) return out;
      const values = await redis.hmget(keyOf(action, target), ...fields.flatMap((f) => [`holders:${f}`, `original:${f}`]));
      fields.forEach((field, i) => {
        const holders = values[2 * i];
        const original = values[2 * i + 1];
        if (holders === null || holders === undefined) return;
        out[field] = {
          others: listOf(JSON.parse(holders)).filter((h) => h.approvalId !== holder.approvalId),
          ...(original !== null && original !== undefined ? { original: JSON.parse(original) as TargetState[string] } : {}),
        };
      });
      return out;
    },
    async release(action, target, fields) {
      if (fields.length === 0) return;
      await redis.eval(RELEASE, 1, keyOf(action, target), holder.approvalId, ...fields);
    },
  };
}

/** Lua's cjson writes an empty table as `{}`: a list either way. */
function listOf(value: unknown): FieldHolder[] {
  return Array.isArray(value) ? (value as FieldHolder[]) : [];
}

function decodeHolders(raw: string): Record<string, FieldHolder[]> {
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([field, holders]) => [field, listOf(holders)]));
}
