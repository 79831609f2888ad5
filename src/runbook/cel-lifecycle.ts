/**
 * How soon a bucket lifecycle configuration deletes objects, read from the
 * LifecycleConfiguration CloudTrail logs for PutBucketLifecycle (`{"Rule": {…} | [{…}]}`, each
 * rule with `Status` and `Expiration.Days` or `NoncurrentVersionExpiration.NoncurrentDays`).
 * A rule expiring objects after a day is a deletion that runs by itself, the way an intruder
 * empties a trail's bucket or a ransomware crew wipes data without a single DeleteObject.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function days(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The expiry periods, in days, of the enabled rules (current and noncurrent versions); none for other text. */
export function lifecycleExpiryDays(text: string): bigint[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(doc)) return [];
  const rules = Array.isArray(doc.Rule) ? doc.Rule : [doc.Rule];
  const out: bigint[] = [];
  for (const rule of rules) {
    if (!isObject(rule) || String(rule.Status ?? 'Enabled') !== 'Enabled') continue;
    const current = isObject(rule.Expiration) ? days(rule.Expiration.Days) : undefined;
    const noncurrent = isObject(rule.NoncurrentVersionExpiration) ? days(rule.NoncurrentVersionExpiration.NoncurrentDays) : undefined;
    for (const d of [current, noncurrent]) if (d !== undefined) out.push(BigInt(d));
  }
  return out;
}
