/**
 * Severities as a responder scans them: a coloured circle, worst first, and a one-line count.
 * Unicode emoji rather than `:shortcodes:` so they also show in notifications and plain text.
 */
import type { Finding } from '../../model/run.js';
import type { Severity } from '../../model/severity.js';

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

const WORST_FIRST: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Findings ordered worst first, keeping the runner's order within a severity. */
export function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => WORST_FIRST.indexOf(a.severity) - WORST_FIRST.indexOf(b.severity));
}

/** `🔴 2 critical · 🟠 1 high`, or `no findings`. */
export function findingsSummary(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return WORST_FIRST.filter((s) => counts.has(s))
    .map((s) => `${SEVERITY_EMOJI[s]} ${counts.get(s)} ${s}`)
    .join(' · ');
}
