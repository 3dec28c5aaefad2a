// The evaluation input of the public contract (DESIGN.md "Policy evaluation"): the order as
// checkout knows it, the refund request, usage and the facts support or systems established.
import { z } from 'zod';
import { CHANNELS, PAYMENT_METHODS, REQUEST_REASONS, TECHNICAL_REVIEW_OUTCOMES } from './codes';
import { isKnownCurrency } from './money';

// The value lists live in ./codes (no zod), so the workflow's messages can build their own
// enums from them without this module's schemas.
export { CHANNELS, PAYMENT_METHODS, REQUEST_REASONS, TECHNICAL_REVIEW_OUTCOMES } from './codes';

export const ChannelSchema = z.enum(CHANNELS);
export const PaymentMethodSchema = z.enum(PAYMENT_METHODS);
export const RequestReasonSchema = z.enum(REQUEST_REASONS);
export const TechnicalReviewOutcomeSchema = z.enum(TECHNICAL_REVIEW_OUTCOMES);
export type Channel = z.infer<typeof ChannelSchema>;
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;
export type RequestReason = z.infer<typeof RequestReasonSchema>;
export type TechnicalReviewOutcome = z.infer<typeof TechnicalReviewOutcomeSchema>;

/** An instant with an explicit offset or Z, so no reader has to guess the zone. */
export const InstantSchema = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time with offset, e.g. 2025-03-01T10:00:00Z',
});
/** A calendar date or an instant (a date is read as midnight in the policy's time zone). */
export const DateOrInstantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected an ISO 8601 date (2025-03-01) or date-time with offset',
});
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected a three-letter upper-case ISO 4217 code, e.g. USD')
  .refine(isKnownCurrency, { message: 'unknown ISO 4217 currency code' });

const MinorUnitsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const BillingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('one_time') }),
  z.object({ kind: z.literal('subscription'), periodStart: InstantSchema, periodEnd: InstantSchema }),
]);

export const QuotaSchema = z.object({
  /** requests | gb | ips | days …; usage is measured in the same unit. */
  unit: z.string().min(1),
  included: z.number().positive().finite(),
});

/**
 * An id from checkout: it becomes part of a workflow id, a visibility filter and a URL path, so it
 * is bounded and holds no control characters (CR, LF and NUL broke logs and visibility queries).
 */
export const ID_MAX_LENGTH = 128;
export const IdSchema = z
  .string()
  .min(1)
  .max(ID_MAX_LENGTH)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');

export const OrderSchema = z
  .object({
    orderId: IdSchema,
    customerId: IdSchema,
    channel: ChannelSchema,
    paymentMethod: PaymentMethodSchema,
    amountMinor: MinorUnitsSchema,
    currency: CurrencySchema,
    /** Promotional credit applied to the price; it is never paid out. */
    promoCreditMinor: MinorUnitsSchema.default(0),
    purchasedAt: InstantSchema,
    invoicedAt: InstantSchema.optional(),
    serviceDate: DateOrInstantSchema.optional(),
    /**
     * Shorthand for the first purchase of the plan: true means this order is it; false means an
     * earlier order was, at a time not given. `firstPurchaseAt`, when present, wins.
     */
    firstPurchaseOfPlan: z.boolean().default(true),
    /** When the customer first bought this plan (this order's purchase, or an earlier one). */
    firstPurchaseAt: InstantSchema.optional(),
    productId: IdSchema.optional(),
    billing: BillingSchema,
    quota: QuotaSchema.optional(),
  })
  .superRefine((order, ctx) => {
    if (order.promoCreditMinor > order.amountMinor)
      ctx.addIssue({
        code: 'custom',
        path: ['promoCreditMinor'],
        message: 'promotional credit cannot exceed the amount',
      });
    if (
      order.firstPurchaseAt !== undefined &&
      Date.parse(order.firstPurchaseAt) > Date.parse(order.purchasedAt)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['firstPurchaseAt'],
        message: 'must not be after purchasedAt (the first purchase of a plan comes first)',
      });
    if (
      order.billing.kind === 'subscription' &&
      Date.parse(order.billing.periodEnd) <= Date.parse(order.billing.periodStart)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['billing', 'periodEnd'],
        message: 'must be after billing.periodStart',
      });
  });

export const RefundRequestSchema = z.object({
  requestedAt: InstantSchema,
  reason: RequestReasonSchema,
  description: z.string().optional(),
});

export const UsageSchema = z.object({
  /** Consumed amount, in the order's quota unit (or in `unit` for a plan without a quota). */
  used: z.number().nonnegative().finite(),
  /** The unit of `used` (requests | gb | ips | days …); must match order.quota.unit when both are given. */
  unit: z.string().min(1).optional(),
});

export const FactsSchema = z.object({
  issueReportedAt: InstantSchema.optional(),
  remediatedAt: InstantSchema.optional(),
  incidentConfirmed: z.boolean().optional(),
  chargebackActive: z.boolean().optional(),
  termsViolation: z.boolean().optional(),
  abuseSuspected: z.boolean().optional(),
  refundsInLast90Days: z.number().int().nonnegative().optional(),
  technicalReview: TechnicalReviewOutcomeSchema.optional(),
  /** The amount charged in error (minor units), as billing or support established it. */
  billingErrorMinor: MinorUnitsSchema.optional(),
  /** When the customer disputed the denial: a person decides within the policy's bounds. */
  disputedAt: InstantSchema.optional(),
});

export const EvaluationInputSchema = z
  .object({
    order: OrderSchema,
    request: RefundRequestSchema,
    usage: UsageSchema.optional(),
    /** The moment of evaluation; defaults to request.requestedAt. */
    asOf: InstantSchema.optional(),
    facts: FactsSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const requestedAt = Date.parse(input.request.requestedAt);
    if (requestedAt < Date.parse(input.order.purchasedAt))
      ctx.addIssue({
        code: 'custom',
        path: ['request', 'requestedAt'],
        message: 'must not be before order.purchasedAt',
      });
    const { usage, order } = input;
    if (usage?.unit !== undefined && order.quota !== undefined && usage.unit !== order.quota.unit)
      ctx.addIssue({
        code: 'custom',
        path: ['usage', 'unit'],
        message: `must match order.quota.unit (${order.quota.unit})`,
      });
    if (input.asOf !== undefined && Date.parse(input.asOf) < requestedAt)
      ctx.addIssue({ code: 'custom', path: ['asOf'], message: 'must not be before request.requestedAt' });
  });

export type Order = z.output<typeof OrderSchema>;
export type OrderInput = z.input<typeof OrderSchema>;
export type RefundRequest = z.output<typeof RefundRequestSchema>;
export type Usage = z.output<typeof UsageSchema>;
export type Facts = z.output<typeof FactsSchema>;
/**
 * What evaluate() takes. Defaults (promoCreditMinor 0, firstPurchaseOfPlan true) may be
 * omitted; evaluate() applies them, exactly as parsing with EvaluationInputSchema would.
 */
export type EvaluationInput = z.input<typeof EvaluationInputSchema>;
export type ParsedEvaluationInput = z.output<typeof EvaluationInputSchema>;
