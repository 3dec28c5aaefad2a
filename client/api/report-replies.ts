// The reports' query and reply schemas (GET /v1/reports/*): the route table validates the query
// with them and the OpenAPI document shows them. The reply mirrors ledger/reports.ts ReportSummary.
import { z } from 'zod';
import { PRESET_IDS } from '../../policies';
import type { ReportSummary } from '../../ledger/reports';
import { responseSchemas } from './responses';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The first instant a from/to value names, or undefined when it is not a real date or instant. */
export function startOf(value: string): number | undefined {
  if (!DATE.test(value) && !INSTANT.test(value)) return undefined;
  const t = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
  // Date.parse rolls 2026-02-30 over to March; a date that does not round-trip is not a date.
  if (!Number.isFinite(t) || (DATE.test(value) && new Date(t).toISOString().slice(0, 10) !== value))
    return undefined;
  return t;
}

const bound = (what: string) =>
  z
    .string()
    .max(40)
    .refine((v) => startOf(v) !== undefined, {
      message: `must be a date (2026-11-30) or an ISO 8601 instant with a zone (2026-11-30T09:00:00Z)`,
    })
    .meta({ description: what });

const policy = z
  .enum(PRESET_IDS, { error: `must be a policy id: ${PRESET_IDS.join(', ')}` })
  .meta({ description: "Only this policy's cases" });

export const ReportRangeQuery = z
  .object({
    from: bound(
      'Start of the window, inclusive (a date is its first instant, UTC). Default: `to` minus 30 days.',
    ).optional(),
    to: bound(
      'End of the window: a date includes that whole day (UTC); an instant is exclusive. Default: now.',
    ).optional(),
  })
  .strict();
export const ReportSummaryQuery = ReportRangeQuery.extend({ policy: policy.optional() }).strict();

const Count = z.number().int().nonnegative();

export const ReportSummaryReply = z
  .object({
    from: z.string().meta({ description: 'The window start, inclusive (ISO 8601 UTC)' }),
    to: z.string().meta({ description: 'The window end, exclusive (ISO 8601 UTC)' }),
    policy: z.string().optional(),
    requests: Count.meta({ description: 'Refund requests made in the window' }),
    outcomes: z.record(z.string(), Count).meta({ description: 'Decisions made in the window, by outcome' }),
    money: z
      .array(
        z.object({
          currency: z.string(),
          refundedMinor: Count.meta({ description: 'Paid back to the payment method, minor units' }),
          creditedMinor: Count.meta({ description: 'Given as account credit, minor units' }),
        }),
      )
      .meta({ description: 'Money that went out in the window, per currency' }),
    denialReasons: z.array(z.object({ code: z.string(), count: Count })).meta({
      description: 'Reason codes of denials, most frequent first (a denial with two codes counts for both)',
    }),
    decisionTime: z
      .array(
        z.object({
          policyId: z.string(),
          promiseBusinessDays: z.number().int().nullable().meta({
            description:
              "The policy's promised decision time in days: its decision target where it states one, else its deadline (calendar days when businessDays is false)",
          }),
          businessDays: z.boolean(),
          p50Hours: z.number().nonnegative(),
          p90Hours: z.number().nonnegative(),
          withinPromise: Count.meta({ description: 'Decisions made at or before the deadline in force' }),
          decided: Count,
        }),
      )
      .meta({
        description: 'Request-to-decision time per policy (nearest-rank percentiles), against its promise',
      }),
    escalations: Count.meta({ description: 'Cases that escalated to a person in the window' }),
    payoutsPastLimit: Count.meta({ description: 'Cases whose payout passed its limit' }),
  })
  .meta({ description: 'The refunds desk in figures, from the case ledger' });
responseSchemas.add(ReportSummaryReply, { id: 'ReportSummary' });

export const LedgerCsvReply = z.string().meta({
  description:
    'The ledger rows of the window, oldest first, as CSV (RFC 4180, header line, CRLF); text a spreadsheet would take for a formula starts with an apostrophe',
});

// The reply schema and the report agree (a compile error here means one changed without the other).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const summaryMatches: Same<z.output<typeof ReportSummaryReply>, ReportSummary> = true;
void summaryMatches;
