// One template per message the case sends a customer. Each takes the facts the workflow
// put in `data` (validated here, since they cross a serialization boundary) and renders
// the same blocks as text and HTML. A decision is explained by the reason codes that decided it,
// in words written for the customer (customer-reasons.ts); the policy's `explanations` are support's
// words with raw times and are never shown. Times are in the policy's zone (`timeZone`, added to
// every email by the workflow); a reviewer's `customerMessage` is shown, their note never reaches here.
import { z } from 'zod';
import type { CustomerEmail, CustomerEmailKind } from '../contract';
import { formatMoney, formatTime, render, type Block, type RenderedEmail } from './layout';
import { OUTCOMES, isReasonCode } from '../../policies';
import { customerReason, reasonsExplaining } from './customer-reasons';

export interface TemplateContext {
  supportAddress: string;
}

const money = { amountMinor: z.number().int().optional(), currency: z.string().length(3).optional() };

const schemas = {
  request_received: z.looseObject({ reason: z.string().optional(), decisionDeadline: z.string().optional() }),
  information_requested: z.looseObject({
    items: z.array(z.string()).optional(),
    note: z.string().optional(),
  }),
  decision: z.looseObject({
    outcome: z.enum(OUTCOMES),
    ...money,
    reasons: z.array(z.string()).optional(),
    extensionDays: z.number().int().optional(),
    /** The role that decided (`system` for the policy itself); absent in emails queued before it was added. */
    decidedBy: z.string().optional(),
    /** The reviewer's words to the customer (POST …/decisions `customerMessage`). */
    customerMessage: z.string().optional(),
  }),
  payout_sent: z.looseObject({ ...money, expectedBy: z.string().optional() }),
  payout_settled: z.looseObject(money),
  decision_delayed: z.looseObject({ decisionDeadline: z.string().optional() }),
  payout_delayed: z.looseObject({ ...money, payoutDeadline: z.string().optional() }),
  subscription_cancelled: z.looseObject({
    effectiveAt: z.string().optional(),
    immediately: z.boolean().optional(),
  }),
} satisfies Record<CustomerEmailKind, z.ZodType>;

export type CustomerEmailData<K extends CustomerEmailKind> = z.infer<(typeof schemas)[K]>;

/** The request's reason (REQUEST_REASONS) as the end of "You asked for a refund because …". */
const requestReasons: Record<string, string> = {
  service_unusable: 'the service could not be used',
  provider_fault: 'something went wrong on our side',
  billing_error: 'you were charged incorrectly',
  dissatisfied: 'you were not satisfied with the service',
  changed_mind: 'you changed your mind',
  early_termination: 'you want to end the service early',
  user_error: 'the order was a mistake',
  target_site_blocking: 'a website you use the service with blocks it',
  third_party_tool: 'a tool you use with the service does not work with it',
  cancel_subscription: 'you want to cancel your subscription',
};

/** What support may ask for (workflows/messages InformationItemSchema), as a customer reads it. */
const informationItems: Record<string, string> = {
  order_id: 'your order number',
  payment_method: 'the payment method you used',
  logs: 'logs from the time of the problem',
  screenshots: 'screenshots of the problem',
  timestamps: 'when the problem happened (date, time and time zone)',
  network_context: 'where you connected from and what you were connecting to',
  invoice_copy: 'a copy of the invoice',
  kyc: 'proof of identity',
  other: 'the other details described below',
};

function amount(data: { amountMinor?: number | undefined; currency?: string | undefined }): string {
  return data.amountMinor !== undefined && data.currency
    ? formatMoney(data.amountMinor, data.currency)
    : 'the approved amount';
}

/**
 * Who decided and why: a person's decision says so, with their message to the customer when they
 * wrote one; then the reasons that decided this outcome, in the customer's words (unknown codes and
 * codes that only kept the case waiting are left out).
 */
function why(data: CustomerEmailData<'decision'>): Block[] {
  const byPerson = data.decidedBy !== undefined && data.decidedBy !== 'system';
  const codes = (data.reasons ?? []).filter(isReasonCode);
  const words = reasonsExplaining(data.outcome, codes).map(customerReason);
  return [
    ...(byPerson ? ['A member of our team reviewed your request and made this decision.'] : []),
    ...(data.customerMessage ? ['Their message to you:', data.customerMessage] : []),
    ...(words.length
      ? ['Why:', { list: words }]
      : // A policy's own denial always names a bar; one without is the decision deadline's auto-deny.
        data.outcome === 'denied' && data.decidedBy === 'system'
        ? [
            'Our refund policy sets a time within which a request must be decided. Your request could not be decided within it, and in that case the policy declines the refund.',
          ]
        : []),
  ];
}

type Renderer<K extends CustomerEmailKind> = (
  orderId: string,
  data: CustomerEmailData<K>,
  timeZone: string,
) => { subject: string; blocks: Block[] };

