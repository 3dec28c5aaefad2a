// The body of a gateway webhook, shared by the sandbox that sends it and the API that reads it.
import { z } from 'zod';
import { refundFailureReasons } from './failure-reasons';

export const refundWebhookEventSchema = z.object({
  /** Unique per event; receivers dedupe deliveries by it (delivery is at least once). */
  id: z.string().min(1),
  type: z.literal('refund.updated'),
  created: z.number().int(),
  data: z.object({
    refundId: z.string().min(1),
    orderId: z.string().min(1),
    status: z.enum(['pending', 'succeeded', 'failed', 'canceled']),
    failureReason: z.union([z.enum(refundFailureReasons), z.string()]).optional(),
    amountMinor: z.number().int(),
    currency: z.string().length(3),
  }),
});

export type RefundWebhookEvent = z.infer<typeof refundWebhookEventSchema>;

/**
 * A card dispute (chargeback) the gateway reports for an order's payment: `dispute.created` opens
 * it, `dispute.closed` ends it (won or lost). The case takes it as a chargeback signal.
 */
export const disputeWebhookEventSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['dispute.created', 'dispute.closed']),
  created: z.number().int(),
  data: z.object({
    disputeId: z.string().min(1).max(200),
    orderId: z.string().min(1),
    status: z.enum(['needs_response', 'under_review', 'won', 'lost', 'warning_closed']).optional(),
    reason: z.string().max(200).optional(),
    amountMinor: z.number().int().optional(),
    currency: z.string().length(3).optional(),
  }),
});
export type DisputeWebhookEvent = z.infer<typeof disputeWebhookEventSchema>;

/** Every event the gateway signs and posts to the webhook. */
export const gatewayWebhookEventSchema = z.discriminatedUnion('type', [
  refundWebhookEventSchema,
  disputeWebhookEventSchema,
]);
