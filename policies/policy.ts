// A refund policy as data. Each preset in presets/ fills this in from one seed text; the
// workflow pins the whole object at case start, so it stays plain JSON (no functions, no dates).
import { z } from 'zod';
import { isValidTimeZone } from './calendar';
import { OUTCOMES, REASON_CODES } from './codes';
import { ChannelSchema, PaymentMethodSchema, RequestReasonSchema } from './input';

export const ReasonCodeSchema = z.enum(REASON_CODES);

/** Whose public holidays a policy skips; pinHolidays (policies/holidays.ts) checks the library knows it. */
export const HolidayCalendarSchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code, e.g. US'),
  state: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
});
export const OutcomeSchema = z.enum(OUTCOMES);

/**
 * What a person may decide on a case (evaluate's `review`, reviewerBounds()): what the case waits
 * for — a technical review, the remediation clock, a discretionary decision, a billing correction,
 * a usage figure, a dispute, or (`policy_outcome`) nothing: the policy decides by itself and a
 * person may confirm its outcome or give less — and the outcomes allowed, each with its most.
 */
export const ReviewBoundsSchema = z.object({
  kind: z.enum([
    'technical_review',
    'remediation',
    'discretionary',
    'billing',
    'usage',
    'dispute',
    'policy_outcome',
  ]),
  allowed: z.array(
    z.object({
      outcome: OutcomeSchema,
      /** The most this outcome may pay or credit, in minor units. */
      maxAmountMinor: z.number().int().nonnegative(),
      /** For service_extension: the most days it may add. */
      maxExtensionDays: z.number().int().nonnegative().optional(),
    }),
  ),
  /** What has to be established before more is allowed, in plain words. */
  note: z.string().optional(),
});
export type ReviewBounds = z.output<typeof ReviewBoundsSchema>;

const DaysSchema = z.number().int().nonnegative();
const FractionSchema = z.number().min(0).max(1);

/** A light-usage limit. Exceeding any cap that applies disqualifies a refund. */
export const UsageCapSchema = z
  .object({
    id: z.string().min(1),
    /** Applies only to orders whose quota is in this unit; every quota when absent. */
    unit: z.string().min(1).optional(),
    /** Most usage allowed, as a fraction of the included quota (0.1 = 10 %). */
    maxFractionOfQuota: FractionSchema.optional(),
    /** Most usage allowed, in the quota's unit. */
    maxUnits: z.number().nonnegative().optional(),
  })
  .refine((cap) => cap.maxFractionOfQuota !== undefined || cap.maxUnits !== undefined, {
    message: 'a usage cap needs maxFractionOfQuota or maxUnits',
  });

/** What a request reason does under this policy; reasons not listed follow `refund.basis`. */
export const ReasonRuleSchema = z.discriminatedUnion('kind', [
  /** The reason is non-refundable: deny with this code. */
  z.object({ kind: z.literal('deny'), code: ReasonCodeSchema }),
  /** Support reviews the case at its discretion (e.g. billing errors), whatever the window. */
  z.object({ kind: z.literal('review'), code: ReasonCodeSchema }),
  /** The reason claims a technical problem: the request counts as the issue report if none was filed. */
  z.object({ kind: z.literal('technical') }),
]);

export const ProRataBasisSchema = z.enum(['remaining_quota', 'remaining_time']);

export const RefundBasisSchema = z.discriminatedUnion('basis', [
  /** Nothing is refundable (final sale). */
  z.object({ basis: z.literal('none') }),
  /** Money only on the technical ground: a problem on the provider's side, or a confirmed incident. */
  z.object({
    basis: z.literal('technical_ground'),
    /** The issue must be reported inside the request window to count. */
    issueMustBeInWindow: z.boolean(),
    /** A confirmed incident meets the ground by itself. */
    incidentsCount: z.boolean(),
    /** A technical review finding provider fault meets the ground at once (no remediation clock). */
    providerFaultSuffices: z.boolean(),
    /** No refund without a technical review (or a confirmed incident) confirming the ground. */
    verificationRequired: z.boolean(),
    /** What a met ground gives: the cash paid back, or a discretionary decision within `discretion`. */
    onGroundMet: z.enum(['full_refund', 'discretionary']),
    /** A request before the service starts is refunded in full (the service has not been rendered). */
    fullRefundBeforeServiceStarts: z.boolean(),
    /**
     * A confirmed incident beyond the window (or beyond the usage caps, or on a repeat purchase)
     * gives at most the unused share: the smallest of the listed measures (remaining quota,
     * remaining paid time), never the whole price. When nothing was consumed (or the share is
     * zero) a service extension of `extensionDays`, when the policy offers one.
     */
    incidentBeyondWindow: z
      .object({
        proRata: z.array(ProRataBasisSchema).min(1),
        extensionDays: DaysSchema.optional(),
        excludedPaymentMethods: z.array(PaymentMethodSchema),
        /** A technical review finding provider fault has no time limit either (not only incidents). */
        providerFaultCounts: z.boolean(),
      })
      .optional(),
  }),
  /** Any reason, inside the window: refund the value not yet consumed. */
  z.object({ basis: z.literal('remaining_value'), proRata: z.array(ProRataBasisSchema).min(1) }),
]);

