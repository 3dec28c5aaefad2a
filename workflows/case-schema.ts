// The refund case's state as zod schemas, the one source of its shape: the workflow's types
// (workflows/case-state.ts infers CaseState, TimelineEntry, PayoutState and CaseDeadlines from
// them), the OpenAPI document's Case, Deadlines, TimelineEntry, Payout and Actor
// (client/api/responses.ts names these very objects) and, through the API's schemas, the
// support UI's types (ui/types.d.ts).
//
// Written with zod/mini, as workflows/messages.ts is, so the module stays importable by workflow
// code without full zod. The workflow itself imports only its types (erased when bundled): it
// never validates its own state, so the schemas cost a workflow nothing.
import { z } from 'zod/mini';
import type { Decision } from '../policies/evaluate';
import { CASE_STATUSES } from './case-state';
import { ActorSchema, type Actor } from './messages';

const described = <T extends z.core.SomeType>(schema: T, description: string): T =>
  (schema as unknown as z.ZodMiniType).check(z.meta({ description })) as unknown as T;
const instant = () => z.iso.datetime({ offset: true });
const optionalInstant = (description?: string) =>
  description ? described(z.optional(instant()), description) : z.optional(instant());
const minor = () => z.int().check(z.nonnegative());

export const CaseStatusSchema = z.enum(CASE_STATUSES);
export const PolicyVersionSchema = z.union([z.string(), z.int()]);

/** Who did something, as the case records it (the messages' ActorSchema, described). */
export const CaseActorSchema = described(ActorSchema, 'Who did something: a role and the key or person');

export const DeadlinesSchema = described(
  z.object({
    requestWindowEndsAt: optionalInstant(),
    remediationDeadline: optionalInstant(),
    decisionDeadline: optionalInstant(),
    decisionTarget: optionalInstant(
      "The policy's usual answer time; when it passes undecided the customer is told",
    ),
    payoutDeadline: optionalInstant(),
    subscriptionEndsAt: optionalInstant(),
    incidentCoverEndsAt: optionalInstant('Until when a confirmed incident can still reach this case'),
    disputeWindowEndsAt: optionalInstant(
      'Until when the denial can be disputed (POST /v1/cases/:orderId/disputes)',
    ),
    settlePeriodEndsAt: optionalInstant(
      "A paid case takes the gateway's events and chargebacks on its own timeline until then; later ones go to the late-event record",
    ),
  }),
  "The case's clocks as absolute ISO 8601 times; each appears once it applies",
);

export const TimelineEntrySchema = z.object({
  at: instant(),
  type: z.string(),
  actor: CaseActorSchema,
  summary: z.string(),
  data: z.optional(z.record(z.string(), z.unknown())),
});

export const PayoutSchema = z.object({
  attempt: z.int().check(z.positive()),
  idempotencyKey: z.string(),
  refundId: z.optional(z.string()),
  status: z.enum(['creating', 'pending', 'succeeded', 'failed', 'canceled']),
  amountMinor: minor(),
  currency: z.string(),
  failureReason: z.optional(z.string()),
  createdAt: instant(),
  settledAt: optionalInstant(),
  outcomeUnknown: described(
    z.optional(z.boolean()),
    "The last call's outcome is unknown; the attempt keeps its key and the gateway is asked first",
  ),
  outside: described(
    z.optional(z.object({ reference: z.string(), method: z.string(), recordedBy: CaseActorSchema })),
    'A payout made outside the gateway, recorded by support (POST …/outside-payouts)',
  ),
  abandoned: described(
    z.optional(z.boolean()),
    'Support chose another route while this refund was pending at the gateway; a later success is flagged as a double payment',
  ),
});

/** The decision on a case: the policy's (policies/evaluate.ts), with when, by whom and why. */
export type CaseDecision = Decision & { decidedAt: string; decidedBy: Actor; note?: string };

/**
 * The workflow's caseState query. `decision` is policies' Decision, typed here and documented by
 * the API (client/api/responses.ts extends this schema with its Decision schema in its place).
 */
export const CaseStateSchema = z.object({
  orderId: z.string(),
  workflowId: z.string(),
  customerId: z.string(),
  productId: z.optional(z.string()),
  status: CaseStatusSchema,
  policyId: z.string(),
  policyVersion: PolicyVersionSchema,
  fingerprint: z.string(),
  currency: z.string(),
  paidMinor: minor(),
  deadlines: DeadlinesSchema,
  nextDeadline: optionalInstant('The next deadline the case waits for'),
  escalated: z.boolean(),
  escalations: z.array(z.object({ at: instant(), reason: z.string() })),
  request: z.optional(
    z.object({ reason: z.string(), description: z.optional(z.string()), requestedAt: instant() }),
  ),
  issue: z.optional(
    z.object({
      description: z.string(),
      reportedAt: instant(),
      remediatedAt: optionalInstant(),
      fromRequest: described(
        z.optional(z.boolean()),
        'The refund request named a technical problem and is the issue report',
      ),
    }),
  ),
  informationRequest: z.optional(
    z.object({
      items: z.array(z.string()),
      requestedAt: instant(),
      providedAt: optionalInstant(),
      note: z.optional(z.string()),
    }),
  ),
  technicalReview: z.optional(
    z.object({ outcome: z.string(), notes: z.optional(z.string()), at: instant() }),
  ),
  decision: z.optional(z.custom<CaseDecision>()),
  payout: z.optional(PayoutSchema),
  earlierPayouts: described(z.optional(z.array(PayoutSchema)), 'Earlier payout attempts, oldest first'),
  chargebackActive: z.boolean(),
  incidents: z.array(z.object({ incidentId: z.string(), confirmedAt: instant(), description: z.string() })),
  subscription: z.optional(
    z.object({
      cancelRequestedAt: optionalInstant(),
      effectiveAt: optionalInstant(),
      ended: z.optional(z.boolean()),
    }),
  ),
  dispute: described(
    z.optional(z.object({ disputedAt: instant(), description: z.string() })),
    'The customer disputed the denial; a person decides within the policy',
  ),
  timeline: z.array(TimelineEntrySchema),
  closed: z.boolean(),
  payoutRoute: described(
    z.optional(z.object({ reason: z.string() })),
    "Support's payout route is open (payout-retries, outside-payouts, payout-credits), and why: the payout limit passed, the gateway failed the refund, or billing refused the remedy",
  ),
});
