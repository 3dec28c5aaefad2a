// The API's response bodies as zod schemas, next to the request schemas in ./requests. They are
// the single source of what /openapi.json says each route answers (success and error bodies
// alike); the routes' handlers are typed against them, and test/api checks real answers against
// the document. The case's own shapes (state, deadlines, timeline, payout, actor) are the
// workflow's schemas (workflows/case-schema.ts, zod/mini), named here for the document. Views and
// the policies' Decision are written out here; the assertions at the end keep them in step with
// the TypeScript types they describe.
import { z } from 'zod';
import { z as zm } from 'zod/mini';
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
import type { CaseState } from '../../workflows/case-state';
import {
  CaseActorSchema,
  CaseStateSchema as SharedCaseStateSchema,
  CaseStatusSchema,
  DeadlinesSchema,
  PayoutSchema,
  PolicyVersionSchema,
  TimelineEntrySchema,
} from '../../workflows/case-schema';
import type { CaseSummary } from '../refund-client';
import type { Caller } from './auth';
import type { CaseView, CheckoutCaseView } from './case-view';

/** Every named response schema, by the name it has under components.schemas in the OpenAPI document. */
export const responseSchemas = z.registry<{ id: string }>();
const named = <S extends z.core.$ZodType>(schema: S, id: string, description?: string): S => {
  // A description is zod metadata on a copy of the schema (what full zod's .meta() does), so a
  // shared schema (zod/mini, workflows/) is not changed. A shared schema that other named ones
  // contain is named as it is (its description is its own), so they refer to it by $ref.
  const documented = description ? z.core.clone(schema) : schema;
  if (description) z.globalRegistry.add(documented, { description });
  responseSchemas.add(documented, { id });
  return documented;
};

const Minor = z.number().int().nonnegative();

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

export const ActorReply = named(CaseActorSchema, 'Actor');

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
  DecisionReply.extend({ decidedAt: InstantSchema, decidedBy: ActorReply, note: z.string().optional() }),
  'CaseDecision',
  'The decision on the case, with when and by whom it was made',
);

export const TimelineEntryReply = named(TimelineEntrySchema, 'TimelineEntry');
export const PayoutReply = named(PayoutSchema, 'Payout');
export const DeadlinesReply = named(DeadlinesSchema, 'Deadlines');

/** The workflow's caseState query (workflows/case-schema.ts), its decision documented. */
export const CaseStateSchema = zm.extend(SharedCaseStateSchema, {
  decision: zm.optional(CaseDecisionSchema),
});

/** GET /v1/cases/:orderId and every case write (client/api/case-view.ts). */
export const CaseReply = named(
  zm.extend(CaseStateSchema, {
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
    status: zm.optional(CaseStatusSchema),
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
export const OutboxReply = named(z.object({ messages: z.array(OutboxMessageSchema) }), 'Outbox');

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
  // The case state is the workflow's schema; this checks the decision the document puts in it.
  Agree<Same<z.output<typeof CaseStateSchema>, CaseState>>,
  Agree<Same<z.output<typeof DecisionReply>, Decision>>,
  Agree<Same<z.output<typeof CaseSummarySchema>, CaseSummary>>,
  Agree<Same<z.output<typeof OutboxMessageSchema>, OutboxMessage>>,
  Agree<Same<z.output<typeof MeReply>, Caller>>,
];
