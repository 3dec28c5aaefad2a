// The zod/mini schema of every message the refund case receives, defined once: the HTTP API
// (through workflows/messages.ts), the client library and the workflow's validators check with
// these very objects.
//
// Each schema is built by a memoised function, on its first use, not when the module is
// evaluated: the SDK evaluates the workflow's modules again for every workflow it runs (issue 15),
// and building every schema cost each case ~1.4 ms of its first task though most cases never
// receive most messages. Nothing here may import the `policies` barrel (its schemas are full zod).
import { z } from 'zod/mini';
import { REQUEST_REASONS, TECHNICAL_REVIEW_OUTCOMES } from '../policies/codes';
import './zod-setup';

/** Builds once, on the first call; the same object afterwards. */
const memo = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};

const str = (max: number) => z.string().check(z.maxLength(max));
/** A required text: trimmed, not empty. */
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const optional = <T extends z.core.SomeType>(schema: T) => z.optional(schema);
const instant = () => z.iso.datetime({ offset: true });
const id = () => z.string().check(z.minLength(1), z.maxLength(200));

/** Who did something, for the timeline: a role and an optional identity (key name, email). */
const Actor = memo(() =>
  z.strictObject({
    role: z.enum(['checkout', 'support', 'reviewer', 'admin', 'customer', 'system', 'gateway']),
    id: optional(str(200)),
  }),
);
const actor = () => ({ actor: optional(Actor()) });

const RequestRefund = memo(() =>
  z.strictObject({
    reason: z.enum(REQUEST_REASONS),
    description: optional(str(4000)),
    ...actor(),
  }),
);
const ReportIssue = memo(() => z.strictObject({ description: text(4000), ...actor() }));
const InformationItem = memo(() =>
  z.enum([
    'order_id',
    'payment_method',
    'logs',
    'screenshots',
    'timestamps',
    'network_context',
    'invoice_copy',
    'kyc',
    'other',
  ]),
);
const informationItems = () => z.array(InformationItem()).check(z.minLength(1));
const RequestInformation = memo(() =>
  z.strictObject({ items: informationItems(), note: optional(str(4000)), ...actor() }),
);
const ProvideInformation = memo(() =>
  z.strictObject({ items: informationItems(), note: optional(str(4000)), ...actor() }),
);
const TechnicalReviewOutcome = memo(() => z.enum(TECHNICAL_REVIEW_OUTCOMES));
const SubmitTechnicalReview = memo(() =>
  z.strictObject({ outcome: TechnicalReviewOutcome(), notes: optional(str(4000)), ...actor() }),
);
const DecisionOutcome = memo(() =>
  z.enum(['full_refund', 'partial_refund', 'credit', 'service_extension', 'denied']),
);
const Decide = memo(() =>
  z.strictObject({
    outcome: DecisionOutcome(),
    amountMinor: optional(z.number().check(z.int(), z.nonnegative())),
    extensionDays: optional(z.number().check(z.int(), z.positive(), z.lte(366))),
    /** The amount support found charged in error: a billing-error correction pays back at most this. */
    billingErrorMinor: optional(z.number().check(z.int(), z.positive())),
    /** Internal: the timeline and support see it; never emailed. */
    note: text(4000),
    /** Sent to the customer in the decision email (the note stays internal). */
    customerMessage: optional(text(2000)),
    ...actor(),
  }),
);
const Withdraw = memo(() => z.strictObject({ note: optional(str(4000)), ...actor() }));
const CancelSubscription = memo(() => z.strictObject({ note: optional(str(4000)), ...actor() }));
const Dispute = memo(() => z.strictObject({ description: text(4000), ...actor() }));
/** Billing has a usage figure for the order (PUT /v1/orders/:orderId/usage): a case waiting on it decides again. */
const UsageReported = memo(() =>
  z.strictObject({ used: z.number().check(z.nonnegative()), reportedAt: instant(), ...actor() }),
);
const PaymentUpdate = memo(() =>
  z.strictObject({
    eventId: id(),
    refundId: id(),
    status: z.enum(['pending', 'succeeded', 'failed', 'canceled']),
    failureReason: optional(str(200)),
    ...actor(),
  }),
);
const Chargeback = memo(() =>
  z.strictObject({
    active: z.boolean(),
    reference: optional(str(200)),
    note: optional(str(4000)),
    ...actor(),
  }),
);
const IncidentConfirmed = memo(() =>
  z.strictObject({
    incidentId: id(),
    productId: optional(
      z.string().check(z.maxLength(200), z.regex(/^\P{Cc}*$/u, 'must not contain control characters')),
    ),
    from: instant(),
    to: instant(),
    description: text(4000),
    ...actor(),
  }),
);

// The payout route (workflows/case/payout-route.ts): support's choices once the payout limit
// passed or the gateway reported the refund failed. One update, one schema per choice.
const PayoutRetry = memo(() => z.strictObject({ action: z.literal('retry'), note: text(4000), ...actor() }));
export const OUTSIDE_PAYOUT_METHODS = ['bank_transfer', 'card', 'paypal', 'check', 'cash', 'other'] as const;
const OutsidePayout = memo(() =>
  z.strictObject({
    action: z.literal('record_outside'),
    /** The payment's reference in the system that made it (bank transfer id, PayPal transaction id). */
    reference: text(200),
    amountMinor: z.number().check(z.int(), z.positive()),
    method: z.enum(OUTSIDE_PAYOUT_METHODS),
    note: optional(str(4000)),
    ...actor(),
  }),
);
const CreditInstead = memo(() =>
  z.strictObject({
    action: z.literal('credit'),
    /** Default: the approved refund's amount. */
    amountMinor: optional(z.number().check(z.int(), z.positive())),
    note: text(4000),
    ...actor(),
  }),
);
const ResolvePayout = memo(() =>
  z.discriminatedUnion('action', [PayoutRetry(), OutsidePayout(), CreditInstead()]),
);
/** Support acknowledges late events (workflows/late-events.ts): the keys named, or every open one. */
const AcknowledgeLateEvents = memo(() =>
  z.strictObject({
    keys: optional(z.array(id()).check(z.minLength(1), z.maxLength(200))),
    note: optional(str(4000)),
    ...actor(),
  }),
);

/**
 * What the edge adds to every update: when it received the message (windows are judged then) and
 * a hash of the request, echoed in the answer so a repeated update id with another body is told.
 */
const MessageMeta = memo(() => z.strictObject({ receivedAt: instant(), requestHash: optional(str(200)) }));
/** What the edge adds to a signal: when it received it and the caller's Idempotency-Key. */
const SignalMeta = memo(() =>
  z.strictObject({ receivedAt: optional(instant()), dedupeKey: optional(str(200)) }),
);

/** Every message's schema, by name: call one to have it (built on the first call). */
export const messageSchema = {
  Actor,
  RequestRefund,
  ReportIssue,
  InformationItem,
  RequestInformation,
  ProvideInformation,
  TechnicalReviewOutcome,
  SubmitTechnicalReview,
  DecisionOutcome,
  Decide,
  Withdraw,
  CancelSubscription,
  Dispute,
  UsageReported,
  PaymentUpdate,
  Chargeback,
  IncidentConfirmed,
  PayoutRetry,
  OutsidePayout,
  CreditInstead,
  ResolvePayout,
  AcknowledgeLateEvents,
  MessageMeta,
  SignalMeta,
};
export type MessageSchemaName = keyof typeof messageSchema;
/** The parsed value of the message named `K`. */
export type MessageOf<K extends MessageSchemaName> = z.infer<ReturnType<(typeof messageSchema)[K]>>;
