// Faults and gateway behaviour, injected by wrapping the embedded adapters' ports: the workflow,
// the activities and Temporal's retries are the product's own. A fault is judged at the server
// time of the activity attempt that calls the port, so a retry after the fault ends succeeds.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NonRetryableErrors, type NonRetryableErrorType } from '../../activities/contract';
import { TransientError, permanentFailure } from '../../activities/errors';
import type { BillingPort } from '../../activities/billing/port';
import type { EmailPort } from '../../activities/email/port';
import type { PaymentsPort } from '../../activities/payments/port';
import type { Fault, PortName } from './scenario';

/** The error each port gives when it refuses for good (`rejects`), as its real adapters do. */
const REJECTIONS: Record<PortName, Record<string, NonRetryableErrorType>> = {
  billing: {
    getAccountSnapshot: NonRetryableErrors.UnknownOrder,
    getCustomerContact: NonRetryableErrors.UnknownOrder,
    default: NonRetryableErrors.InvalidRequest,
  },
  email: { default: NonRetryableErrors.EmailRejected },
  payments: {
    createRefund: NonRetryableErrors.RefundRejected,
    getRefund: NonRetryableErrors.UnknownRefund,
    default: NonRetryableErrors.RefundRejected,
  },
};

export function rejectionType(port: PortName, operation: string): NonRetryableErrorType {
  const table = REJECTIONS[port];
  return table[operation] ?? table.default!;
}

/** Wraps every method of `target` so that a fault active at `now()` fails the call first. */
export function withFaults<T extends object>(
  port: PortName,
  target: T,
  faults: readonly Fault[],
  now: () => Date,
): T {
  const mine = faults.filter((f) => f.port === port);
  if (mine.length === 0) return target;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'close') return value;
      const operation = String(property);
      return async (...args: unknown[]) => {
        const at = now().getTime();
        const fault = mine.find(
          (f) => (f.operation === undefined || f.operation === operation) && at >= f.fromMs && at < f.toMs,
        );
        if (fault?.kind === 'unavailable')
          throw unavailable(`simulated fault: ${port} is unavailable (${operation})`, at, fault.toMs);
        if (fault?.kind === 'rejects')
          throw permanentFailure(
            rejectionType(port, operation),
            `simulated fault: ${port} rejects ${operation}`,
          );
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/**
 * The retryable error of an unavailable port. When the fault ends before the activity would give
 * up, the next attempt comes at the fault's end (as a 503 with Retry-After would ask): the same
 * outcome as Temporal's backoff, reported at the same time (docs/SIMULATION.md, "Stable times"),
 * without simulating hundreds of failing attempts. A fault that outlasts the activity's
 * schedule-to-close limit fails with the ordinary backoff, so the activity gives up when it would.
 */
function unavailable(message: string, atMs: number, endMs: number): Error {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return new TransientError(message); // not inside an activity
  }
  const givesUpAt = info.scheduleToCloseTimeoutMs
    ? info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs
    : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(endMs) || endMs >= givesUpAt) return new TransientError(message);
  return ApplicationFailure.create({
    type: 'TransientError',
    message,
    nonRetryable: false,
    nextRetryDelay: Math.max(1, endMs - atMs),
  });
}

export type FaultyPorts = { billing: BillingPort; email: EmailPort; payments: PaymentsPort };

/**
 * The gateway's behaviour: refunds are created at the sandbox gateway (pending), and unless the
 * scenario says `never`, `schedule` arranges the settlement (a server-side timer, so it happens
 * at the right simulated time even while the clock skips).
 */
export function withSettlement(
  payments: PaymentsPort,
  schedule: (refundId: string) => Promise<void>,
): PaymentsPort {
  return {
    async createRefund(request) {
      const result = await payments.createRefund(request);
      if (result.status === 'pending') await schedule(result.refundId);
      return result;
    },
    getRefund: (refundId) => payments.getRefund(refundId),
    close: () => payments.close?.() ?? Promise.resolve(),
  };
}
