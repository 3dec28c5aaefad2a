// Finds what in a workflow history is readable without the keys. For tests that fetch a history
// from a real server (fetchHistory() returns it exactly as stored: payloads still encoded).
//
// Search attributes are skipped: Temporal indexes them, so they are never encoded by a codec,
// and what the workflow puts there (status, policy, customer id …) is readable by design.
import type { temporal } from '@temporalio/proto';
import { isEncryptedPayload } from '../../codec/codec';

type History = temporal.api.history.v1.IHistory;

export interface ReadablePayload {
  /** Where in the history, e.g. events[0].workflowExecutionStartedEventAttributes.input.payloads[0]. */
  path: string;
  encoding: string | undefined;
  text: string;
}

// `identity` is the worker's "pid@host": a pid of 73519 once matched an order amount in a needle scan.
const SKIPPED_KEYS = new Set(['searchAttributes', 'indexedFields', 'identity']);

function isPayload(
  value: object,
): value is { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null } {
  const candidate = value as { metadata?: unknown; data?: unknown };
  return (
    (candidate.data instanceof Uint8Array || candidate.data == null) &&
    typeof candidate.metadata === 'object' &&
    candidate.metadata !== null &&
    'encoding' in candidate.metadata
  );
}

/** Every payload in the history that this codec did not seal. An empty list is the goal. */
export function readablePayloads(history: History): ReadablePayload[] {
  const found: ReadablePayload[] = [];
  const visit = (value: unknown, path: string) => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (isPayload(value)) {
      if (!isEncryptedPayload(value)) {
        const encoding = value.metadata?.encoding
          ? Buffer.from(value.metadata.encoding).toString('utf8')
          : undefined;
        found.push({ path, encoding, text: Buffer.from(value.data ?? []).toString('utf8') });
      }
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (SKIPPED_KEYS.has(key)) continue;
      visit(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    }
  };
  visit(history, '');
  return found;
}

/**
 * Each needle (an email address, a description …) found anywhere in the history as text:
 * strings and bytes alike, so failure messages and unencrypted payloads both count. Search
 * attributes are skipped.
 */
export function plaintextNeedles(history: History, needles: readonly string[]): string[] {
  const texts: string[] = [];
  // A walk rather than JSON.stringify: protobuf messages' toJSON would turn bytes into base64.
  const visit = (value: unknown) => {
    if (typeof value === 'string') texts.push(value);
    else if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) if (!SKIPPED_KEYS.has(key)) visit(child);
    }
  };
  visit(history);
  return needles.filter((needle) => texts.some((text) => text.includes(needle)));
}

export interface FailureInHistory {
  /** Where in the history, e.g. events[7].activityTaskFailedEventAttributes.failure.cause. */
  path: string;
  message: string;
  stackTrace: string;
  /** Whether message and stack trace travel in encodedAttributes that this codec sealed. */
  sealed: boolean;
}

const FAILURE_KEY = /^(failure|cause|lastFailure|continuedFailure)$/;

/** Every Temporal Failure in the history, its causes included, as stored. */
export function failuresIn(history: History): FailureInHistory[] {
  const found: FailureInHistory[] = [];
  const visit = (value: unknown, path: string, isFailure: boolean) => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (isFailure) {
      const failure = value as temporal.api.failure.v1.IFailure;
      const attributes = failure.encodedAttributes;
      found.push({
        path,
        message: failure.message ?? '',
        stackTrace: failure.stackTrace ?? '',
        sealed: !!attributes && isEncryptedPayload(attributes),
      });
    }
    for (const [key, child] of Object.entries(value)) {
      if (SKIPPED_KEYS.has(key)) continue;
      visit(
        child,
        Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key,
        FAILURE_KEY.test(key),
      );
    }
  };
  visit(history, '', false);
  return found;
}
