// The API's response bodies as zod schemas, next to the request schemas in ./schemas. They are the
// single source of what /openapi.json says each route answers (success and error bodies alike);
// the routes' handlers are typed against them, and test/api checks real answers against the
// document. The shapes are written out here rather than inferred from the TypeScript interfaces
// of the workflow and the policies, and the assertions at the end keep the two in step.
import { z } from 'zod';
import {
  InstantSchema,
  OutcomeSchema,
  PolicySchema,
  ReasonCodeSchema,
  ReviewBoundsSchema,
  type Decision,
} from '../../policies';
import type { OutboxMessage } from '../../activities';
import { API_ROLES } from '../../config';
import { CASE_STATUSES, type CaseState } from '../../workflows/case-state';
import { ActorSchema } from '../../workflows/messages';
import type { CaseSummary } from '../refund-client';
import type { Caller } from './auth';
import type { CaseView, CheckoutCaseView } from './case-view';
import { DeskFieldsShape, PageFieldsShape } from './desk-schemas';

/** Every named response schema, by the name it has under components.schemas in the OpenAPI document. */
export const responseSchemas = z.registry<{ id: string }>();
const named = <S extends z.core.$ZodType>(schema: S, id: string, description?: string): S => {
  // A description is zod metadata on a copy of the schema (what full zod's .meta() does), so a
  // shared schema such as ActorSchema (zod/mini, workflows/messages.ts) is not changed.
  const documented = description ? z.core.clone(schema) : schema;
  if (description) z.globalRegistry.add(documented, { description });
  responseSchemas.add(documented, { id });
  return documented;
};

const Minor = z.number().int().nonnegative();
const CaseStatusSchema = z.enum(CASE_STATUSES);
const PolicyVersionSchema = z.union([z.string(), z.number().int()]);

// ---- errors -------------------------------------------------------------------------------------

export const IssueSchema = named(
  z.object({
    path: z.string().meta({ description: 'The offending field, e.g. order.amountMinor or (body)' }),
    message: z.string(),
  }),
  'Issue',
);

/** Every error the API sends (client/api/errors.ts): a message, and the field issues or the case. */
export const ErrorReply = named(
  z.object({
    error: z.string(),
    issues: z
      .array(IssueSchema)
      .optional()
      .meta({ description: 'On a 400 for invalid input: one per field' }),
    orderId: z.string().optional().meta({ description: 'On a 404 or 409 about a case: its order' }),
  }),
  'Error',
  'What went wrong, in words; field issues for invalid input, the orderId for an unknown or refusing case',
);

// ---- the case -----------------------------------------------------------------------------------

export const ActorReply = named(ActorSchema, 'Actor', 'Who did something: a role and the key or person');

export const ReviewBoundsReply = named(
  ReviewBoundsSchema,
  'ReviewBounds',
  'For needs_review: what the case waits for and what a reviewer may decide',
);

/** evaluate()'s answer, for dry runs and inside a case. */
export const DecisionReply = named(
  z.object({
    outcome: OutcomeSchema,
    amountMinor: Minor.meta({ description: 'Cash to refund in minor units (0 unless a refund)' }),
    currency: z.string(),
    reasons: z
      .array(ReasonCodeSchema)
      .meta({ description: 'Every reason that applied, most decisive first' }),
    policyId: z.string(),
    policyVersion: PolicyVersionSchema,
    explanations: z.array(z.string()).meta({ description: 'Plain words, one per reason, in the same order' }),
    extensionDays: z.number().int().positive().optional(),
    creditMinor: Minor.optional(),
    review: ReviewBoundsReply.optional(),
  }),
  'Decision',
  "The policy's decision on a refund request",
);

export const CaseDecisionSchema = named(
  DecisionReply.extend({
    decidedAt: InstantSchema,
    decidedBy: ActorReply,
    note: z.string().optional().meta({ description: "The decider's internal note; never emailed" }),
    customerMessage: z
      .string()
      .optional()
      .meta({ description: 'What the decision email told the customer, in the reviewer’s words' }),
  }),
  'CaseDecision',
  'The decision on the case, with when and by whom it was made',
);

