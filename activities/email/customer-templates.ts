// One template per message the case sends a customer. Each takes the facts the workflow
// put in `data` (validated here, since they cross a serialization boundary) and renders
// the same blocks as text and HTML. Reasons arrive already in plain words
// (`data.explanations`, from policies' describeReason); codes are only a fallback.
import { z } from 'zod';
import type { CustomerEmail, CustomerEmailKind } from '../contract';
import { formatMoney, formatTime, humanize, render, type Block, type RenderedEmail } from './layout';
import { OUTCOMES } from '../../policies';

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
    explanations: z.array(z.string()).optional(),
    extensionDays: z.number().int().optional(),
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

const requestReasons: Record<string, string> = {
  service_unusable: 'the service was unusable',
  provider_fault: 'a fault on our side',
  billing_error: 'a billing error',
  dissatisfied: 'you were not satisfied with the service',
  changed_mind: 'you changed your mind',
  early_termination: 'you ended the service early',
  user_error: 'a mistake when ordering',
  target_site_blocking: 'a target site blocking the service',
  third_party_tool: 'a problem with a third-party tool',
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

function reasonsBlock(data: CustomerEmailData<'decision'>): Block[] {
  const words = data.explanations?.length ? data.explanations : (data.reasons ?? []).map(humanize);
  return words.length ? ['Why:', { list: words }] : [];
}

type Renderer<K extends CustomerEmailKind> = (
  orderId: string,
  data: CustomerEmailData<K>,
) => { subject: string; blocks: Block[] };

const templates: { [K in CustomerEmailKind]: Renderer<K> } = {
  request_received: (orderId, data) => ({
    subject: `We received your refund request for order ${orderId}`,
    blocks: [
      `We have received your refund request for order ${orderId}${data.reason ? `, because of ${requestReasons[data.reason] ?? humanize(data.reason)}` : ''}.`,
      data.decisionDeadline
        ? `You will have our answer by ${formatTime(data.decisionDeadline)}.`
        : 'We will write to you again as soon as there is a decision.',
    ],
  }),
  information_requested: (orderId, data) => ({
    subject: `We need a few details about order ${orderId}`,
    blocks: [
      `To decide on your refund request for order ${orderId} we need some more information from you.`,
      ...(data.items?.length
        ? ['Please send us:', { list: data.items.map((item) => informationItems[item] ?? humanize(item)) }]
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
            ...reasonsBlock(data),
          ],
        };
      case 'partial_refund':
        return {
          subject: `A partial refund for order ${orderId} is approved`,
          blocks: [
            `We approved a partial refund of ${amount(data)} for order ${orderId}, paid to your original payment method.`,
            ...reasonsBlock(data),
          ],
        };
      case 'credit':
        return {
          subject: `Account credit for order ${orderId}`,
          blocks: [
            `Instead of a refund, we have added ${amount(data)} of credit to your account for order ${orderId}.`,
            ...reasonsBlock(data),
          ],
        };
      case 'service_extension':
        return {
          subject: `Your service for order ${orderId} is extended`,
          blocks: [
            `Instead of a refund, we have extended your service for order ${orderId} by ${data.extensionDays ?? 'a number of'} days at no charge.`,
            ...reasonsBlock(data),
          ],
        };
      case 'denied':
        return {
          subject: `Your refund request for order ${orderId}`,
          blocks: [
            `We are sorry: we cannot refund order ${orderId}.`,
            ...reasonsBlock(data),
            'If you think we got something wrong, reply to this message.',
          ],
        };
      case 'needs_review':
        return {
          subject: `Your refund request for order ${orderId} is being reviewed`,
          blocks: [
            `A member of our team is reviewing your refund request for order ${orderId}.`,
            ...reasonsBlock(data),
          ],
        };
    }
  },
  payout_sent: (orderId, data) => ({
    subject: `Your refund for order ${orderId} is on its way`,
    blocks: [
      `We have sent ${amount(data)} back to your original payment method for order ${orderId}.`,
      data.expectedBy
        ? `It should reach you by ${formatTime(data.expectedBy)}.`
        : 'Banks usually take a few business days to show it.',
    ],
  }),
  payout_settled: (orderId, data) => ({
    subject: `Your refund for order ${orderId} has been paid`,
    blocks: [`The refund of ${amount(data)} for order ${orderId} has been paid out by our payment provider.`],
  }),
  decision_delayed: (orderId, data) => ({
    subject: `Your refund request for order ${orderId} is taking longer`,
    blocks: [
      `Your refund request for order ${orderId} needs more time than we usually take: a member of our team is still on it.`,
      data.decisionDeadline
        ? `You will have our answer by ${formatTime(data.decisionDeadline)}.`
        : 'We will write to you again as soon as there is a decision.',
    ],
  }),
  payout_delayed: (orderId, data) => ({
    subject: `Your refund for order ${orderId} is delayed`,
    blocks: [
      `The refund of ${amount(data)} for order ${orderId} has not reached you${data.payoutDeadline ? ` by ${formatTime(data.payoutDeadline)}, as we promised` : ' as planned'}.`,
      'Our team has been told and will pay it another way if the payment provider cannot. You do not need to do anything; we will write again when it is paid.',
    ],
  }),
  subscription_cancelled: (orderId, data) => ({
    subject: `Your subscription for order ${orderId} is cancelled`,
    blocks: [
      `Your subscription for order ${orderId} is cancelled and will not renew.`,
      data.immediately
        ? 'Your access ends now.'
        : data.effectiveAt
          ? `You keep access until ${formatTime(data.effectiveAt)}, the end of the period you paid for.`
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
  );
  return render(
    subject,
    blocks,
    `Questions? Write to ${ctx.supportAddress} and mention order ${email.orderId}.`,
  );
}
