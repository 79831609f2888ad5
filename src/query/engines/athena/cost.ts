/**
 * What an Athena query costs: the data it scanned, rounded up to the megabyte, at least
 * 10 MB per query, at the configured price per terabyte (USD 5 in most regions). A query
 * answered from a reused result scans nothing and costs nothing.
 */
const MB = 1024 ** 2;
const TB = 1024 ** 4;
export const MINIMUM_BILLED_BYTES = 10 * MB;

export function athenaScanCostUsd(bytesScanned: number, pricePerTbUsd: number, reusedPreviousResult = false): number {
  if (reusedPreviousResult) return 0;
  const billed = Math.max(Math.ceil(Math.max(bytesScanned, 0) / MB) * MB, MINIMUM_BILLED_BYTES);
  return (billed / TB) * pricePerTbUsd;
}
