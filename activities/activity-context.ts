// Adapters run inside activities in the worker, and outside them in the API, CLI and tests.
// These helpers use the activity context when there is one and do nothing otherwise.
import { Context } from '@temporalio/activity';

export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity
  }
}

export function heartbeat(details?: unknown): void {
  currentActivity()?.heartbeat(details);
}

/**
 * Runs a call that may take long (SMTP dialogue, gateway request), heartbeating at once and
 * then every `everyMs`, so a worker that dies mid-call is noticed within the heartbeat timeout.
 */
export async function withHeartbeats<T>(
  work: () => Promise<T>,
  details?: unknown,
  everyMs = 5_000,
): Promise<T> {
  const ctx = currentActivity();
  if (!ctx) return work();
  ctx.heartbeat(details);
  const timer = setInterval(() => ctx.heartbeat(details), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** A signal that aborts after `timeoutMs`, or earlier when Temporal cancels the activity. */
export function callSignal(timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  const cancelled = currentActivity()?.cancellationSignal;
  return cancelled ? AbortSignal.any([timeout, cancelled]) : timeout;
}
