// The API's request schemas: the workflow's own message schemas without `actor` (the API sets
// the actor from the caller's key), plus the bodies that exist only at the HTTP edge.
import { z } from 'zod';
import { IdSchema, OrderSchema, PRESET_IDS, isPresetId } from '../../policies';
import { usageReportSchema } from '../../activities/billing/port';
import { CASE_STATUSES } from '../../workflows/case-state';
import {
  DecideSchema,
  IncidentConfirmedSchema,
  ProvideInformationSchema,
  ReportIssueSchema,
  RequestInformationSchema,
  RequestRefundSchema,
  SubmitTechnicalReviewSchema,
  WithdrawSchema,
  CancelSubscriptionSchema,
  DisputeSchema,
  ChargebackSchema,
  CreditInsteadSchema,
  OutsidePayoutSchema,
  PayoutRetrySchema,
} from '../../workflows/messages';

const noActor = { actor: true } as const;
export const RefundRequestBody = RequestRefundSchema.omit(noActor);
export const IssueBody = ReportIssueSchema.omit(noActor);
export const TechnicalReviewBody = SubmitTechnicalReviewSchema.omit(noActor);
export const DecisionBody = DecideSchema.omit(noActor);
export const WithdrawalBody = WithdrawSchema.omit(noActor);
export const InformationRequestBody = RequestInformationSchema.omit(noActor);
export const InformationBody = ProvideInformationSchema.omit(noActor);
export const CancellationBody = CancelSubscriptionSchema.omit(noActor);
export const DisputeBody = DisputeSchema.omit(noActor);
// The payout route: one body per choice (the update's `action` is the route's).
const noActorNoAction = { actor: true, action: true } as const;
export const PayoutRetryBody = PayoutRetrySchema.omit(noActorNoAction);
export const OutsidePayoutBody = OutsidePayoutSchema.omit(noActorNoAction);
export const CreditInsteadBody = CreditInsteadSchema.omit(noActorNoAction);
export const ChargebackBody = ChargebackSchema.omit(noActor);
/** PUT /v1/orders/:orderId/usage: the cumulative amount used so far, in the order's quota unit. */
export const UsageBody = usageReportSchema.omit({ orderId: true }).strict();

export const IncidentBody = IncidentConfirmedSchema.omit(noActor).refine(
  (i) => Date.parse(i.from) <= Date.parse(i.to),
  {
    path: ['to'],
    message: 'must not be before from',
  },
);

export const StartCaseBody = z
  .object({
    policyId: z.string().refine(isPresetId, { message: `unknown policy (known: ${PRESET_IDS.join(', ')})` }),
    order: OrderSchema,
    /** Where the customer's emails go; recorded in billing, not in the case (it is personal data). */
    customerEmail: z.email().optional(),
  })
  .strict();

/** Checkout may send the email inside the order; it is lifted out so `order` stays exactly OrderSchema. */
export const StartCaseRequest = z.preprocess((raw) => {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const { order, ...rest } = raw as Record<string, unknown>;
  if (!order || typeof order !== 'object' || Array.isArray(order) || !('customerEmail' in order)) return raw;
  const { customerEmail, ...orderOnly } = order as Record<string, unknown>;
  return { ...rest, customerEmail: rest.customerEmail ?? customerEmail, order: orderOnly };
}, StartCaseBody);

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const limit = z.coerce.number().int().min(1).max(1000);

// Filter values go into a visibility query; a control character (NUL above all) breaks the
// server's SQL and came back as a 503 (found by test/reliability/api-abuse.test.ts).
const filterValue = z
  .string()
  .min(1)
  .max(200)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');

export const ListCasesQuery = z
  .object({
    status: z.enum(CASE_STATUSES).optional(),
    policy: filterValue.optional(),
    customerId: filterValue.optional(),
    productId: filterValue.optional(),
    /** Cases whose next deadline falls before this time ("due soon"). */
    dueBefore: z.iso.datetime({ offset: true }).optional(),
    escalated: flag.optional(),
    open: flag.optional(),
    limit: limit.optional(),
  })
  .strict();

export const OutboxQuery = z.object({ orderId: IdSchema.optional(), limit: limit.optional() }).strict();
