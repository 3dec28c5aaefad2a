// Every signal, query and update of the refund case, defined once. The client library, the
// HTTP API and the tests import these definitions; the zod schemas are what the update
// validators (inside the workflow) and the API (at the edge) both check.
//
// Written with zod/mini, the same zod with functions instead of methods: the SDK evaluates the
// workflow's modules again for every workflow it runs, and full zod attaches dozens of methods to
// every schema object it builds (issue 15: ~1.6 ms and ~550 KiB per workflow for zod alone). The
// API uses these very objects (zod's own functions read either kind), so each message keeps one
// definition. Nothing here may import the `policies` barrel (its schemas are full zod).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod/mini';
import { REQUEST_REASONS, TECHNICAL_REVIEW_OUTCOMES } from '../policies/codes';
import type { CaseAnswer, CaseState } from './case-state';
import './zod-setup';

/** Who did something, for the timeline: a role and an optional identity (key name, email). */
const str = (max: number) => z.string().check(z.maxLength(max));
/** A required text: trimmed, not empty. */
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const optional = <T extends z.core.SomeType>(schema: T) => z.optional(schema);
const instant = () => z.iso.datetime({ offset: true });

export const ActorSchema = z.strictObject({
  role: z.enum(['checkout', 'support', 'reviewer', 'admin', 'customer', 'system', 'gateway']),
  id: optional(str(200)),
});
export type Actor = z.infer<typeof ActorSchema>;

const actor = { actor: optional(ActorSchema) };

/**
 * What the payload codec hands the workflow in place of a payload that was not sealed with the
 * encryption key (codec/codec.ts): anyone who reaches Temporal's frontend can send a plain
 * signal or update, so such a payload is refused without failing the workflow task. Every
 * message schema below fails on it; the workflow drops the message and records `message_refused`.
 */
export const REFUSED_PAYLOAD_KEY = '$refused';
export const isRefusedPayload = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && REFUSED_PAYLOAD_KEY in value;

export const RequestRefundSchema = z.strictObject({
  reason: z.enum(REQUEST_REASONS),
  description: optional(str(4000)),
  ...actor,
});
export const ReportIssueSchema = z.strictObject({ description: text(4000), ...actor });
export const InformationItemSchema = z.enum([
  'order_id',
  'payment_method',
  'logs',
  'screenshots',
  'timestamps',
  'network_context',
  'invoice_copy',
  'kyc',
  'other',
]);
const informationItems = () => z.array(InformationItemSchema).check(z.minLength(1));
export const RequestInformationSchema = z.strictObject({
  items: informationItems(),
  note: optional(str(4000)),
  ...actor,
});
export const ProvideInformationSchema = z.strictObject({
  items: informationItems(),
  note: optional(str(4000)),
  ...actor,
});
export const TechnicalReviewOutcomeSchema = z.enum(TECHNICAL_REVIEW_OUTCOMES);
export const SubmitTechnicalReviewSchema = z.strictObject({
  outcome: TechnicalReviewOutcomeSchema,
  notes: optional(str(4000)),
  ...actor,
});
export const DecisionOutcomeSchema = z.enum([
  'full_refund',
  'partial_refund',
  'credit',
  'service_extension',
  'denied',
]);
export const DecideSchema = z.strictObject({
  outcome: DecisionOutcomeSchema,
  amountMinor: optional(z.number().check(z.int(), z.nonnegative())),
  extensionDays: optional(z.number().check(z.int(), z.positive(), z.lte(366))),
  /** The amount support found charged in error: a billing-error correction pays back at most this. */
  billingErrorMinor: optional(z.number().check(z.int(), z.positive())),
  /** Internal: the timeline and support see it; never emailed. */
  note: text(4000),
  /** Sent to the customer in the decision email (the note stays internal). */
  customerMessage: optional(text(2000)),
  ...actor,
});
export const WithdrawSchema = z.strictObject({ note: optional(str(4000)), ...actor });
export const CancelSubscriptionSchema = z.strictObject({ note: optional(str(4000)), ...actor });
export const DisputeSchema = z.strictObject({ description: text(4000), ...actor });
/** Billing has a usage figure for the order (PUT /v1/orders/:orderId/usage): a case waiting on it decides again. */
export const UsageReportedSchema = z.strictObject({
  used: z.number().check(z.nonnegative()),
  reportedAt: instant(),
  ...actor,
});

export const PaymentUpdateSchema = z.strictObject({
  eventId: z.string().check(z.minLength(1), z.maxLength(200)),
  refundId: z.string().check(z.minLength(1), z.maxLength(200)),
  status: z.enum(['pending', 'succeeded', 'failed', 'canceled']),
  failureReason: optional(str(200)),
  ...actor,
});
export const ChargebackSchema = z.strictObject({
  active: z.boolean(),
  reference: optional(str(200)),
  note: optional(str(4000)),
  ...actor,
});
export const IncidentConfirmedSchema = z.strictObject({
  incidentId: z.string().check(z.minLength(1), z.maxLength(200)),
  productId: optional(
    z.string().check(z.maxLength(200), z.regex(/^\P{Cc}*$/u, 'must not contain control characters')),
  ),
  from: instant(),
  to: instant(),
  description: text(4000),
  ...actor,
});

