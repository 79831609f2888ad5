/**
 * The request context the simulator is given: condition keys with a value and the type IAM
 * expects for them. A value that is not of the key's type is left out, and said so: an AWS
 * service calling on the caller's behalf records its own name as `sourceIPAddress`
 * (`s3.amazonaws.com`), which is no address, and passing it would make the simulator refuse
 * the whole request.
 */
import { isIP } from 'node:net';

export type ContextKeyType = 'string' | 'ip' | 'boolean' | 'numeric' | 'date';

const KEY_TYPES: Readonly<Record<string, ContextKeyType>> = {
  'aws:sourceip': 'ip',
  'aws:multifactorauthpresent': 'boolean',
  'aws:securetransport': 'boolean',
  'aws:viaawsservice': 'boolean',
  'aws:principalisawsservice': 'boolean',
  'aws:multifactorauthage': 'numeric',
  'aws:epochtime': 'numeric',
  'aws:currenttime': 'date',
  'aws:tokenissuetime': 'date',
};

export interface ContextValue {
  key: string;
  type: ContextKeyType;
  value: string;
}

export function contextKeyType(key: string): ContextKeyType {
  return KEY_TYPES[key.toLowerCase()] ?? 'string';
}

/** The entry for `key`, or the reason it is left out. */
export function contextValue(key: string, value: string): ContextValue | { skipped: string } {
  const type = contextKeyType(key);
  const ok =
    type === 'ip'
      ? isIP(value) !== 0
      : type === 'boolean'
        ? value === 'true' || value === 'false'
        : type === 'numeric'
          ? /^\d+(\.\d+)?$/.test(value)
          : type === 'date'
            ? !Number.isNaN(Date.parse(value))
            : true;
  return ok ? { key, type, value } : { skipped: `${key} "${value}" is not ${type === 'ip' ? 'an IP address' : `a ${type}`}, so it was not passed` };
}
