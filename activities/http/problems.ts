// How an embedded store answers over HTTP when it stands in for a system the workers reach on
// the network (make cluster, compose): a port's permanent refusal keeps its type as the problem's
// `code` and gets the status a real peer would give it; anything else is a 503 the caller retries.
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { NonRetryableErrors, type NonRetryableErrorType } from '../contract';
import { errorMessage } from '../errors';

export interface Problem {
  code: string;
  message: string;
}

const statusOf: Record<NonRetryableErrorType, number> = {
  UnknownOrder: 404,
  UnknownRefund: 404,
  InvalidRequest: 409,
  UnsupportedPaymentMethod: 422,
  RefundRejected: 422,
  InvalidRecipient: 422,
  EmailRejected: 422,
};

const known = new Set<string>(Object.values(NonRetryableErrors));

export function isNonRetryableType(code: unknown): code is NonRetryableErrorType {
  return typeof code === 'string' && known.has(code);
}

/** The HTTP status and body for an error a port threw. */
export function problemFor(err: unknown): { status: number; body: Problem } {
  if (err instanceof ZodError)
    return {
      status: 400,
      body: {
        code: NonRetryableErrors.InvalidRequest,
        message: err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      },
    };
  if (err instanceof ApplicationFailure && err.nonRetryable && isNonRetryableType(err.type))
    return { status: statusOf[err.type], body: { code: err.type, message: err.message } };
  return { status: 503, body: { code: 'Unavailable', message: errorMessage(err) } };
}
