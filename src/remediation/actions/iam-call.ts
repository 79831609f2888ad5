/** An IAM API call as a plan lists it: the operation and its exact request parameters. */
import type { ApiCall } from '../../run/types.js';

export function iamCall(operation: string, params: Record<string, unknown>): ApiCall {
  return { service: 'iam', operation, params };
}
