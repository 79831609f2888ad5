/**
 * Where CloudTrail puts its files in S3:
 *   AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
 *     <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 random characters>.json.gz
 * The date and time are those of delivery: the end of the period the file covers.
 */
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function cloudTrailObjectKey(account: string, region: string, deliveredAt: Date, unique: string): string {
  const y = deliveredAt.getUTCFullYear();
  const mo = pad(deliveredAt.getUTCMonth() + 1);
  const d = pad(deliveredAt.getUTCDate());
  const stamp = `${y}${mo}${d}T${pad(deliveredAt.getUTCHours())}${pad(deliveredAt.getUTCMinutes())}Z`;
  // An S3 key: always forward slashes.
  return ['AWSLogs', account, 'CloudTrail', region, String(y), mo, d, `${account}_CloudTrail_${region}_${stamp}_${unique}.json.gz`].join('/');
}

/** Matches a CloudTrail object key; groups: account, region, year, month, day, stamp. */
export const CLOUDTRAIL_KEY_PATTERN =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}(?:-[a-z]+)+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$/;
