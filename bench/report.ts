/** Shared helpers for benchmarks: timing and one aligned line per figure. */
export function seconds(startedNs: bigint): number {
  return Number(process.hrtime.bigint() - startedNs) / 1e9;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function printFigure(name: string, value: string, detail = ''): void {
  console.log(`${name.padEnd(24)} ${value.padStart(12)}  ${detail}`);
}
