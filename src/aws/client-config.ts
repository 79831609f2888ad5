/**
 * The options every SDK client of this project is built with: region, retries with backoff,
 * the credentials for the call's account and purpose, and an explicit endpoint when one is
 * configured (otherwise the SDK's own, including `AWS_ENDPOINT_URL_<SERVICE>`).
 *
 * ```ts
 * const athena = new AthenaClient(awsClientConfig('athena', { accountId, runId, purpose: 'query' }, settings));
 * const iam = new IAMClient(awsClientConfig('iam', { accountId, runId, purpose: 'remediation' }, settings));
 * ```
 */
import { credentialsFor, type CredentialCache, type CredentialScope } from './credentials.js';
import { DEFAULT_MAX_ATTEMPTS, type AwsService, type AwsSettings, type CredentialsProvider, type RetryMode } from './settings.js';

export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: RetryMode;
  credentials?: CredentialsProvider;
  endpoint?: string;
}

export interface ClientConfigOptions {
  /** Another region than the settings' (LookupEvents in the alarm's region). */
  region?: string;
  cache?: CredentialCache;
}

export function awsClientConfig(
  service: AwsService,
  scope: CredentialScope,
  settings: AwsSettings,
  options: ClientConfigOptions = {},
): AwsClientConfig {
  const credentials = credentialsFor(scope, settings, options.cache);
  const endpoint = settings.endpoints?.[service];
  return {
    region: options.region ?? settings.region,
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: settings.retryMode ?? 'standard',
    ...(credentials ? { credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}
