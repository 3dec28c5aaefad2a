// POST /v1/webhooks/payments: the gateway's refund status and card disputes. Authenticated by its
// signature over the raw bytes (so this route keeps the body unparsed), then relayed to the case as
// a paymentUpdate signal (refunds) or a chargeback signal (disputes). Delivery is at least once; the
// workflow drops an eventId it has seen. An event for a case whose run has ended goes to the order's
// late-event record (support is told); only an event for an order with no case at all is
// acknowledged undelivered, so the gateway stops retrying.
//
// Two gateways speak here: the sandbox signs `Refundflow-Signature` over its own event body; with
// REFUNDFLOW_PAYMENTS=stripe, Stripe signs `Stripe-Signature` over a Stripe event, checked with the
// stripe package's own webhook helper, and its refund object is read for the case.
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import type { z } from 'zod';
import { gatewayWebhookEventSchema, SIGNATURE_HEADER, verifyWebhookSignature } from '../../../activities';
import {
  ChargebackSchema,
  PaymentUpdateSchema,
  type Chargeback,
  type PaymentUpdate,
} from '../../../workflows/messages';
import { CaseNotFoundError, type RefundCases, type SignalDelivery } from '../../refund-client';
import { HttpError, issuesOf } from '../errors';
import { WebhookAckReply } from '../responses';
import type { RouteSpec } from '../route';

export const STRIPE_SIGNATURE_HEADER = 'Stripe-Signature';
export type WebhookGateway = 'sandbox' | 'stripe';

export const webhookSpec: RouteSpec = {
  method: 'POST',
  url: '/v1/webhooks/payments',
  access: 'signed',
  tag: 'webhooks',
  summary: `Refund status and card disputes from the payment gateway, signed in the ${SIGNATURE_HEADER} header (or ${STRIPE_SIGNATURE_HEADER} with Stripe)`,
  body: gatewayWebhookEventSchema,
  reply: WebhookAckReply,
  responses: {
    400: 'not a refund or dispute event',
    401: 'missing or wrong signature',
    503: 'webhooks are not configured (no signing secret), or Temporal is unavailable',
  },
};

type Ack = z.output<typeof WebhookAckReply>;
/** What a verified event says about a case, or why it says nothing. */
type Relay =
  | { orderId: string; update: PaymentUpdate }
  | { orderId: string; eventId: string; chargeback: Chargeback }
  | { ignored: string };

/** A dispute as the case's chargeback: open until it is closed (won or lost). */
const disputeChargeback = (
  disputeId: string,
  open: boolean,
  status?: string | null,
  reason?: string | null,
): Chargeback => ({
  active: open,
  reference: disputeId.slice(0, 200),
  ...(status || reason
    ? { note: [status && `status ${status}`, reason && `reason ${reason}`].filter(Boolean).join(', ') }
    : {}),
});

/** The workflow keeps at most this much of a failure reason (PaymentUpdateSchema). */
const FAILURE_REASON_MAX = 200;
const reasonOf = (reason: string | null | undefined) =>
  reason ? { failureReason: reason.slice(0, FAILURE_REASON_MAX) } : {};

function sandboxRelay(
  raw: Buffer,
  secret: string,
  header: string | undefined,
  toleranceSeconds?: number,
): Relay {
  if (!verifyWebhookSignature(secret, header, raw, toleranceSeconds))
    throw new HttpError(401, 'invalid webhook signature');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  const parsed = gatewayWebhookEventSchema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, 'not a refund or dispute event', issuesOf(parsed.error));
  const event = parsed.data;
  if (event.type !== 'refund.updated')
    return {
      orderId: event.data.orderId,
      eventId: event.id,
      chargeback: disputeChargeback(
        event.data.disputeId,
        event.type === 'dispute.created',
        event.data.status,
        event.data.reason,
      ),
    };
  return {
    orderId: event.data.orderId,
    update: {
      eventId: event.id,
      refundId: event.data.refundId,
      status: event.data.status,
      ...reasonOf(event.data.failureReason),
    },
  };
}

const STRIPE_REFUND_EVENTS = new Set([
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.refund.updated',
]);

const STRIPE_DISPUTE_EVENTS = new Set([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
]);