export const TimelineEntrySchema = named(
  z.object({
    at: InstantSchema,
    type: z.string(),
    actor: ActorReply,
    summary: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  'TimelineEntry',
);

export const PayoutSchema = named(
  z.object({
    attempt: z.number().int().positive(),
    idempotencyKey: z.string(),
    refundId: z.string().optional(),
    status: z.enum(['creating', 'pending', 'succeeded', 'failed', 'canceled']),
    amountMinor: Minor,
    currency: z.string(),
    failureReason: z.string().optional(),
    createdAt: InstantSchema,
    settledAt: InstantSchema.optional(),
    outcomeUnknown: z.boolean().optional().meta({
      description:
        "The last call's outcome is unknown; the attempt keeps its key and the gateway is asked first",
    }),
    outside: z.object({ reference: z.string(), method: z.string(), recordedBy: ActorReply }).optional().meta({
      description: 'A payout made outside the gateway, recorded by support (POST …/outside-payouts)',
    }),
    abandoned: z.boolean().optional().meta({
      description:
        'Support chose another route while this refund was pending at the gateway; a later success is flagged as a double payment',
    }),
  }),
  'Payout',
);

export const DeadlinesSchema = named(
  z.object({
    requestWindowEndsAt: InstantSchema.optional(),
    remediationDeadline: InstantSchema.optional(),
    decisionDeadline: InstantSchema.optional(),
    decisionTarget: InstantSchema.optional().meta({
      description: "The policy's usual answer time; when it passes undecided the customer is told",
    }),
    payoutDeadline: InstantSchema.optional(),
    subscriptionEndsAt: InstantSchema.optional(),
    incidentCoverEndsAt: InstantSchema.optional().meta({
      description: 'Until when a confirmed incident can still reach this case',
    }),
    disputeWindowEndsAt: InstantSchema.optional().meta({
      description: 'Until when the denial can be disputed (POST /v1/cases/:orderId/disputes)',
    }),
    settlePeriodEndsAt: InstantSchema.optional().meta({
      description:
        "A paid case takes the gateway's events and chargebacks on its own timeline until then; later ones go to the late-event record",
    }),
  }),
  'Deadlines',
  "The case's clocks as absolute ISO 8601 times; each appears once it applies",
);

/** The workflow's caseState query (workflows/case-state.ts). */
export const CaseStateSchema = z.object({
  orderId: z.string(),
  workflowId: z.string(),
  customerId: z.string(),
  productId: z.string().optional(),
  status: CaseStatusSchema,
  policyId: z.string(),
  policyVersion: PolicyVersionSchema,
  fingerprint: z.string(),
  currency: z.string(),
  paidMinor: Minor,
  deadlines: DeadlinesSchema,
  nextDeadline: InstantSchema.optional().meta({ description: 'The next deadline the case waits for' }),
  escalated: z.boolean(),
  escalations: z.array(
    z.object({
      at: InstantSchema,
      reason: z.string(),
      code: z
        .string()
        .optional()
        .meta({ description: 'The kind of escalation (absent on cases escalated before codes were kept)' }),
      clearedAt: InstantSchema.optional().meta({
        description: 'When someone acted on the case and the escalation cleared',
      }),
    }),
  ),
  request: z
    .object({ reason: z.string(), description: z.string().optional(), requestedAt: InstantSchema })
    .optional(),
  issue: z
    .object({
      description: z.string(),
      reportedAt: InstantSchema,
      remediatedAt: InstantSchema.optional(),
      fromRequest: z
        .boolean()
        .optional()
        .meta({ description: 'The refund request named a technical problem and is the issue report' }),
    })
    .optional(),
  informationRequest: z
    .object({
      items: z.array(z.string()),
      requestedAt: InstantSchema,
      providedAt: InstantSchema.optional(),
      note: z.string().optional(),
    })
    .optional(),
  technicalReview: z
    .object({ outcome: z.string(), notes: z.string().optional(), at: InstantSchema })
    .optional(),
  decision: CaseDecisionSchema.optional(),
  payout: PayoutSchema.optional(),
  earlierPayouts: z
    .array(PayoutSchema)
    .optional()
    .meta({ description: 'Earlier payout attempts, oldest first' }),
  chargebackActive: z.boolean(),
  incidents: z.array(
    z.object({ incidentId: z.string(), confirmedAt: InstantSchema, description: z.string() }),
  ),
  subscription: z
    .object({
      cancelRequestedAt: InstantSchema.optional(),
      effectiveAt: InstantSchema.optional(),
      ended: z.boolean().optional(),
    })
    .optional(),
  dispute: z
    .object({ disputedAt: InstantSchema, description: z.string() })
    .optional()
    .meta({ description: 'The customer disputed the denial; a person decides within the policy' }),
  timeline: z.array(TimelineEntrySchema),
  closed: z.boolean(),
  payoutRoute: z.object({ reason: z.string() }).optional().meta({
    description:
      "Support's payout route is open (payout-retries, outside-payouts, payout-credits), and why: the payout limit passed, the gateway failed the refund, or billing refused the remedy",
  }),
});

/** GET /v1/cases/:orderId and every case write (client/api/case-view.ts). */
export const CaseReply = named(
  CaseStateSchema.extend({
    outcome: OutcomeSchema.nullable().meta({
      description: 'decision.outcome lifted to the top; null before there is one',
    }),
    lateEvents: z
      .object({
        total: z.number().int().nonnegative(),
        events: z.array(
          z.object({
            key: z.string(),
            kind: z.enum(['payment_update', 'chargeback']),
            receivedAt: InstantSchema,
            summary: z.string(),
            actor: z.optional(ActorReply),
            caseStatus: z.string().optional(),
            notifiedAt: InstantSchema.optional(),
            acknowledgedAt: InstantSchema.optional().meta({
              description: 'Support acknowledged it (POST …/late-events/acknowledgements)',
            }),
            acknowledgedBy: z.optional(ActorReply),
            acknowledgeNote: z.string().optional(),
          }),
        ),
      })
      .optional()
      .meta({
        description:
          'Gateway events and chargebacks that arrived after the case ended (GET only): recorded, support told',
      }),
    ...DeskFieldsShape,
  }),
  'Case',
  'The case state: status, deadlines, the decision with its reasons, amounts and the timeline',
);

/** What checkout sees of a case (client/api/case-view.ts): nothing internal, and nothing more. */
export const CheckoutCaseReply = named(
  z
    .object({
      orderId: z.string(),
      status: CaseStatusSchema,
      policyId: z.string(),
      policyVersion: PolicyVersionSchema,
      currency: z.string(),
      paidMinor: Minor,
      deadlines: DeadlinesSchema,
      nextDeadline: InstantSchema.optional(),
      outcome: OutcomeSchema.nullable(),
      request: z.object({ reason: z.string(), requestedAt: InstantSchema }).strict().optional(),
      informationRequest: z
        .object({
          items: z.array(z.string()),
          requestedAt: InstantSchema,
          providedAt: InstantSchema.optional(),
        })
        .strict()
        .optional(),
      decision: z
        .object({
          outcome: OutcomeSchema,
          amountMinor: Minor,
          currency: z.string(),
          reasons: z.array(ReasonCodeSchema),
          explanations: z.array(z.string()),
          extensionDays: z.number().int().positive().optional(),
          creditMinor: Minor.optional(),
          decidedAt: InstantSchema,
        })
        .strict()
        .optional(),
      payout: z
        .object({
          status: z.enum(['creating', 'pending', 'succeeded', 'failed', 'canceled']),
          amountMinor: Minor,
          currency: z.string(),
          settledAt: InstantSchema.optional(),
        })
        .strict()
        .optional(),
      subscription: z
        .object({
          cancelRequestedAt: InstantSchema.optional(),
          effectiveAt: InstantSchema.optional(),
          ended: z.boolean().optional(),
        })
        .strict()
        .optional(),
      closed: z.boolean(),
    })
    .strict(),
  'CheckoutCase',
  "The case as checkout sees it: status, deadlines, the customer-facing decision and the payout's progress; no notes, escalations, timeline or key ids",
);

/** Every route that answers with a case answers with the caller's role's view of it. */
export const RoleCaseReply = named(
  z.union([CaseReply, CheckoutCaseReply]),
  'RoleCase',
  '`CheckoutCase` for a checkout key; `Case` for support, reviewer and admin keys',
);

export const StartCaseReply = named(
  z.object({
    created: z.boolean().meta({ description: 'false when the case already existed with this body' }),
    case: RoleCaseReply,
  }),
  'StartedCase',
);

export const CaseSummarySchema = named(
  z.object({
    orderId: z.string(),
    workflowId: z.string(),
    status: CaseStatusSchema.optional(),
    policyId: z.string().optional(),
    customerId: z.string().optional(),
    productId: z.string().optional(),
    outcome: z.string().optional(),
    escalated: z.boolean(),
    nextDeadline: InstantSchema.optional(),
    purchasedAt: InstantSchema.optional(),
    startedAt: InstantSchema,
    closedAt: InstantSchema.optional(),
  }),
  'CaseSummary',
  'A case as Temporal visibility lists it (its search attributes)',
);

export const CaseListReply = named(
  z.object({
    cases: z.array(CaseSummarySchema),
    counts: z.partialRecord(CaseStatusSchema, Minor).meta({
      description: 'Cases per status under the same filters (the status filter aside); zero counts left out',
    }),
    ...PageFieldsShape,
  }),
  'CaseList',
);

const IncidentProgress = z.object({
  incidentId: z.string(),
  total: z.number().int().nonnegative().meta({ description: 'Cases the fan-out signals' }),
  signalled: z.number().int().nonnegative().meta({ description: 'Cases signalled so far' }),
  skipped: z.array(z.string()).meta({ description: 'orderIds whose case had ended before its signal' }),
  done: z.boolean(),
});

export const IncidentProgressReply = named(IncidentProgress, 'IncidentProgress');

export const IncidentReply = named(
  IncidentProgress.extend({
    cases: z.array(z.string()).meta({ description: 'The orderIds of every open case the fan-out signals' }),
  }),
  'IncidentConfirmation',
);

export const UsageReply = named(
  z.object({
    orderId: z.string(),
    usage: z
      .object({ used: z.number().nonnegative(), reportedAt: z.string() })
      .meta({ description: 'The usage on file after this report (a report older than it changes nothing)' }),
  }),
  'UsageOnFile',
);

// ---- policies, support, operations ---------------------------------------------------------------

export const PolicyReply = named(PolicySchema, 'Policy', 'A refund policy as data (one of the presets)');
export const PolicyListReply = named(z.object({ policies: z.array(PolicyReply) }), 'PolicyList');

export const MeReply = named(
  z.object({ role: z.enum(API_ROLES), keyId: z.string().meta({ description: 'A digest naming the key' }) }),
  'Me',
);

export const OutboxMessageSchema = named(
  z.object({
    seq: z.number().int(),
    messageId: z.string(),
    idempotencyKey: z.string(),
    orderId: z.string(),
    kind: z.string(),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    createdAt: InstantSchema,
  }),
  'OutboxMessage',
);
export const OutboxReply = named(
  z.object({ messages: z.array(OutboxMessageSchema), ...PageFieldsShape }),
  'Outbox',
);

export const HealthReply = named(z.object({ status: z.literal('ok') }), 'Health');

export const MetricsReply = z.string().meta({ description: 'Prometheus text exposition format' });

export const OpenApiReply = named(
  z.looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }),
  'OpenApiDocument',
);

