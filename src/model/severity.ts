/** How bad a finding is, from least to worst (the order --fail-on and the sweeps compare by). */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
