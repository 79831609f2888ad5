/** The AWS settings of a process, from its configuration (handed down, never imported). */
import type { AwsCallSettings, AwsSettings } from './settings.js';

/** IAM and STS are global; without AWS_REGION their calls go through us-east-1. */
export const FALLBACK_REGION = 'us-east-1';

export function awsSettingsOf(config: { aws: AwsCallSettings; engine: { awsRegion?: string } }): AwsSettings {
  return {
    region: config.engine.awsRegion ?? FALLBACK_REGION,
    roles: { ...config.aws.roles },
    ...(config.aws.externalId ? { externalId: config.aws.externalId } : {}),
    maxAttempts: config.aws.maxAttempts,
    retryMode: config.aws.retryMode,
  };
}