export const PolicySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case slug'),
  version: z.union([z.string().min(1), z.number().int().positive()]),
  name: z.string().min(1),
  /** The seed text the preset reads, and the date it states, for the record. */
  source: z.object({ seed: z.string(), lastUpdated: z.iso.date().optional() }).optional(),
  summary: z.string(),
  timeZone: z.string().refine(isValidTimeZone, { message: 'expected an IANA time zone, e.g. Europe/Berlin' }),
  /**
   * Whose public holidays business days skip, in any year (the date-holidays library's rules); a
   * case pins their dates into `holidays` when it starts (pinHolidays in policies/holidays.ts).
   */
  holidayCalendar: HolidayCalendarSchema.optional(),
  /** Closing days (YYYY-MM-DD in the policy's zone): the seller's own, and pinned public holidays. */
  holidays: z.array(z.iso.date()),
  /** The years whose public holidays of `holidayCalendar` are pinned into `holidays` (pinHolidays). */
  holidaysPinned: z.object({ fromYear: z.number().int(), toYear: z.number().int() }).optional(),
  /** Every payment is final: the case goes straight to not_refundable. */
  allSalesFinal: z.boolean(),
  /** Products excluded from refunds altogether (denied ALL_SALES_FINAL). */
  nonRefundableProductIds: z.array(z.string()),
  window: z.object({
    days: DaysSchema,
    /**
     * purchase: this order's purchase; first_purchase: the first purchase of the plan
     * (order.firstPurchaseAt, else this purchase); invoice and service_date fall back to the purchase.
     */
    anchor: z.enum(['purchase', 'first_purchase', 'invoice', 'service_date']),
    /** For subscriptions the window lasts at least to the end of the current billing period. */
    coversBillingPeriod: z.boolean(),
  }),
  eligibility: z.object({
    excludedChannels: z.array(ChannelSchema),
    excludedPaymentMethods: z.array(PaymentMethodSchema),
    firstPurchaseOnly: z.boolean(),
    usageCaps: z.array(UsageCapSchema),
    chargebackBlocks: z.boolean(),
    termsViolationBlocks: z.boolean(),
    abuse: z.object({
      blocks: z.boolean(),
      /** More refunds than this in the last 90 days count as repeated buy-and-refund. */
      maxRefundsIn90Days: z.number().int().nonnegative().optional(),
    }),
  }),
  reasonRules: z.partialRecord(RequestReasonSchema, ReasonRuleSchema),
  refund: RefundBasisSchema,
  /**
   * How long a confirmed incident can still reach a one-time order: its period of service is taken
   * as this many calendar days from the purchase (a subscription's is its billing period).
   */
  incidentCover: z.object({ oneTimeDays: DaysSchema }).optional(),
  /** A denial can be disputed until the end of this many calendar days after it; a person decides. */
  dispute: z.object({ days: DaysSchema }),
  /** An issue reported inside the window starts a remediation clock of this many calendar days. */
  remediation: z.object({ days: DaysSchema }).optional(),
  /** Bounds for a reviewer's discretionary decision. */
  discretion: z
    .object({
      partialRefundMaxFraction: FractionSchema,
      creditMaxFraction: z.number().min(0).max(10),
      /** Support may grant a refund or credit outside the general terms, case by case. */
      exceptionsOutsideTerms: z.boolean(),
    })
    .optional(),
  subscription: z.object({
    cancelAtPeriodEnd: z.boolean(),
    accessUntilPeriodEnd: z.boolean(),
    unusedPortionRefundable: z.boolean(),
  }),
  decision: z.object({
    deadlineDays: DaysSchema,
    targetDays: DaysSchema.optional(),
    businessDays: z.boolean(),
    onDeadline: z.enum(['escalate', 'auto_approve', 'auto_deny']),
  }),
  payout: z.object({
    limitDays: DaysSchema,
    anchor: z.enum(['request', 'approval']),
    onLimit: z.literal('escalate'),
    /**
     * Days a paid case keeps taking the gateway's events and chargebacks on its own timeline
     * (default 30, workflows/case/after-close.ts); later ones go to the order's late-event record.
     */
    settleDays: DaysSchema.max(366).optional(),
  }),
  access: z.object({ withdrawOnApproval: z.boolean() }),
  /** Materials support needs before the decision clock starts. */
  materials: z.array(z.string()),
});

export type Policy = z.output<typeof PolicySchema>;
/**
 * What deciding and dating a case reads of a policy: all but its prose (name, summary, source),
 * which a case's start input leaves out (client/start-case.ts) — the preset holds it by id and version.
 */
export type PolicyRules = Omit<Policy, 'name' | 'summary' | 'source'>;
export type UsageCap = z.output<typeof UsageCapSchema>;
export type ReasonRule = z.output<typeof ReasonRuleSchema>;
export type RefundBasis = z.output<typeof RefundBasisSchema>;
export type ProRataBasis = z.output<typeof ProRataBasisSchema>;
