/** The Amazon Athena engine over the CloudTrail table. */
export { createAthenaEngine, AthenaSession, type AthenaEngineOptions } from './engine.js';
export { AthenaQueryError } from './errors.js';
export { athenaScanCostUsd, MINIMUM_BILLED_BYTES } from './cost.js';
export { clientRequestToken } from './request-token.js';
export { parseAthenaList } from './results.js';
