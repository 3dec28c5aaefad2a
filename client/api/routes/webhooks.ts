// POST /v1/webhooks/payments: the gateway's refund status. Authenticated by its signature over the
// raw bytes (so this route keeps the body unparsed), then relayed to the case as a paymentUpdate
// signal. Delivery is at least once; the workflow drops an eventId it has seen, and events for
// cases that no longer take signals are acknowledged so the gateway stops retrying.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { refundWebhookEventSchema, SIGNATURE_HEADER, verifyWebhookSignature } from '../../../activities';
import { CaseNotFoundError, type RefundCases } from '../../refund-client';
import { HttpError, issuesOf } from '../errors';
import { WebhookAckReply } from '../responses';
import type { RouteSpec } from '../route';

export const webhookSpec: RouteSpec = {
  method: 'POST',
  url: '/v1/webhooks/payments',
  access: 'signed',
  tag: 'webhooks',
  summary: `Refund status from the payment gateway, signed in the ${SIGNATURE_HEADER} header`,
  body: refundWebhookEventSchema,
  reply: WebhookAckReply,
  responses: {
    400: 'not a refund event',
    401: 'missing or wrong signature',
    503: 'webhooks are not configured (no signing secret), or Temporal is unavailable',
  },
};

export function registerWebhookRoute(
  app: FastifyInstance,
  cases: RefundCases,
  secret: string | undefined,
  toleranceSeconds?: number,
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(webhookSpec.url, async (request): Promise<z.output<typeof WebhookAckReply>> => {
      const raw = request.body as Buffer | undefined;
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
      if (!secret) throw new HttpError(503, 'webhooks are not configured (REFUNDFLOW_WEBHOOK_SECRET)');
      if (
        !raw ||
        !verifyWebhookSignature(secret, Array.isArray(header) ? header[0] : header, raw, toleranceSeconds)
      ) {
        throw new HttpError(401, 'invalid webhook signature');
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HttpError(400, 'body is not JSON');
      }
      const parsed = refundWebhookEventSchema.safeParse(json);
      if (!parsed.success) throw new HttpError(400, 'not a refund event', issuesOf(parsed.error));
      const event = parsed.data;
      try {
        await cases.paymentUpdate(event.data.orderId, {
          eventId: event.id,
          refundId: event.data.refundId,
          status: event.data.status,
          ...(event.data.failureReason ? { failureReason: event.data.failureReason } : {}),
        });
      } catch (err) {
        if (!(err instanceof CaseNotFoundError)) throw err;
        request.log.warn(
          { eventId: event.id, orderId: event.data.orderId },
          'webhook for a case that takes no signals',
        );
        return {
          received: true,
          delivered: false,
          reason: `no running case for order ${event.data.orderId}`,
        };
      }
      return { received: true, delivered: true };
    });
  });
}
