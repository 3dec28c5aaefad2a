// The money routes after approval: support's payout route (once the payout limit passed or the
// gateway reported the refund failed: retry, a payout made outside the gateway, or credit instead)
// and chargebacks opened or closed at the card network. Every write answers with the case.
import type { CaseAnswer, RefundCases, WriteOptions } from '../../refund-client';
import { actorOf, type Caller } from '../auth';
import { caseViewFor } from '../case-view';
import { RoleCaseReply } from '../responses';
import type { RouteTable } from '../route';
import { ChargebackBody, CreditInsteadBody, OutsidePayoutBody, PayoutRetryBody } from '../requests';

const SUPPORT = ['support'] as const;
const unavailable = 'Temporal is unavailable; try again';
const routeErrors = {
  404: 'no case for this order',
  409: 'the payout route is not open on this case (no payout limit passed, no failed refund), an attempt is in flight, or the Idempotency-Key was used with another body; the reason is in `error`',
  503: unavailable,
};

export function registerPayoutRoutes(routes: RouteTable, cases: RefundCases): void {
  const route = <B extends typeof PayoutRetryBody | typeof OutsidePayoutBody | typeof CreditInsteadBody>(
    url: string,
    summary: string,
    body: B,
    send: (
      orderId: string,
      input: ReturnType<B['parse']> & { actor: ReturnType<typeof actorOf> },
      opts: WriteOptions,
    ) => Promise<CaseAnswer>,
  ) =>
    routes.add(
      {
        method: 'POST',
        url: `/v1/cases/:orderId/${url}`,
        access: SUPPORT,
        tag: 'payouts',
        summary,
        body,
        reply: RoleCaseReply,
        responses: routeErrors,
        idempotencyKey: true,
      },
      async ({ params, body: input, caller, receivedAt, idempotencyKey }) => {
        const orderId = params.orderId as string;
        await send(
          orderId,
          { ...(input as ReturnType<B['parse']>), actor: actorOf(caller as Caller) },
          { receivedAt, ...(idempotencyKey ? { updateId: idempotencyKey } : {}) },
        );
        return caseViewFor(await cases.read(orderId), (caller as Caller).role);
      },
    );

  route(
    'payout-retries',
    'Payout route: send the refund again to the original payment method (a new attempt; the gateway is asked first, so nothing is paid twice); clears `escalated`',
    PayoutRetryBody,
    (id, m, o) => cases.retryPayout(id, m, o),
  );
  route(
    'outside-payouts',
    'Payout route: record a payout made outside the gateway (reference, amount, method); the case is paid; clears `escalated`',
    OutsidePayoutBody,
    (id, m, o) => cases.recordOutsidePayout(id, m, o),
  );
  route(
    'payout-credits',
    'Payout route: grant account credit instead of the refund (default amount: the approved refund); clears `escalated`',
    CreditInsteadBody,
    (id, m, o) => cases.grantCreditInstead(id, m, o),
  );

  routes.add(
    {
      method: 'POST',
      url: '/v1/cases/:orderId/chargebacks',
      access: SUPPORT,
      tag: 'cases',
      summary:
        "A chargeback opened or closed at the card network. The case records it (a denial follows while it is active; a paid case escalates); a case that has ended records it in the order's late-event record and support is told",
      body: ChargebackBody,
      reply: RoleCaseReply,
      responses: { 404: 'no case for this order', 503: unavailable },
      idempotencyKey: true,
    },
    async ({ params, body, caller, receivedAt, idempotencyKey }) => {
      const orderId = params.orderId as string;
      // A signal: the case applies it just after this answer, which shows the case as it is now.
      await cases.chargeback(
        orderId,
        { ...body, actor: actorOf(caller as Caller) },
        { receivedAt, ...(idempotencyKey ? { updateId: idempotencyKey } : {}) },
      );
      return caseViewFor(await cases.read(orderId), (caller as Caller).role);
    },
  );
}