function stripeRelay(
  raw: Buffer,
  secret: string,
  header: string | undefined,
  toleranceSeconds?: number,
): Relay {
  let event: Stripe.Event;
  try {
    // Stripe's helper: HMAC over the raw bytes, timestamp tolerance, constant-time comparison.
    event = Stripe.webhooks.constructEvent(raw, header ?? '', secret, toleranceSeconds);
  } catch {
    throw new HttpError(401, 'invalid webhook signature');
  }
  if (STRIPE_DISPUTE_EVENTS.has(event.type)) {
    const dispute = event.data?.object as Partial<Stripe.Dispute> | undefined;
    if (dispute?.object !== 'dispute' || !dispute.id)
      return { ignored: `event ${event.id} carries no dispute` };
    // Checkout puts the orderId in the payment's metadata; Stripe copies it onto the dispute.
    const orderId = dispute.metadata?.orderId;
    if (!orderId) return { ignored: `dispute ${dispute.id} carries no orderId metadata` };
    return {
      orderId,
      eventId: event.id,
      chargeback: disputeChargeback(
        dispute.id,
        event.type !== 'charge.dispute.closed',
        dispute.status,
        dispute.reason,
      ),
    };
  }
  const refund = event.data?.object as Partial<Stripe.Refund> | undefined;
  if (!STRIPE_REFUND_EVENTS.has(event.type) || refund?.object !== 'refund' || !refund.id)
    return { ignored: `event type ${event.type} is not a refund update` };
  const orderId = refund.metadata?.orderId;
  if (!orderId) return { ignored: `refund ${refund.id} carries no orderId metadata` };
  const status =
    refund.status === 'succeeded' || refund.status === 'failed' || refund.status === 'canceled'
      ? refund.status
      : 'pending';
  return {
    orderId,
    update: { eventId: event.id, refundId: refund.id, status, ...reasonOf(refund.failure_reason) },
  };
}

export function registerWebhookRoute(
  app: FastifyInstance,
  cases: RefundCases,
  secret: string | undefined,
  toleranceSeconds?: number,
  gateway: WebhookGateway = 'sandbox',
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(webhookSpec.url, async (request): Promise<Ack> => {
      const raw = request.body as Buffer | undefined;
      if (!secret) throw new HttpError(503, 'webhooks are not configured (REFUNDFLOW_WEBHOOK_SECRET)');
      const name = (gateway === 'stripe' ? STRIPE_SIGNATURE_HEADER : SIGNATURE_HEADER).toLowerCase();
      const value = request.headers[name];
      const header = Array.isArray(value) ? value[0] : value;
      if (!raw || !header) throw new HttpError(401, 'invalid webhook signature');
      const relay =
        gateway === 'stripe'
          ? stripeRelay(raw, secret, header, toleranceSeconds)
          : sandboxRelay(raw, secret, header, toleranceSeconds);
      if ('ignored' in relay) return { received: true, delivered: false, reason: relay.ignored };
      let delivery: SignalDelivery;
      try {
        // The gateway is the actor, inside the sealed payload like every message's.
        if ('update' in relay) {
          const update = PaymentUpdateSchema.safeParse(relay.update);
          if (!update.success)
            throw new HttpError(400, 'not a refund event', issuesOf(update.error, ['data']));
          delivery = await cases.paymentUpdate(relay.orderId, { ...update.data, actor: { role: 'gateway' } });
        } else {
          const chargeback = ChargebackSchema.safeParse(relay.chargeback);
          if (!chargeback.success)
            throw new HttpError(400, 'not a dispute event', issuesOf(chargeback.error, ['data']));
          // The event id is the dedupe key: a redelivered dispute event changes nothing.
          delivery = await cases.chargeback(
            relay.orderId,
            { ...chargeback.data, actor: { role: 'gateway' } },
            { updateId: `gateway-event:${relay.eventId}` },
          );
        }
      } catch (err) {
        if (!(err instanceof CaseNotFoundError)) throw err;
        request.log.warn({ orderId: relay.orderId }, 'webhook for an order without a case');
        return { received: true, delivered: false, reason: `no case for order ${relay.orderId}` };
      }
      if (delivery === 'late_record') return { received: true, delivered: true, lateRecord: true };
      return { received: true, delivered: true };
    });
  });
}
