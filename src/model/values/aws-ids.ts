/**
 * The forms of AWS identifiers, one definition each: parameters (src/runbook/param-types.ts),
 * remediation inputs, role maps and the sample generator all test values against these.
 * Each matches the whole value and admits no quote, space or control character, so a value
 * that passes can be shown and bound safely.
 */

/** `123456789012`. */
export const ACCOUNT_ID = /^\d{12}$/;

/** `AKIA…` (long-term) or `ASIA…` (a session's): 20 upper-case letters and digits. */
export const ACCESS_KEY_ID = /^(?:AKIA|ASIA)[A-Z0-9]{16}$/;

/** The text of a region name, unanchored, for building other patterns (ARNs). */
export const REGION_NAME =
  '[a-z]{2}(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\\d{1,2}';

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const REGION = new RegExp(`^${REGION_NAME}$`);

/**
 * Any ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. The resource part takes
 * the characters IAM and the common services use in names and paths; no quotes, spaces or
 * control characters, which no real ARN contains.
 */
export const ARN = new RegExp(
  `^arn:aws(?:-[a-z]+){0,2}:[a-z0-9-]{1,64}:(?:${REGION_NAME})?:(?:\\d{12}|aws)?:[A-Za-z0-9_+=,.@/:*-]{1,1024}$`,
);

/** An IAM user (or group member) name: 1 to 64 of letters, digits and `+ = , . @ _ -`. */
export const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;

export const isAccountId = (text: string): boolean => ACCOUNT_ID.test(text);
