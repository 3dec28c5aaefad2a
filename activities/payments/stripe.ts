// The Stripe adapter, on the official `stripe` package. Idempotency: every refund is created
// with Stripe's Idempotency-Key set to our key, so Stripe returns the first refund for every
// retry (for 24 hours; our retries stay well inside that). The package's own network
// retries are off: Temporal retries the activity with the same key instead.
import Stripe from 'stripe';
import type { CreateRefund, GatewayRefund, PaymentMethod, RefundResult, RefundStatus } from '../contract';
import { NonRetryableErrors } from '../contract';
import { errorMessage, permanentFailure, TransientError } from '../errors';
import type { PaymentsPort } from './port';
import { assertGatewayRefundable, assertRefundAmount, gatewayRefundableMethods } from './refundable-methods';

export interface StripeConfig {
  apiKey: string;
  timeoutMs: number;
  /** For stripe-mock or a proxy; production leaves these unset. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /**
   * When a refund request carries no paymentReference, the PaymentIntent is found by this
   * metadata key, which checkout sets to the order id when it creates the payment.
   */
  orderMetadataKey: string;
  refundableMethods?: readonly PaymentMethod[];
}

/**
 * A value for inside '…' in Stripe's search query language: a backslash escapes the next
 * character there, so backslashes are escaped before quotes (else an id ending in one would
 * escape the closing quote and let the rest of the id rewrite the query).
 */
export function stripeSearchQuoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Refusals Stripe gives for this refund that no retry will change. */
const rejectionCodes = new Set([
  'charge_already_refunded',
  'amount_too_large',
  'charge_disputed',
  'refund_disputed_payment',
  'balance_insufficient',
  'charge_expired_for_capture',
]);

export class StripePaymentsAdapter implements PaymentsPort {
  private readonly stripe: Stripe;

  constructor(private readonly config: StripeConfig) {
    this.stripe = new Stripe(config.apiKey, {
      timeout: config.timeoutMs,
      maxNetworkRetries: 0,
      telemetry: false,
      ...(config.host ? { host: config.host } : {}),
      ...(config.port ? { port: config.port } : {}),
      ...(config.protocol ? { protocol: config.protocol } : {}),
    });
  }

  async createRefund(request: CreateRefund): Promise<RefundResult> {
    assertGatewayRefundable(request.paymentMethod, this.config.refundableMethods ?? gatewayRefundableMethods);
    assertRefundAmount(request.amountMinor);
    const target = request.paymentReference ?? (await this.findPaymentIntent(request.orderId));
    try {
      const refund = await this.stripe.refunds.create(
        {
          ...(target.startsWith('ch_') ? { charge: target } : { payment_intent: target }),
          amount: request.amountMinor,
          reason: 'requested_by_customer',
          metadata: {
            orderId: request.orderId,
            customerId: request.customerId,
            idempotencyKey: request.idempotencyKey,
          },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return toResult(refund);
    } catch (err) {
      throw classifyStripeError(err, NonRetryableErrors.UnknownOrder);
    }
  }

  async getRefund(refundId: string): Promise<RefundResult> {
    try {
      return toResult(await this.stripe.refunds.retrieve(refundId));
    } catch (err) {
      throw classifyStripeError(err, NonRetryableErrors.UnknownRefund);
    }
  }

  /** The refunds on the order's payment (by reference, else by the order metadata), oldest first. */
  async findRefunds(query: { orderId: string; paymentReference?: string }): Promise<GatewayRefund[]> {
    const target = query.paymentReference ?? (await this.findPaymentIntent(query.orderId));
    const found: GatewayRefund[] = [];
    try {
      const list = this.stripe.refunds.list({
        ...(target.startsWith('ch_') ? { charge: target } : { payment_intent: target }),
        limit: 100,
      });
      for await (const refund of list) {
        found.push({
          ...toResult(refund),
          ...(refund.metadata?.idempotencyKey ? { idempotencyKey: refund.metadata.idempotencyKey } : {}),
          amountMinor: refund.amount,
          currency: refund.currency.toUpperCase(),
        });
        if (found.length >= 1000) break;
      }
    } catch (err) {
      throw classifyStripeError(err, NonRetryableErrors.UnknownOrder);
    }
    return found.reverse();
  }

  private async findPaymentIntent(orderId: string): Promise<string> {
    const key = stripeSearchQuoted(this.config.orderMetadataKey);
    let found: Stripe.ApiSearchResult<Stripe.PaymentIntent>;
    try {
      found = await this.stripe.paymentIntents.search({
        query: `metadata['${key}']:'${stripeSearchQuoted(orderId)}'`,
        limit: 1,
      });
    } catch (err) {
      throw classifyStripeError(err, NonRetryableErrors.UnknownOrder);
    }
    const intent = found.data[0];
    if (!intent)
      throw permanentFailure(
        NonRetryableErrors.UnknownOrder,
        `Stripe has no PaymentIntent with metadata ${this.config.orderMetadataKey}=${orderId}`,
      );
    return intent.id;
  }
}

function toResult(refund: Stripe.Refund): RefundResult {
  const status: RefundStatus =
    refund.status === 'succeeded' || refund.status === 'failed' || refund.status === 'canceled'
      ? refund.status
      : 'pending';
  return {
    refundId: refund.id,
    status,
    ...(status === 'failed' && refund.failure_reason ? { failureReason: refund.failure_reason } : {}),
  };
}

interface StripeErrorShape {
  type?: string;
  rawType?: string;
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * Network faults, 429, 5xx, 409 (the same key still in flight) and credential errors are
 * retried; Stripe's refusals of this very request are final.
 */
export function classifyStripeError(
  err: unknown,
  notFoundType: typeof NonRetryableErrors.UnknownOrder | typeof NonRetryableErrors.UnknownRefund,
): Error {
  const e = (err ?? {}) as StripeErrorShape;
  const status = e.statusCode;
  const what = `Stripe: ${e.message ?? errorMessage(err)}`;
  if (
    status === undefined ||
    status === 401 ||
    status === 403 ||
    status === 409 ||
    status === 429 ||
    status >= 500 ||
    e.type === 'StripeConnectionError'
  ) {
    return new TransientError(`${what}${status ? ` (HTTP ${status})` : ''}`, { cause: err });
  }
  const details = { statusCode: status, code: e.code, stripeType: e.rawType };
  if (e.type === 'StripeIdempotencyError' || e.rawType === 'idempotency_error') {
    return permanentFailure(
      NonRetryableErrors.InvalidRequest,
      `${what} (idempotency key reused with other parameters)`,
      details,
    );
  }
  if (status === 404 || e.code === 'resource_missing') return permanentFailure(notFoundType, what, details);
  if (e.type === 'StripeCardError' || (e.code !== undefined && rejectionCodes.has(e.code)))
    return permanentFailure(NonRetryableErrors.RefundRejected, what, details);
  return permanentFailure(NonRetryableErrors.InvalidRequest, what, details);
}
