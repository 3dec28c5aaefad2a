// Every signal, query and update of the refund case, defined once. The client library, the
// HTTP API and the tests import these definitions; the zod schemas are what the update
// validators (inside the workflow) and the API (at the edge) both check.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { RequestReasonSchema, TECHNICAL_REVIEW_OUTCOMES } from '../policies';
import type { CaseAnswer, CaseState } from './case-state';

/** Who did something, for the timeline: a role and an optional identity (key name, email). */
export const ActorSchema = z
  .object({ role: z.enum(['checkout', 'support', 'reviewer', 'admin', 'customer', 'system', 'gateway']), id: z.string().max(200).optional() })
  .strict();
export type Actor = z.infer<typeof ActorSchema>;

const actor = { actor: ActorSchema.optional() };

/**
 * What the payload codec hands the workflow in place of a payload that was not sealed with the
 * encryption key (codec/codec.ts): anyone who reaches Temporal's frontend can send a plain
 * signal or update, so such a payload is refused without failing the workflow task. Every
 * message schema below fails on it; the workflow drops the message and records `message_refused`.
 */
export const REFUSED_PAYLOAD_KEY = '$refused';
export const isRefusedPayload = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && REFUSED_PAYLOAD_KEY in value;
const text = (max: number) => z.string().trim().min(1).max(max);

export const RequestRefundSchema = z.object({ reason: RequestReasonSchema, description: z.string().max(4000).optional(), ...actor }).strict();
export const ReportIssueSchema = z.object({ description: text(4000), ...actor }).strict();
export const InformationItemSchema = z.enum(['order_id', 'payment_method', 'logs', 'screenshots', 'timestamps', 'network_context', 'invoice_copy', 'kyc', 'other']);
export const RequestInformationSchema = z
  .object({ items: z.array(InformationItemSchema).min(1), note: z.string().max(4000).optional(), ...actor })
  .strict();
export const ProvideInformationSchema = z
  .object({ items: z.array(InformationItemSchema).min(1), note: z.string().max(4000).optional(), ...actor })
  .strict();
export const TechnicalReviewOutcomeSchema = z.enum(TECHNICAL_REVIEW_OUTCOMES);
export const SubmitTechnicalReviewSchema = z.object({ outcome: TechnicalReviewOutcomeSchema, notes: z.string().max(4000).optional(), ...actor }).strict();
export const DecisionOutcomeSchema = z.enum(['full_refund', 'partial_refund', 'credit', 'service_extension', 'denied']);
export const DecideSchema = z
  .object({
    outcome: DecisionOutcomeSchema,
    amountMinor: z.number().int().nonnegative().optional(),
    extensionDays: z.number().int().positive().max(366).optional(),
    note: text(4000),
    ...actor,
  })
  .strict();
export const WithdrawSchema = z.object({ note: z.string().max(4000).optional(), ...actor }).strict();
export const CancelSubscriptionSchema = z.object({ note: z.string().max(4000).optional(), ...actor }).strict();
export const DisputeSchema = z.object({ description: text(4000), ...actor }).strict();
/** Billing has a usage figure for the order (PUT /v1/orders/:orderId/usage): a case waiting on it decides again. */
export const UsageReportedSchema = z
  .object({ used: z.number().nonnegative().finite(), reportedAt: z.iso.datetime({ offset: true }), ...actor })
  .strict();

export const PaymentUpdateSchema = z
  .object({
    eventId: z.string().min(1).max(200),
    refundId: z.string().min(1).max(200),
    status: z.enum(['pending', 'succeeded', 'failed', 'canceled']),
    failureReason: z.string().max(200).optional(),
    ...actor,
  })
  .strict();
export const ChargebackSchema = z
  .object({ active: z.boolean(), reference: z.string().max(200).optional(), note: z.string().max(4000).optional(), ...actor })
  .strict();
