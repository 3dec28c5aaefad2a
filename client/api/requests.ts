// The API's request schemas: the workflow's own message schemas without `actor` (the API sets
// the actor from the caller's key), plus the bodies that exist only at the HTTP edge. The message
// schemas are zod/mini (workflows/messages.ts), so the bodies derived from them are too; zod's own
// functions (parse, toJSONSchema) read either kind.
import { z } from 'zod';
import { z as zm } from 'zod/mini';
import { IdSchema, OrderSchema, PRESET_IDS, isPresetId } from '../../policies';
import { usageReportSchema } from '../../activities/billing/port';
import { CASE_STATUSES } from '../../workflows/case-state';
import { CASE_SORTS } from '../case-page';
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
  AcknowledgeLateEventsSchema,
} from '../../workflows/messages';

const noActor = { actor: true } as const;
export const RefundRequestBody = zm.omit(RequestRefundSchema, noActor);
export const IssueBody = zm.omit(ReportIssueSchema, noActor);
export const TechnicalReviewBody = zm.omit(SubmitTechnicalReviewSchema, noActor);
export const DecisionBody = zm.omit(DecideSchema, noActor);
export const WithdrawalBody = zm.omit(WithdrawSchema, noActor);
export const InformationRequestBody = zm.omit(RequestInformationSchema, noActor);
export const InformationBody = zm.omit(ProvideInformationSchema, noActor);
export const CancellationBody = zm.omit(CancelSubscriptionSchema, noActor);
export const DisputeBody = zm.omit(DisputeSchema, noActor);
// The payout route: one body per choice (the update's `action` is the route's).
const noActorNoAction = { actor: true, action: true } as const;
export const PayoutRetryBody = zm.omit(PayoutRetrySchema, noActorNoAction);
export const OutsidePayoutBody = zm.omit(OutsidePayoutSchema, noActorNoAction);
export const CreditInsteadBody = zm.omit(CreditInsteadSchema, noActorNoAction);
export const ChargebackBody = zm.omit(ChargebackSchema, noActor);
export const LateEventsAcknowledgementBody = zm.omit(AcknowledgeLateEventsSchema, noActor);
/** PUT /v1/orders/:orderId/usage: the cumulative amount used so far, in the order's quota unit. */
export const UsageBody = usageReportSchema.omit({ orderId: true }).strict();

export const IncidentBody = zm.omit(IncidentConfirmedSchema, noActor).check(
  zm.refine((i) => Date.parse(i.from) <= Date.parse(i.to), {
    path: ['to'],
    message: 'must not be before from',
  }),
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
const pageSize = z.coerce.number().int().min(1).max(200);
const pageToken = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken this API gave');

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
    /** An order id prefix, a customer id prefix, or a customer email (resolved through billing). */
    q: filterValue.optional(),
    sort: z.enum(CASE_SORTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    pageSize: pageSize.optional(),
    /** `limit` is the older name of `pageSize`. */
    limit: pageSize.optional(),
    pageToken: pageToken.optional(),
  })
  .strict();

export const OutboxQuery = z
  .object({
    orderId: IdSchema.optional(),
    pageSize: pageSize.optional(),
    limit: pageSize.optional(),
    pageToken: pageToken.optional(),
  })
  .strict();
