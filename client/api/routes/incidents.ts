// POST /v1/incidents: a reviewer confirms an incident; every running case it may cover (same
// product, purchased before the incident ended) is found through visibility and signalled. The
// workflow decides for itself whether the incident covers its service period.
import type { RefundCases } from '../../refund-client';
import { actorOf, type Caller } from '../auth';
import { IncidentReply } from '../responses';
import type { RouteTable } from '../route';
import { IncidentBody } from '../schemas';

/** Cases signalled per incident at most; a larger incident is confirmed in several calls by product. */
const MAX_CASES = 10_000;

export function registerIncidentRoutes(routes: RouteTable, cases: RefundCases): void {
  routes.add(
    {
      method: 'POST',
      url: '/v1/incidents',
      access: ['reviewer'],
      tag: 'cases',
      summary: 'Confirm an incident; answers with the orderIds of every open case signalled',
      body: IncidentBody,
      reply: IncidentReply,
      responses: { 400: 'invalid incident', 503: 'Temporal is unavailable; try again' },
      idempotencyKey: true,
    },
    async ({ body, caller, receivedAt, idempotencyKey }) => {
      const open = await cases.list({
        ...(body.productId ? { productId: body.productId } : {}),
        purchasedTo: body.to,
        openOnly: true,
        limit: MAX_CASES,
      });
      const signalled: string[] = [];
      for (const summary of open) {
        // Signals are idempotent per incidentId in the workflow, so a retried call is harmless.
        await cases.incidentConfirmed(
          summary.orderId,
          { ...body, actor: actorOf(caller as Caller) },
          { receivedAt, ...(idempotencyKey ? { updateId: idempotencyKey } : {}) },
        );
        signalled.push(summary.orderId);
      }
      return { incidentId: body.incidentId, signalled };
    },
  );
}
