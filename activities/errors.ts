// How adapters fail. Temporal retries any ordinary Error; a failure the peer will give the
// same answer to forever becomes a non-retryable ApplicationFailure with a stable type that
// the workflow can branch on and the worker lists in its retry policies.
import { ApplicationFailure } from '@temporalio/common';
import { NonRetryableErrors, type NonRetryableErrorType } from './contract';

/** Every type listed here is put into `retry.nonRetryableErrorTypes` by the worker and workflow. */
export const nonRetryableErrorTypes: readonly NonRetryableErrorType[] = Object.values(NonRetryableErrors);

export function permanentFailure(
  type: NonRetryableErrorType,
  message: string,
  details?: Record<string, unknown>,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    ...(details ? { details: [details] } : {}),
  });
}

/** A fault that may clear by itself (network, timeout, 5xx, 429, a misconfigured key being fixed). */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/**
 * HTTP statuses worth retrying. 401/403 are included on purpose: they mean our credentials
 * are wrong, and fixing the deployment should let cases in flight continue.
 */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 401 || status === 403 || status === 408 || status === 425 || status === 429 || status >= 500
  );
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
