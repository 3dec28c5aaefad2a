// Support helpers: who am I (the UI shows forms by role), and the embedded outbox of sent email.
import { listOutbox } from '../../../activities';
import { HttpError } from '../errors';
import { MeReply, OutboxReply } from '../responses';
import type { RouteTable } from '../route';
import { OutboxQuery } from '../requests';
import { STAFF } from './cases';

export function registerSupportRoutes(routes: RouteTable, outboxFile: string | undefined): void {
  routes.add(
    {
      method: 'GET',
      url: '/v1/me',
      access: 'any-key',
      tag: 'support',
      summary: "The calling key's role",
      reply: MeReply,
    },
    ({ caller }) => ({
      role: caller!.role,
      keyId: caller!.keyId,
    }),
  );
  routes.add(
    {
      method: 'GET',
      url: '/v1/outbox',
      access: STAFF,
      tag: 'support',
      summary: 'Emails written to the embedded outbox, newest first',
      query: OutboxQuery,
      reply: OutboxReply,
      responses: { 404: 'email goes out by SMTP in this deployment: there is no outbox' },
    },
    ({ query }) => {
      if (!outboxFile) throw new HttpError(404, 'there is no outbox: this deployment sends email by SMTP');
      return {
        messages: listOutbox(outboxFile, {
          ...(query.orderId ? { orderId: query.orderId } : {}),
          limit: query.limit ?? 50,
        }),
      };
    },
  );
}
