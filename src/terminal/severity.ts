import type { Severity } from '../model/severity.js';

/** For "this severity or worse" comparisons. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
