// /v1/cases: checkout starts cases; support reads and lists them; the customer's messages arrive
// through checkout or support; reviewers review and decide. Every write answers with the case.
import type { BillingOrderInput } from '../../../activities';
import type { Order } from '../../../policies';
import { getPreset } from '../../../policies';
import type { CaseAnswer, RefundCases, WriteOptions } from '../../refund-client';
import { actorOf, keyedDigest, type Caller } from '../auth';
import { caseViewFor } from '../case-view';
import { readOrderFacts, type OrderFactsSource } from '../case-facts';
import { listPage, searchFilter } from './case-list';
import { CaseListReply, RoleCaseReply, StartCaseReply } from '../responses';
import type { RouteTable } from '../route';
import {
  DecisionBody,
  InformationBody,
  InformationRequestBody,
  IssueBody,
  ListCasesQuery,
  RefundRequestBody,
  StartCaseBody,
  StartCaseRequest,
  TechnicalReviewBody,
  WithdrawalBody,
  DisputeBody,
  CancellationBody,
} from '../requests';

/** Where checkout's order facts go so activities can read them (the embedded billing store). */
export interface OrderSink extends Partial<OrderFactsSource> {
  upsertOrder(input: BillingOrderInput): unknown;
}

export const STAFF = ['support', 'reviewer'] as const;
const CUSTOMER_SIDE = ['checkout', 'support'] as const;
const REVIEWER = ['reviewer'] as const;

// What case routes answer besides success and what every route of their kind answers (400 for a
// bad body or query, 401/403 by role, 413/415; see openapi.ts).
const unavailable = 'Temporal is unavailable; try again';
const readErrors = { 404: 'no case for this order', 503: unavailable };
const writeErrors = {
  ...readErrors,
  409: 'the case refuses the message in its current state (the reason is in `error`), or the Idempotency-Key was used with another body',
};

function billingOrderOf(order: Order, customerEmail: string | undefined): BillingOrderInput {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    ...(customerEmail ? { customerEmail } : {}),
    ...(order.productId ? { productId: order.productId } : {}),
    paymentMethod: order.paymentMethod,
    amountMinor: order.amountMinor,
    currency: order.currency,
    purchasedAt: order.purchasedAt,
    billing: order.billing,
    ...(order.quota ? { quota: order.quota } : {}),
  };
}

/** A keyed digest of a customer's email for the start fingerprint: comparable, never readable. */
export function customerEmailDigest(secret: Uint8Array, email: string): string {
  return keyedDigest(secret, 'customer-email', email.trim().toLowerCase());
}

