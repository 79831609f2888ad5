/**
 * Credentials for a run's calls in one account: STS AssumeRole on the role configured for
 * the account and purpose, with the external id, a session name carrying the run id, and the
 * result kept until shortly before it expires, so the steps of a run (and the runs of a
 * worker) do not call STS once per request.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { roleArnFor, roleSessionName } from './roles.js';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_SESSION_DURATION_SECONDS,
  type AwsCredentials,
  type AwsSettings,
  type CredentialPurpose,
  type CredentialsProvider,
} from './settings.js';

export interface CredentialScope {
  /** The account the calls are about; undefined in a single-account deployment. */
  accountId?: string;
  /** Carried in the session name, so CloudTrail ties every call to its run. */
  runId: string;
  purpose: CredentialPurpose;
}

/** Assumed credentials are renewed this long before they expire (long queries, slow pages). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

interface CachedCredentials {
  value: Promise<AwsCredentials>;
  /** Set once the call answered; until then concurrent askers share the pending call. */
  expiresAt?: number;
}

/** Assumed-role credentials by role, external id and session name, for this process. */
export class CredentialCache {
  private readonly entries = new Map<string, CachedCredentials>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string, fetch: () => Promise<AwsCredentials>): Promise<AwsCredentials> {
    this.dropExpired();
    const cached = this.entries.get(key);
    if (cached) return cached.value;
    const entry: CachedCredentials = {
      value: fetch().then(
        (credentials) => {
          entry.expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
          return credentials;
        },
        (error: unknown) => {
          // A refused or failed AssumeRole is not remembered: the next call asks again.
          this.entries.delete(key);
          throw error;
        },
      ),
    };
    this.entries.set(key, entry);
    return entry.value;
  }

  get size(): number {
    this.dropExpired();
    return this.entries.size;
  }

  private dropExpired(): void {
    const horizon = this.now() + REFRESH_BEFORE_EXPIRY_MS;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= horizon) this.entries.delete(key);
    }
  }
}

/** The process-wide cache `credentialsFor` uses unless given another. */
export const processCredentialCache = new CredentialCache();

/**
 * The credentials an SDK client should use for calls in `scope`: a provider that assumes
 * the configured role (cached until near expiry), or undefined when no role is configured,
 * in which case the client uses the process's own credentials chain.
 *
 * Throws NoRoleForAccountError when roles are configured but none covers the account.
 */
export function credentialsFor(
  scope: CredentialScope,
  settings: AwsSettings,
  cache: CredentialCache = processCredentialCache,
): CredentialsProvider | undefined {
  const roleArn = roleArnFor(scope.accountId, settings.roles[scope.purpose], scope.purpose);
  if (!roleArn) return baseProvider(settings);
  const sessionName = roleSessionName(scope.runId);
  const key = [roleArn, settings.externalId ?? '', sessionName].join('\n');
  return () => cache.get(key, () => assumeRole(roleArn, sessionName, settings));
}

function baseProvider(settings: AwsSettings): CredentialsProvider | undefined {
  const base = settings.baseCredentials;
  if (base === undefined || typeof base === 'function') return base;
  return async () => base;
}

async function assumeRole(roleArn: string, sessionName: string, settings: AwsSettings): Promise<AwsCredentials> {
  const sts = new STSClient({
    region: settings.region,
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: settings.retryMode ?? 'standard',
    ...(settings.endpoints?.sts ? { endpoint: settings.endpoints.sts } : {}),
    ...(settings.baseCredentials ? { credentials: baseProvider(settings) } : {}),
  });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        DurationSeconds: settings.sessionDurationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS,
        ...(settings.externalId ? { ExternalId: settings.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS AssumeRole on ${roleArn} answered without credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  } catch (error) {
    // The role and the reason, never the credentials used to ask.
    const reason = error instanceof Error ? error.message : String(error);
    throw new AssumeRoleError(roleArn, reason, error);
  } finally {
    sts.destroy();
  }
}

export class AssumeRoleError extends Error {
  override name = 'AssumeRoleError';
  constructor(
    readonly roleArn: string,
    reason: string,
    cause: unknown,
  ) {
    super(`could not assume ${roleArn}: ${reason}`, { cause });
  }
}