export const IncidentConfirmedSchema = z
  .object({
    incidentId: z.string().min(1).max(200),
    productId: z.string().max(200).regex(/^\P{Cc}*$/u, 'must not contain control characters').optional(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    description: text(4000),
    ...actor,
  })
  .strict();

// The payout route (workflows/case/payout-route.ts): support's choices once the payout limit
// passed or the gateway reported the refund failed. One update, one schema per choice.
export const PayoutRetrySchema = z.object({ action: z.literal('retry'), note: text(4000), ...actor }).strict();
export const OUTSIDE_PAYOUT_METHODS = ['bank_transfer', 'card', 'paypal', 'check', 'cash', 'other'] as const;
export const OutsidePayoutSchema = z
  .object({
    action: z.literal('record_outside'),
    /** The payment's reference in the system that made it (bank transfer id, PayPal transaction id). */
    reference: text(200),
    amountMinor: z.number().int().positive(),
    method: z.enum(OUTSIDE_PAYOUT_METHODS),
    note: z.string().max(4000).optional(),
    ...actor,
  })
  .strict();
export const CreditInsteadSchema = z
  .object({
    action: z.literal('credit'),
    /** Default: the approved refund's amount. */
    amountMinor: z.number().int().positive().optional(),
    note: text(4000),
    ...actor,
  })
  .strict();
export const ResolvePayoutSchema = z.discriminatedUnion('action', [PayoutRetrySchema, OutsidePayoutSchema, CreditInsteadSchema]);

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

/**
 * What the edge adds to every update: when it received the message (windows are judged then) and
 * a hash of the request, echoed in the answer so a repeated update id with another body is told.
 */
export const MessageMetaSchema = z
  .object({ receivedAt: z.iso.datetime({ offset: true }), requestHash: z.string().max(200).optional() })
  .strict();
export type MessageMeta = z.infer<typeof MessageMetaSchema>;
/** What the edge adds to a signal: when it received it and the caller's Idempotency-Key. */
export const SignalMetaSchema = z
  .object({ receivedAt: z.iso.datetime({ offset: true }).optional(), dedupeKey: z.string().max(200).optional() })
  .strict();
export type SignalMeta = z.infer<typeof SignalMetaSchema>;

export const requestRefundUpdate = defineUpdate<CaseAnswer, [RequestRefundInput, MessageMeta?]>('requestRefund');
export const reportIssueUpdate = defineUpdate<CaseAnswer, [ReportIssueInput, MessageMeta?]>('reportIssue');
export const requestInformationUpdate = defineUpdate<CaseAnswer, [RequestInformationInput, MessageMeta?]>('requestInformation');
export const provideInformationUpdate = defineUpdate<CaseAnswer, [ProvideInformationInput, MessageMeta?]>('provideInformation');
export const submitTechnicalReviewUpdate = defineUpdate<CaseAnswer, [SubmitTechnicalReviewInput, MessageMeta?]>('submitTechnicalReview');
export const decideUpdate = defineUpdate<CaseAnswer, [DecideInput, MessageMeta?]>('decide');
export const withdrawUpdate = defineUpdate<CaseAnswer, [WithdrawInput, MessageMeta?]>('withdraw');
export const cancelSubscriptionUpdate = defineUpdate<CaseAnswer, [CancelSubscriptionInput, MessageMeta?]>('cancelSubscription');
export const disputeUpdate = defineUpdate<CaseAnswer, [DisputeInput, MessageMeta?]>('dispute');

export const resolvePayoutUpdate = defineUpdate<CaseAnswer, [ResolvePayoutInput, MessageMeta?]>('resolvePayout');

export const paymentUpdateSignal = defineSignal<[PaymentUpdate, SignalMeta?]>('paymentUpdate');
export const chargebackSignal = defineSignal<[Chargeback, SignalMeta?]>('chargeback');
export const incidentConfirmedSignal = defineSignal<[IncidentConfirmed, SignalMeta?]>('incidentConfirmed');
export const usageReportedSignal = defineSignal<[UsageReported, SignalMeta?]>('usageReported');

export const caseStateQuery = defineQuery<CaseState>('caseState');
