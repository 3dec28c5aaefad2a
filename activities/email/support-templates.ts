// One template per notice support receives. Notices are for people acting on a case, so they
// lead with what to do, then list the facts the workflow attached.
import { z } from 'zod';
import type { SupportNotice, SupportNoticeKind } from '../contract';
import { describeFailureReason } from '../payments/failure-reasons';
import { formatMoney, formatTime, humanize, render, type Block, type RenderedEmail } from './layout';

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
) => { subject: string; blocks: Block[] };

const templates: { [K in SupportNoticeKind]: Renderer<K> } = {
  escalation: (n, data) => ({
    subject: `[escalation] Order ${n.orderId}: ${n.reason}`,
    blocks: [
      `The case for order ${n.orderId} (customer ${n.customerId}) is escalated: ${n.reason}.`,
      'A policy deadline has passed. Please decide or pay out; the case will not pay by itself.',
      ...deadlines(data.deadlines),
    ],
  }),
  payout_failed: (n, data) => ({
    subject: `[payout failed] Order ${n.orderId}`,
    blocks: [
      `The refund for order ${n.orderId} (customer ${n.customerId}) failed at the payment gateway${data.failureReason ? `: ${describeFailureReason(data.failureReason)} (${data.failureReason})` : ''}.`,
      ...(data.amountMinor !== undefined && data.currency
        ? [`Amount: ${formatMoney(data.amountMinor, data.currency)}.`]
        : data.amountMinor !== undefined
          ? [`Amount: ${data.amountMinor} (minor units).`]
          : []),
      'Choose another route for the money (account credit, bank transfer) and record the decision on the case.',
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
  needs_review: (n, data) => ({
    subject: `[needs review] Order ${n.orderId}`,
    blocks: [
      `The refund request for order ${n.orderId} (customer ${n.customerId}) needs a person to decide.`,
      n.reason,
      ...(data.explanations?.length
        ? [{ list: data.explanations }]
        : data.reasons?.length
          ? [{ list: data.reasons.map(humanize) }]
          : []),
    ],
  }),
};

function deadlines(values: Record<string, string | undefined> | undefined): Block[] {
  const rows = Object.entries(values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  return rows.length
    ? [
        'Deadlines:',
        {
          list: rows.map(
            ([name, at]) => `${humanize(name.replace(/([a-z])([A-Z])/g, '$1_$2'))}: ${formatTime(at)}`,
          ),
        },
      ]
    : [];
}

export function renderSupportNotice(notice: SupportNotice, ctx: SupportTemplateContext): RenderedEmail {
  const data = schemas[notice.kind].parse(notice.data);
  const { subject, blocks } = (templates[notice.kind] as Renderer<typeof notice.kind>)(notice, data as never);
  const link = ctx.caseLinkBase
    ? `Open the case: ${ctx.caseLinkBase.replace(/\/$/, '')}/cases/${encodeURIComponent(notice.orderId)}`
    : `Case: refund-case-${notice.orderId}`;
  return render(subject, blocks, link);
}
