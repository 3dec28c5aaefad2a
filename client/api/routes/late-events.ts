// Late events (workflows/late-events.ts): gateway events and chargebacks that arrived after the
// case ended are shown on the case, flagged, until support acknowledges them here.
import type { RefundCases } from '../../refund-client';
import { actorOf, type Caller } from '../auth';
import { caseViewFor, type CaseView } from '../case-view';
import { RoleCaseReply } from '../responses';
import type { RouteTable } from '../route';
import { LateEventsAcknowledgementBody } from '../requests';

export function registerLateEventRoutes(routes: RouteTable, cases: RefundCases): void {
  routes.add(
    {
      method: 'POST',
      url: '/v1/cases/:orderId/late-events/acknowledgements',
      access: ['support'],
      tag: 'cases',
      summary:
        'Support acknowledges events that arrived after the case ended (the keys named, or every one not yet acknowledged); once all are acknowledged the record closes',
      body: LateEventsAcknowledgementBody,
      reply: RoleCaseReply,
      responses: {
        404: 'no case for this order',
        409: 'nothing to acknowledge: no late event on this order, every one named is already acknowledged, or a key is unknown (the reason is in `error`)',
        503: 'Temporal is unavailable; try again',
      },
      idempotencyKey: true,
    },
    async ({ params, body, caller, idempotencyKey }) => {
      const orderId = params.orderId as string;
      const late = await cases.acknowledgeLateEvents(
        orderId,
        { ...body, actor: actorOf(caller as Caller) },
        idempotencyKey ? { updateId: idempotencyKey } : {},
      );
      const view = caseViewFor(await cases.read(orderId), (caller as Caller).role) as CaseView;
      return { ...view, lateEvents: { total: late.total, events: late.events } };
    },
  );
}