export function registerCaseRoutes(
  routes: RouteTable,
  cases: RefundCases,
  billing: OrderSink | undefined,
  digestSecret: Uint8Array,
): void {
  routes.add(
    {
      method: 'POST',
      url: '/v1/cases',
      access: ['checkout'],
      tag: 'cases',
      summary:
        'Start the refund case for an order (idempotent per orderId: a repeat answers 200 with the same case)',
      body: StartCaseRequest,
      documentedBody: StartCaseBody,
      reply: StartCaseReply,
      successStatus: 201,
      idempotencyKey: true,
      responses: {
        200: 'the case already existed with this body',
        409: 'the order already has a case started with a different body (policy, order or customerEmail)',
        503: unavailable,
      },
    },
    async ({ body, caller, reply }) => {
      const policy = getPreset(body.policyId)!;
      // The email is part of what a repeat must match: another address is a 409, not a rewrite.
      const { created } = await cases.start(
        policy,
        body.order,
        actorOf(caller as Caller),
        body.customerEmail
          ? { customerEmailDigest: customerEmailDigest(digestSecret, body.customerEmail) }
          : {},
      );
      // After the start, so a conflicting body never overwrites billing's facts about the order.
      billing?.upsertOrder(billingOrderOf(body.order, body.customerEmail));
      void reply.code(created ? 201 : 200);
      return { created, case: caseViewFor(await cases.read(body.order.orderId), (caller as Caller).role) };
    },
  );

  routes.add(
    {
      method: 'GET',
      url: '/v1/cases',
      access: STAFF,
      tag: 'cases',
      summary:
        'List cases through Temporal visibility, a page at a time, with the total and the counts per status for the same filter',
      query: ListCasesQuery,
      reply: CaseListReply,
      responses: {
        400: 'a bad query field, a pageToken from another filter or sort, or a sort this case store cannot do for this many cases (the field is named)',
        503: unavailable,
      },
    },
    async ({ query }) => {
      const filter = {
        ...(query.policy ? { policyId: query.policy } : {}),
        ...(query.customerId ? { customerId: query.customerId } : {}),
        ...(query.productId ? { productId: query.productId } : {}),
        ...(query.dueBefore ? { dueBefore: query.dueBefore } : {}),
        ...(query.escalated !== undefined ? { escalated: query.escalated } : {}),
        ...(query.open ? { openOnly: true } : {}),
        ...(query.q ? searchFilter(query.q, billing) : {}),
      };
      return listPage(cases, filter, query);
    },
  );

  routes.add(
    {
      method: 'GET',
      url: '/v1/cases/:orderId',
      access: STAFF,
      tag: 'cases',
      summary: 'The case state (status, deadlines, decision, timeline)',
      reply: RoleCaseReply,
      responses: readErrors,
    },
    async ({ params, caller }) => {
      const orderId = params.orderId as string;
      const role = (caller as Caller).role;
      // Billing's facts are read beside the case, never from it; billing down leaves them out.
      const [state, facts] = await Promise.all([
        cases.read(orderId),
        readOrderFacts(billing?.getOrder ? (billing as OrderFactsSource) : undefined, orderId),
      ]);
      const view = role === 'checkout' ? caseViewFor(state, role) : { ...caseViewFor(state, role), facts };
      // Staff also see what arrived after the case ended (the order's late-event record).
      if (!state.closed || role === 'checkout') return view;
      const late = await cases.lateEvents(orderId);
      return late ? { ...view, lateEvents: { total: late.total, events: late.events } } : view;
    },
  );

  const write = <
    S extends
      | typeof RefundRequestBody
      | typeof IssueBody
      | typeof TechnicalReviewBody
      | typeof DecisionBody
      | typeof WithdrawalBody
      | typeof InformationRequestBody
      | typeof InformationBody
      | typeof CancellationBody
      | typeof DisputeBody,
  >(
    url: string,
    access: readonly ('checkout' | 'support' | 'reviewer')[],
    summary: string,
    body: S,
    send: (
      orderId: string,
      input: ReturnType<S['parse']> & { actor: ReturnType<typeof actorOf> },
      opts: WriteOptions,
    ) => Promise<CaseAnswer>,
  ) =>
    routes.add(
      {
        method: 'POST',
        url: `/v1/cases/:orderId/${url}`,
        access,
        tag: 'cases',
        summary,
        body,
        reply: RoleCaseReply,
        responses: writeErrors,
        idempotencyKey: true,
      },
      async ({ params, body: input, caller, receivedAt, idempotencyKey }) => {
        const orderId = params.orderId as string;
        await send(
          orderId,
          { ...(input as ReturnType<S['parse']>), actor: actorOf(caller as Caller) },
          { receivedAt, ...(idempotencyKey ? { updateId: idempotencyKey } : {}) },
        );
        return caseViewFor(await cases.read(orderId), (caller as Caller).role);
      },
    );

  write(
    'refund-requests',
    CUSTOMER_SIDE,
    'Ask for a refund; answers with the outcome so far and the next deadline',
    RefundRequestBody,
    (id, m, o) => cases.requestRefund(id, m, o),
  );
  write(
    'issues',
    CUSTOMER_SIDE,
    'Report a technical issue (starts the remediation clock)',
    IssueBody,
    (id, m, o) => cases.reportIssue(id, m, o),
  );
  write(
    'technical-reviews',
    REVIEWER,
    'Record the technical review result',
    TechnicalReviewBody,
    (id, m, o) => cases.submitTechnicalReview(id, m, o),
  );
  write('decisions', REVIEWER, 'Decide a discretionary or escalated case', DecisionBody, (id, m, o) =>
    cases.decide(id, m, o),
  );
  write('withdrawal', CUSTOMER_SIDE, 'The customer withdraws the request', WithdrawalBody, (id, m, o) =>
    cases.withdraw(id, m, o),
  );
  write(
    'disputes',
    CUSTOMER_SIDE,
    'The customer disputes a denial within the dispute period; a person decides within the policy',
    DisputeBody,
    (id, m, o) => cases.dispute(id, m, o),
  );
  write(
    'information-requests',
    REVIEWER,
    'Ask the customer for missing materials (the decision clock waits)',
    InformationRequestBody,
    (id, m, o) => cases.requestInformation(id, m, o),
  );
  write(
    'information',
    CUSTOMER_SIDE,
    "The customer's materials arrive; the decision clock starts",
    InformationBody,
    (id, m, o) => cases.provideInformation(id, m, o),
  );
  write(
    'subscription-cancellation',
    CUSTOMER_SIDE,
    'Cancel the subscription at the end of its period',
    CancellationBody,
    (id, m, o) => cases.cancelSubscription(id, m, o),
  );
}
