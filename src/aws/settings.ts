/**
 * What every AWS call of this process shares: the home region, which role to assume for an
 * account (one source for the query workers, another for the remediation workers), the
 * external id those roles' trust policies ask for, and the SDK's retry behaviour.
 *
 * Credentials never appear here except as a provider for tests and benchmarks
 * (`baseCredentials`); in a deployment the SDK's default chain supplies the worker's own
 * identity, and everything else is assumed from it.
 */

export type AwsService = 'athena' | 'cloudtrail' | 'sts' | 'iam';
export const AWS_SERVICES: readonly AwsService[] = ['athena', 'cloudtrail', 'sts', 'iam'];

/** Why credentials are wanted: query workers and remediation workers assume different roles. */
export type CredentialPurpose = 'query' | 'remediation';

export const RETRY_MODES = ['standard', 'adaptive'] as const;
export type RetryMode = (typeof RETRY_MODES)[number];

/**
 * Where the role for an account comes from, in this order: the explicit map, the ARN
 * template (`arn:aws:iam::{account}:role/ctrb-query`), the single ARN. With none of them set,
 * calls use the process's own credentials (a single-account deployment).
 */
export interface RoleSource {
  /** Account id → role ARN. */
  byAccount?: Readonly<Record<string, string>>;
  /** A role ARN with `{account}` where the account id goes. */
  template?: string;
  /** One role for every account (and for calls that name no account). */
  arn?: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The shape the SDK clients accept as `credentials`. */
export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface AwsSettings {
  /** The region clients talk to unless a call names another (LookupEvents per region). */
  region: string;
  roles: Partial<Record<CredentialPurpose, RoleSource>>;
  /** Sent with every AssumeRole, for trust policies with an `sts:ExternalId` condition. */
  externalId?: string;
  /** Lifetime asked of assumed-role sessions; default 3600 (STS's default and most roles' maximum). */
  sessionDurationSeconds?: number;
  /** Attempts per API call, the first included (SDK retries with backoff); default 5. */
  maxAttempts?: number;
  /** `standard` (exponential backoff with jitter) or `adaptive` (also slows the client down when throttled); default standard. */
  retryMode?: RetryMode;
  /**
   * Explicit endpoints per service (tests, benchmarks, VPC endpoints). Without one, the SDK's
   * own configuration applies, including `AWS_ENDPOINT_URL_<SERVICE>`.
   */
  endpoints?: Partial<Record<AwsService, string>>;
  /** The identity AssumeRole is called with; default: the SDK's credential chain. */
  baseCredentials?: AwsCredentials | CredentialsProvider;
}

/** The process-wide AWS settings the configuration gives (the region comes with the engine's). */
export interface AwsCallSettings {
  /** The role query workers assume, per account, and the separate one remediations run as. */
  roles: { query: RoleSource; remediation: RoleSource };
  externalId?: string;
  maxAttempts: number;
  retryMode: RetryMode;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_SESSION_DURATION_SECONDS = 3600;
