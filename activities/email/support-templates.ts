// One template per notice support receives. Notices are for people acting on a case, so they
// lead with what to do and who must do it, then list the facts the workflow attached. Times read in
// the policy's zone (`timeZone`, attached by the workflow), amounts in the order's currency.
import { z } from 'zod';
import type { SupportNotice, SupportNoticeKind } from '../contract';
import { describeFailureReason } from '../payments/failure-reasons';
import { formatMoney, formatTime, humanize, render, type Block, type RenderedEmail } from './layout';
import { describeReason, isReasonCode } from '../../policies';

export interface SupportTemplateContext {
  /** Base address of the support UI; when set, notices link to the case. */
  caseLinkBase?: string;
}

const schemas = {
  escalation: z.looseObject({
    deadlines: z.record(z.string(), z.string().optional()).optional(),
    status: z.string().optional(),
  }),
  payout_failed: z.looseObject({
    failureReason: z.string().optional(),
    amountMinor: z.number().int().optional(),
    currency: z.string().optional(),
    status: z.string().optional(),
  }),
  chargeback: z.looseObject({ status: z.string().optional() }),
  needs_review: z.looseObject({
    reasons: z.array(z.string()).optional(),
    explanations: z.array(z.string()).optional(),
    status: z.string().optional(),
  }),
} satisfies Record<SupportNoticeKind, z.ZodType>;

type Renderer<K extends SupportNoticeKind> = (
  notice: SupportNotice,
  data: z.infer<(typeof schemas)[K]>,
  zone: string,
) => { subject: string; blocks: Block[] };

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** The workflow's reasons carry raw ISO instants ("limit passed (2026-…Z)"): show them readable. */
function readable(text: string, zone: string): string {
  return text.replace(ISO_INSTANT, (iso) => formatTime(iso, zone));
}

/** Who acts on an escalation, when its reason says which deadline passed. */
function whoActs(reason: string): Block[] {
  if (/decision deadline passed/.test(reason))
    return [
      'A reviewer must decide the case now: on the case page, "Decide" (POST /v1/cases/:orderId/decisions).',
    ];
  if (/payout limit passed/.test(reason))
    return [
      'Support must choose a payout route: on the case page, "Payout route" — retry the refund, record a payment made outside the gateway, or grant credit instead.',
    ];
  return [];
}

const templates: { [K in SupportNoticeKind]: Renderer<K> } = {
  escalation: (n, data, zone) => ({
    subject: `[escalation] Order ${n.orderId}: ${readable(n.reason, zone)}`,
    blocks: [
      `The case for order ${n.orderId} (customer ${n.customerId}) is escalated: ${readable(n.reason, zone).replace(/\.$/, '')}.`,
      ...whoActs(n.reason),
      ...deadlines(data.deadlines, zone),
    ],
  }),
  payout_failed: (n, data) => ({
    subject: `[payout failed] Order ${n.orderId}`,
    blocks: [
      `The refund for order ${n.orderId} (customer ${n.customerId}) failed at the payment gateway${data.failureReason ? `: ${describeFailureReason(data.failureReason)} (${data.failureReason})` : ''}.`,
      ...(data.amountMinor !== undefined && data.currency
        ? [`Amount: ${formatMoney(data.amountMinor, data.currency)}.`]
        : []),
      'The money has not reached the customer and the case will not pay by itself. Support must act: on the case page, "Payout route" — retry the refund to the original payment method, record a payment made outside the gateway (bank transfer, PayPal) with its reference, or grant account credit instead. A reviewer may instead decide again ("Decide").',
    ],
  }),
  chargeback: (n) => ({
    subject: `[chargeback] Order ${n.orderId}`,
    blocks: [
      `A chargeback was opened on order ${n.orderId} (customer ${n.customerId}).`,
      'Refunds on this order are held while the dispute is open.',
      n.reason,
    ],
  }),
  needs_review: (n, data, zone) => ({
    subject: `[needs review] Order ${n.orderId}`,
    blocks: [
      `The refund request for order ${n.orderId} (customer ${n.customerId}) needs a reviewer to decide: on the case page, "Decide" (POST /v1/cases/:orderId/decisions).`,
      readable(n.reason, zone),
      ...(data.explanations?.length
        ? [{ list: data.explanations.map((e) => readable(e, zone)) }]
        : data.reasons?.length
          ? [{ list: data.reasons.map(describe) }]
          : []),
    ],
  }),
};

/** Support's words for a reason code; an unknown code (from a newer worker) as words. */
function describe(code: string): string {
  return isReasonCode(code) ? describeReason(code) : humanize(code);
}

function deadlines(values: Record<string, string | undefined> | undefined, zone: string): Block[] {
  const rows = Object.entries(values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  return rows.length
    ? [
        'Deadlines:',
        {
          list: rows.map(
            ([name, at]) => `${humanize(name.replace(/([a-z])([A-Z])/g, '$1_$2'))}: ${formatTime(at, zone)}`,
          ),
        },
      ]
    : [];
}

export function renderSupportNotice(notice: SupportNotice, ctx: SupportTemplateContext): RenderedEmail {
  const data = schemas[notice.kind].parse(notice.data);
  const zone =
    typeof notice.data.timeZone === 'string' && notice.data.timeZone ? notice.data.timeZone : 'UTC';
  const { subject, blocks } = (templates[notice.kind] as Renderer<typeof notice.kind>)(
    notice,
    data as never,
    zone,
  );
  const link = ctx.caseLinkBase
    ? `Open the case: ${ctx.caseLinkBase.replace(/\/$/, '')}/cases/${encodeURIComponent(notice.orderId)}`
    : `Case: refund-case-${notice.orderId}`;
  return render(subject, blocks, link);
}
