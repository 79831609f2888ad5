/**
 * Shared AWS plumbing for the query engines and the remediation actions.
 *
 *   awsClientConfig(service, { accountId?, runId, purpose: 'query' | 'remediation' }, settings, { region? })
 *     → options for `new AthenaClient(...)`, `new IAMClient(...)`…: region, maxAttempts,
 *       retryMode, the assumed role's credentials (when a role is configured), endpoint.
 *   credentialsFor({ accountId?, runId, purpose }, settings) → a credentials provider
 *     (STS AssumeRole with the external id and session name `ctrb-<runId>`, cached until
 *     5 minutes before expiry), or undefined when no role is configured (the SDK's chain).
 *     Throws NoRoleForAccountError when roles are configured but none covers the account.
 *   awsSettingsOf(config) → AwsSettings from the process configuration.
 *   waitForQuery / pollDelays / Clock: polling with backoff for asynchronous queries.
 */
export * from './settings.js';
export { NoRoleForAccountError, ROLE_ARN, hasRoles, parseRoleMap, roleArnFor, roleSessionName, roleTemplateProblem } from './roles.js';
export { AssumeRoleError, CredentialCache, REFRESH_BEFORE_EXPIRY_MS, credentialsFor, processCredentialCache, type CredentialScope } from './credentials.js';
export { awsClientConfig, type AwsClientConfig, type ClientConfigOptions } from './client-config.js';
export {
  DEFAULT_POLL_SCHEDULE,
  QueryTimeoutError,
  cancellationOr,
  formatDuration,
  pollDelays,
  realClock,
  simulatedClock,
  waitForQuery,
  type Clock,
  type PollSchedule,
  type WaitOptions,
  type WaitOutcome,
} from './poll.js';
export { FALLBACK_REGION, awsSettingsOf } from './from-config.js';
export { countingAwsErrors } from './metrics.js';
