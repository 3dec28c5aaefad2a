// POST /v1/incidents: a reviewer confirms an incident; every running case it may cover (same
// product, purchased before the incident ended) is found through visibility and handed to a
// fan-out workflow (workflows/incident-fan-out.ts), which signals them — 10,000 cases do not fit
// in one HTTP request. The answer comes at once (202) with the fan-out's progress;
// GET /v1/incidents/:incidentId reports it until `done`. Each workflow decides for itself whether
// the incident covers its service period.
import type { RefundCases } from '../../refund-client';
import { actorOf, type Caller } from '../auth';
import { HttpError } from '../errors';
import { IncidentProgressReply, IncidentReply } from '../responses';
import type { RouteTable } from '../route';
import { IncidentBody } from '../requests';

/** Cases signalled per incident at most; a larger incident is confirmed in several calls by product. */
const MAX_CASES = 10_000;

export function registerIncidentRoutes(routes: RouteTable, cases: RefundCases): void {
  routes.add(
    {
      method: 'POST',
      url: '/v1/incidents',
      access: ['reviewer'],
      tag: 'cases',
      summary:
        'Confirm an incident; starts signalling every open case it may cover and answers with their orderIds and the progress',
      body: IncidentBody,
      reply: IncidentReply,
      successStatus: 202,
      responses: { 400: 'invalid incident', 503: 'Temporal is unavailable; try again' },
      idempotencyKey: true,
    },
    async ({ body, caller, receivedAt, reply }) => {
      const open = await cases.list({
        ...(body.productId ? { productId: body.productId } : {}),
        purchasedTo: body.to,
        openOnly: true,
        limit: MAX_CASES,
      });
      const orderIds = open.map((summary) => summary.orderId);
      // One fan-out per incident: a retried call (same incidentId) joins it; cases dedupe by incidentId.
      await cases.startIncidentFanOut({ ...body, actor: actorOf(caller as Caller) }, orderIds, receivedAt);
      const progress = await cases.incidentProgress(body.incidentId);
      void reply.code(202);
      return {
        cases: orderIds,
        ...(progress ?? {
          incidentId: body.incidentId,
          total: orderIds.length,
          signalled: 0,
          skipped: [],
          done: false,
        }),
      };
    },
  );

  routes.add(
    {
      method: 'GET',
      url: '/v1/incidents/:incidentId',
      access: ['reviewer', 'support'],
      tag: 'cases',
      summary: "An incident's fan-out: how many cases it signalled of how many, and whether it is done",
      reply: IncidentProgressReply,
      responses: { 404: 'no incident with this id was confirmed', 503: 'Temporal is unavailable; try again' },
    },
    async ({ params }) => {
      const progress = await cases.incidentProgress(params.incidentId as string);
      if (!progress) throw new HttpError(404, `no incident ${params.incidentId} was confirmed`);
      return progress;
    },
  );
}