export const WebhookAckReply = named(
  z.discriminatedUnion('delivered', [
    z.object({
      received: z.literal(true),
      delivered: z.literal(true),
      lateRecord: z.literal(true).optional().meta({
        description:
          "The order's case had ended (after its settle period): the event went to the order's late-event record and support was told",
      }),
    }),
    z.object({
      received: z.literal(true),
      delivered: z.literal(false),
      reason: z
        .string()
        .meta({ description: 'Why the event reached no case (acknowledged so the gateway stops retrying)' }),
    }),
  ]),
  'WebhookAck',
);

// ---- the schemas and the types they describe say the same -----------------------------------------

// A field added to (or dropped from) one side and not the other fails `npm run typecheck` here.
type Plain<T> = T extends readonly (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T]: Plain<T[K]> }
    : T;
type Same<A, B> =
  (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
type Agree<T extends true> = T;
export type _ResponseSchemasMatchTheirTypes = [
  Agree<Same<z.output<typeof CaseReply>, CaseView>>,
  Agree<Same<z.output<typeof CheckoutCaseReply>, CheckoutCaseView>>,
  Agree<Same<z.output<typeof CaseStateSchema>, CaseState>>,
  Agree<Same<z.output<typeof DecisionReply>, Decision>>,
  Agree<Same<z.output<typeof CaseSummarySchema>, CaseSummary>>,
  Agree<Same<z.output<typeof OutboxMessageSchema>, OutboxMessage>>,
  Agree<Same<z.output<typeof MeReply>, Caller>>,
];
