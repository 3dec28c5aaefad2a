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