// The payout route (workflows/case/payout-route.ts): support's choices once the payout limit
// passed or the gateway reported the refund failed. One update, one schema per choice.
export const PayoutRetrySchema = z.strictObject({ action: z.literal('retry'), note: text(4000), ...actor });
export const OUTSIDE_PAYOUT_METHODS = ['bank_transfer', 'card', 'paypal', 'check', 'cash', 'other'] as const;
export const OutsidePayoutSchema = z.strictObject({
  action: z.literal('record_outside'),
  /** The payment's reference in the system that made it (bank transfer id, PayPal transaction id). */
  reference: text(200),
  amountMinor: z.number().check(z.int(), z.positive()),
  method: z.enum(OUTSIDE_PAYOUT_METHODS),
  note: optional(str(4000)),
  ...actor,
});
export const CreditInsteadSchema = z.strictObject({
  action: z.literal('credit'),
  /** Default: the approved refund's amount. */
  amountMinor: optional(z.number().check(z.int(), z.positive())),
  note: text(4000),
  ...actor,
});
/** Support acknowledges late events (workflows/late-events.ts): the keys named, or every open one. */
export const AcknowledgeLateEventsSchema = z.strictObject({
  keys: optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.minLength(1), z.maxLength(200)),
  ),
  note: optional(str(4000)),
  ...actor,
});
export const ResolvePayoutSchema = z.discriminatedUnion('action', [
  PayoutRetrySchema,
  OutsidePayoutSchema,
  CreditInsteadSchema,
]);

export type RequestRefundInput = z.infer<typeof RequestRefundSchema>;
export type ReportIssueInput = z.infer<typeof ReportIssueSchema>;
export type RequestInformationInput = z.infer<typeof RequestInformationSchema>;
export type ProvideInformationInput = z.infer<typeof ProvideInformationSchema>;
export type SubmitTechnicalReviewInput = z.infer<typeof SubmitTechnicalReviewSchema>;
export type DecideInput = z.infer<typeof DecideSchema>;
export type WithdrawInput = z.infer<typeof WithdrawSchema>;
export type CancelSubscriptionInput = z.infer<typeof CancelSubscriptionSchema>;
export type DisputeInput = z.infer<typeof DisputeSchema>;
export type UsageReported = z.infer<typeof UsageReportedSchema>;
export type PaymentUpdate = z.infer<typeof PaymentUpdateSchema>;
export type Chargeback = z.infer<typeof ChargebackSchema>;
export type IncidentConfirmed = z.infer<typeof IncidentConfirmedSchema>;
export type ResolvePayoutInput = z.infer<typeof ResolvePayoutSchema>;
export type AcknowledgeLateEventsInput = z.infer<typeof AcknowledgeLateEventsSchema>;

/**
 * What the edge adds to every update: when it received the message (windows are judged then) and
 * a hash of the request, echoed in the answer so a repeated update id with another body is told.
 */
export const MessageMetaSchema = z.strictObject({ receivedAt: instant(), requestHash: optional(str(200)) });
export type MessageMeta = z.infer<typeof MessageMetaSchema>;
/** What the edge adds to a signal: when it received it and the caller's Idempotency-Key. */
export const SignalMetaSchema = z.strictObject({
  receivedAt: optional(instant()),
  dedupeKey: optional(str(200)),
});
export type SignalMeta = z.infer<typeof SignalMetaSchema>;

export const requestRefundUpdate = defineUpdate<CaseAnswer, [RequestRefundInput, MessageMeta?]>(
  'requestRefund',
);
export const reportIssueUpdate = defineUpdate<CaseAnswer, [ReportIssueInput, MessageMeta?]>('reportIssue');
export const requestInformationUpdate = defineUpdate<CaseAnswer, [RequestInformationInput, MessageMeta?]>(
  'requestInformation',
);
export const provideInformationUpdate = defineUpdate<CaseAnswer, [ProvideInformationInput, MessageMeta?]>(
  'provideInformation',
);
export const submitTechnicalReviewUpdate = defineUpdate<
  CaseAnswer,
  [SubmitTechnicalReviewInput, MessageMeta?]
>('submitTechnicalReview');
export const decideUpdate = defineUpdate<CaseAnswer, [DecideInput, MessageMeta?]>('decide');
export const withdrawUpdate = defineUpdate<CaseAnswer, [WithdrawInput, MessageMeta?]>('withdraw');
export const cancelSubscriptionUpdate = defineUpdate<CaseAnswer, [CancelSubscriptionInput, MessageMeta?]>(
  'cancelSubscription',
);
export const disputeUpdate = defineUpdate<CaseAnswer, [DisputeInput, MessageMeta?]>('dispute');

export const resolvePayoutUpdate = defineUpdate<CaseAnswer, [ResolvePayoutInput, MessageMeta?]>(
  'resolvePayout',
);

export const paymentUpdateSignal = defineSignal<[PaymentUpdate, SignalMeta?]>('paymentUpdate');
export const chargebackSignal = defineSignal<[Chargeback, SignalMeta?]>('chargeback');
export const incidentConfirmedSignal = defineSignal<[IncidentConfirmed, SignalMeta?]>('incidentConfirmed');
export const usageReportedSignal = defineSignal<[UsageReported, SignalMeta?]>('usageReported');

export const caseStateQuery = defineQuery<CaseState>('caseState');
