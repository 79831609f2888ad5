/** The CloudTrail LookupEvents engine and its shared rate limiter. */
export { createLookupEngine, LookupSession, type LookupEngineOptions } from './engine.js';
export { lookupLimiterKey, memoryRateLimiter, redisRateLimiter, slotSpacingMs, SPACING_MARGIN, type RateLimiter, type RedisLimiterOptions } from './limiter.js';
export { TooManyEventsError } from './errors.js';
