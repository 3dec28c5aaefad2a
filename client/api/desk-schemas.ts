// The response schemas of the support desk's fields on a case (case-desk.ts, case-facts.ts),
// kept beside responses.ts, which extends the Case reply with them.
import { z } from 'zod';
import { CASE_ACTIONS } from '../../workflows/case/allowed';

const Instant = z.iso.datetime({ offset: true });
const Minor = z.number().int().nonnegative();

export const CaseActionSchema = z.object({
  action: z.enum(CASE_ACTIONS).meta({
    description: "The POST route's last path segment, singular (`decision` is POST …/decisions)",
  }),
  bounds: z
    .object({ minMinor: Minor, maxMinor: Minor, currency: z.string() })
    .optional()
    .meta({ description: 'Amounts the server takes, in minor units' }),
  outcomes: z
    .array(
      z.object({
        outcome: z.string(),
        maxAmountMinor: Minor,
        maxExtensionDays: z.number().int().nonnegative().optional(),
      }),
    )
    .optional()
    .meta({
      description: 'For a decision: the outcomes the policy allows here, each with the most it may pay',
    }),
  choices: z
    .array(z.enum(['retry', 'record_outside', 'credit']))
    .optional()
    .meta({ description: 'For the payout route: the choices open now' }),
  note: z.string().optional().meta({
    description: "The policy's words on these bounds (how a billing error's correction is bounded)",
  }),
  default: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: 'What the form starts with: the choice moving the least money' }),
});

export const DeskFieldsShape = {
  actions: z.array(CaseActionSchema).optional().meta({
    description:
      "What the calling role may do now (exactly what the case's validators take); empty when nothing. Staff only",
  }),
  nextActor: z
    .object({
      who: z.enum(['customer', 'support', 'reviewer', 'system', 'nobody']),
      what: z.string(),
      by: Instant.optional(),
    })
    .optional()
    .meta({ description: 'Who acts next, in a plain sentence, and by when' }),
  escalation: z
    .object({
      reasons: z.array(z.string()).meta({ description: 'The open escalations’ kinds' }),
      details: z.array(z.string()),
      since: Instant,
    })
    .optional()
    .meta({ description: 'While the case is escalated: why and since when; absent once someone acted' }),
  facts: z
    .object({
      purchasedAt: Instant.optional(),
      productName: z.string().optional(),
      paymentMethod: z.string().optional(),
      channel: z.string().optional(),
      customerEmail: z.string().optional(),
      billingUnavailable: z.literal(true).optional(),
    })
    .optional()
    .meta({
      description:
        "The order's facts read from billing for this request (GET only; never stored in Temporal); fields billing lacks are absent, and `billingUnavailable` says billing could not be read",
    }),
};

export const PageFieldsShape = {
  total: Minor.meta({ description: 'Every item matching the filter, all pages together' }),
  nextPageToken: z
    .string()
    .optional()
    .meta({ description: 'Pass as `pageToken` for the next page; absent on the last page' }),
};
