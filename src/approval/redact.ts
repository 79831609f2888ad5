/**
 * Keeps credentials out of the audit stream and the logs. Remediation targets come from
 * query rows and execution results from AWS responses; either could carry a secret
 * (`SessionToken`, a `SecretAccessKey` from a rotated key) that must never be written down.
 */

/** Keys whose values are secrets whatever they look like. `AccessKeyId` is an identifier, not a secret. */
const SECRET_KEY = /secret|token|password|passwd|credential|private_?key|authorization|cookie/i;

/** Values that are secrets whatever their key: Slack tokens and PEM private keys. */
const SECRET_VALUE = /\b(?:xox[abposr]-|xapp-)[A-Za-z0-9-]+|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export const REDACTED = '[redacted]';

/** A copy of `value` with secret-looking keys and values replaced by `[redacted]`. */
export function redactSecrets<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? REDACTED : redact(v)]),
    );
  }
  return value;
}
