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
  /** Told of an instant the wrapper sets a fixed delay after an observed one, for stable reporting. */
  delayed: (afterMs: number, delayMs: number) => void = () => undefined,
): T {
  const mine = faults.filter((f) => f.port === port);
  if (mine.length === 0) return target;
  const firstAttempts = new Map<string, number>();
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
          throw unavailable(
            `simulated fault: ${port} is unavailable (${operation})`,
            at,
            fault.toMs,
            firstAttempts,
            delayed,
          );
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

/** How long before an activity's schedule-to-close limit its last attempt runs during a long fault. */
export const LAST_ATTEMPT_BEFORE_LIMIT_MS = 5_000;

/**
 * The retryable error of an unavailable port, with the time of the next attempt chosen rather
 * than left to hundreds of backoff steps (whose real-time drift would make results differ run to
 * run): when the fault ends before the activity would give up, the next attempt comes at the
 * fault's end (as a 503 with Retry-After asks); when it outlasts the activity's schedule-to-close
 * limit, the last attempt comes 5 s before the limit and asks for a retry past it, so Temporal
 * gives up then (docs/SIMULATION.md, "Faults"). `firstAttempts` remembers when each activity
 * first ran: the limit counts from there.
 */
function unavailable(
  message: string,
  atMs: number,
  endMs: number,
  firstAttempts: Map<string, number>,
  delayed: (afterMs: number, delayMs: number) => void,
): Error {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return new TransientError(message); // not inside an activity
  }
  // A local activity retries in the worker within seconds of real time, then the case's own
  // durable retries take over: nothing to steer.
  if (info.isLocal) return new TransientError(message);
  const key = `${info.workflowExecution?.workflowId}/${info.activityId}`;
  if (info.attempt === 1) firstAttempts.set(key, atMs);
  const firstAt = firstAttempts.get(key);
  if (firstAt === undefined) return new TransientError(message);
  const limitAt = info.scheduleToCloseTimeoutMs
    ? firstAt + info.scheduleToCloseTimeoutMs
    : Number.POSITIVE_INFINITY;
  if (endMs < limitAt) return retryIn(message, endMs - atMs);
  if (!Number.isFinite(limitAt)) return new TransientError(message);
  const lastAttemptAt = limitAt - LAST_ATTEMPT_BEFORE_LIMIT_MS;
  if (atMs < lastAttemptAt) delayed(firstAt, lastAttemptAt - firstAt);
  return retryIn(message, atMs < lastAttemptAt ? lastAttemptAt - atMs : limitAt - atMs + 1_000);
}

function retryIn(message: string, delayMs: number): Error {
  return ApplicationFailure.create({
    type: 'TransientError',
    message,
    nonRetryable: false,
    nextRetryDelay: Math.max(1, delayMs),
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
    findRefunds: (query) => payments.findRefunds(query),
    close: () => payments.close?.() ?? Promise.resolve(),
  };
}