const templates: { [K in CustomerEmailKind]: Renderer<K> } = {
  request_received: (orderId, data, zone) => ({
    subject: `We received your refund request for order ${orderId}`,
    blocks: [
      `We have received your refund request for order ${orderId}.`,
      ...(data.reason && requestReasons[data.reason]
        ? [`You asked for a refund because ${requestReasons[data.reason]}.`]
        : []),
      data.decisionDeadline
        ? `You will have our answer by ${formatTime(data.decisionDeadline, zone)}.`
        : 'We will write to you again as soon as there is a decision.',
    ],
  }),
  information_requested: (orderId, data) => ({
    subject: `We need a few details about order ${orderId}`,
    blocks: [
      `To decide on your refund request for order ${orderId} we need some more information from you.`,
      ...(data.items?.length
        ? [
            'Please send us:',
            { list: data.items.map((item) => informationItems[item] ?? informationItems.other!) },
          ]
        : []),
      ...(data.note ? [data.note] : []),
      'The time we have to decide starts once we have everything. Just reply to this message.',
    ],
  }),
  decision: (orderId, data) => {
    switch (data.outcome) {
      case 'full_refund':
        return {
          subject: `Your refund for order ${orderId} is approved`,
          blocks: [
            `Your refund request for order ${orderId} is approved: ${amount(data)} goes back to your original payment method.`,
            ...why(data),
          ],
        };
      case 'partial_refund':
        return {
          subject: `A partial refund for order ${orderId} is approved`,
          blocks: [
            `We approved a partial refund of ${amount(data)} for order ${orderId}, paid to your original payment method.`,
            ...why(data),
          ],
        };
      case 'credit':
        return {
          subject: `Account credit for order ${orderId}`,
          blocks: [
            `Instead of a refund, we have added ${amount(data)} of credit to your account for order ${orderId}.`,
            ...why(data),
          ],
        };
      case 'service_extension':
        return {
          subject: `Your service for order ${orderId} is extended`,
          blocks: [
            `Instead of a refund, we have extended your service for order ${orderId} by ${data.extensionDays ?? 'a number of'} days at no charge.`,
            ...why(data),
          ],
        };
      case 'denied':
        return {
          subject: `Your refund request for order ${orderId}`,
          blocks: [
            `We are sorry: we cannot refund order ${orderId}.`,
            ...why(data),
            'If you think we got something wrong, reply to this message.',
          ],
        };
      case 'needs_review':
        return {
          subject: `Your refund request for order ${orderId} is being reviewed`,
          blocks: [
            `A member of our team is reviewing your refund request for order ${orderId}.`,
            ...why(data),
          ],
        };
    }
  },
  payout_sent: (orderId, data, zone) => ({
    subject: `Your refund for order ${orderId} is on its way`,
    blocks: [
      `We have sent ${amount(data)} back to your original payment method for order ${orderId}.`,
      data.expectedBy
        ? `It should reach you by ${formatTime(data.expectedBy, zone)}.`
        : 'Banks usually take a few business days to show it.',
    ],
  }),
  payout_settled: (orderId, data) => ({
    subject: `Your refund for order ${orderId} has been paid`,
    blocks: [`The refund of ${amount(data)} for order ${orderId} has been paid out by our payment provider.`],
  }),
  decision_delayed: (orderId, data, zone) => ({
    subject: `Your refund request for order ${orderId} is taking longer`,
    blocks: [
      `Your refund request for order ${orderId} needs more time than we usually take: a member of our team is still on it.`,
      data.decisionDeadline
        ? `You will have our answer by ${formatTime(data.decisionDeadline, zone)}.`
        : 'We will write to you again as soon as there is a decision.',
    ],
  }),
  payout_delayed: (orderId, data, zone) => ({
    subject: `Your refund for order ${orderId} is delayed`,
    blocks: [
      `The refund of ${amount(data)} for order ${orderId} has not reached you${data.payoutDeadline ? ` by ${formatTime(data.payoutDeadline, zone)}, as we promised` : ' as planned'}.`,
      'Our team has been told and will pay it another way if the payment provider cannot. You do not need to do anything; we will write again when it is paid.',
    ],
  }),
  subscription_cancelled: (orderId, data, zone) => ({
    subject: `Your subscription for order ${orderId} is cancelled`,
    blocks: [
      `Your subscription for order ${orderId} is cancelled and will not renew.`,
      data.immediately
        ? 'Your access ends now.'
        : data.effectiveAt
          ? `You keep access until ${formatTime(data.effectiveAt, zone)}, the end of the period you paid for.`
          : 'You keep access until the end of the period you paid for.',
    ],
  }),
};

export function renderCustomerEmail(
  email: Pick<CustomerEmail, 'kind' | 'orderId' | 'data'>,
  ctx: TemplateContext,
): RenderedEmail {
  const data = schemas[email.kind].parse(email.data);
  const { subject, blocks } = (templates[email.kind] as Renderer<typeof email.kind>)(
    email.orderId,
    data as never,
    timeZoneOf(email.data),
  );
  return render(
    subject,
    blocks,
    `Questions? Write to ${ctx.supportAddress} and mention order ${email.orderId}.`,
  );
}

/** The zone the workflow attached (the policy's); UTC for emails queued before it did. */
function timeZoneOf(data: Record<string, unknown>): string {
  return typeof data.timeZone === 'string' && data.timeZone ? data.timeZone : 'UTC';
}
