/** The CloudTrail Lake engine (for accounts that already have Lake; AWS no longer opens it to new customers). */
export { createLakeEngine, LakeSession, type LakeEngineOptions } from './engine.js';
export { LakeQueryError } from './errors.js';
export { columnKinds, parseLakeList, selectItems } from './results.js';
