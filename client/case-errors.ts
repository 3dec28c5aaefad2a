// What the client library throws when a case refuses, conflicts, is missing or does not answer:
// the API maps each to its status code (client/api/errors.ts).
/** No case exists for this order. */
export class CaseNotFoundError extends Error {
  override name = 'CaseNotFoundError';
  constructor(readonly orderId: string) {
    super(`no refund case for order ${orderId}`);
  }
}

/** A start for an order whose case was started with another body. */
export class CaseConflictError extends Error {
  override name = 'CaseConflictError';
  constructor(readonly orderId: string) {
    super(
      `order ${orderId} already has a refund case started with a different policy, order body or customer email`,
    );
  }
}

/** The case did not answer an update within the client's deadline (the worker is down or busy). */
export class CaseTimeoutError extends Error {
  override name = 'CaseTimeoutError';
  constructor(
    readonly orderId: string,
    readonly timeoutMs: number,
  ) {
    super(`the case for order ${orderId} did not answer within ${timeoutMs / 1000} s; try again`);
  }
}

/** The workflow refused a message: wrong state, or input its validator rejects. */
export class CaseRejectedError extends Error {
  override name = 'CaseRejectedError';
  constructor(
    message: string,
    readonly orderId: string,
  ) {
    super(message);
  }
}

/** The same update id (Idempotency-Key) was used before with another body. */
export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
  constructor(
    readonly orderId: string,
    readonly updateId: string,
  ) {
    super(`the Idempotency-Key ${updateId} was already used on this case with another body`);
  }
}
