// Support helpers: who am I (the UI shows forms by role), and the embedded outbox of sent email.
import { pageOutbox } from '../../../activities';
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
      summary: 'Emails written to the embedded outbox, newest first, a page at a time with the total',
      query: OutboxQuery,
      reply: OutboxReply,
      responses: { 404: 'email goes out by SMTP in this deployment: there is no outbox' },
    },
    ({ query }) => {
      if (!outboxFile) throw new HttpError(404, 'there is no outbox: this deployment sends email by SMTP');
      const beforeSeq = query.pageToken ? outboxTokenSeq(query.pageToken, query.orderId) : undefined;
      const page = pageOutbox(outboxFile, {
        ...(query.orderId ? { orderId: query.orderId } : {}),
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
        limit: query.pageSize ?? query.limit ?? 50,
      });
      return {
        messages: page.messages,
        total: page.total,
        ...(page.nextBeforeSeq !== undefined
          ? { nextPageToken: outboxToken(page.nextBeforeSeq, query.orderId) }
          : {}),
      };
    },
  );
}

/** The outbox's page token: where the next page starts, and for which orderId filter. */
function outboxToken(beforeSeq: number, orderId: string | undefined): string {
  return Buffer.from(JSON.stringify({ s: beforeSeq, o: orderId ?? null })).toString('base64url');
}

function outboxTokenSeq(token: string, orderId: string | undefined): number {
  const refuse = (message: string) => new HttpError(400, message, [{ path: 'pageToken', message }]);
  let parsed: { s?: unknown; o?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw refuse('pageToken: not a page token this API gave');
  }
  if (!Number.isSafeInteger(parsed?.s) || (parsed.s as number) < 1)
    throw refuse('pageToken: not a page token this API gave');
  if ((parsed.o ?? undefined) !== orderId)
    throw refuse('pageToken: belongs to another orderId filter; start again');
  return parsed.s as number;
}
