/**
 * AWS API errors and throttles, counted per service and operation (ctrb_aws_api_problems_total):
 * a middleware at the outermost step, so a call counts once, after the SDK's own retries.
 */
import { isThrottle, metrics } from '../log/metrics.js';

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

export function countingAwsErrors<C>(client: C): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        const service = (context.clientName ?? 'unknown').replace(/Client$/, '');
        metrics.awsApiProblems.inc({ service, operation: (context.commandName ?? 'unknown').replace(/Command$/, ''), kind: isThrottle(e) ? 'throttle' : 'error' });
        throw e;
      }
    },
    { step: 'initialize', name: 'ctrbCountErrors' },
  );
  return client;
}
