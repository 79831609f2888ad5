/** The AWS settings of a process, from its configuration. */
import type { Config } from '../config.js';
import type { AwsSettings } from './settings.js';

/** IAM and STS are global; without AWS_REGION their calls go through us-east-1. */
export const FALLBACK_REGION = 'us-east-1';

export function awsSettingsOf(config: Pick<Config, 'aws' | 'engine'>): AwsSettings {
  return {
    region: config.engine.awsRegion ?? FALLBACK_REGION,
    roles: { ...config.aws.roles },
    ...(config.aws.externalId ? { externalId: config.aws.externalId } : {}),
    maxAttempts: config.aws.maxAttempts,
    retryMode: config.aws.retryMode,
  };
}
