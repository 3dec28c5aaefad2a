// The embedded billing store served over billing/openapi.json, the contract HttpBillingAdapter
// speaks: the stand-in for a company's billing system that workers on several hosts reach over
// the network (make cluster; compose's billing service). One process owns the SQLite file; the
// workers share no file. The store applies each Idempotency-Key once, as the contract requires.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { startService, type RunningService, type ServiceOptions } from '../http/service';
import { EmbeddedBillingStore } from './sqlite';

const customerId = z.string().min(1);
const withdrawal = z.object({ customerId }).strict();
const credit = z
  .object({ customerId, amountMinor: z.number().int(), currency: z.string().regex(/^[A-Za-z]{3}$/) })
  .strict();
const extension = z.object({ customerId, days: z.number().int() }).strict();
const cancellation = z.object({ customerId, periodEnd: z.iso.datetime({ offset: true }) }).strict();
const idempotencyKey = z.string().min(1).max(255);

/** The order id from the path and the Idempotency-Key header every write must carry. */
function writeOf(request: FastifyRequest) {
  return {
    orderId: (request.params as { orderId: string }).orderId,
    idempotencyKey: z
      .object({ 'idempotency-key': idempotencyKey }, { error: 'the Idempotency-Key header is required' })
      .parse(request.headers)['idempotency-key'],
  };
}

export async function startBillingService(
  options: ServiceOptions & { file: string },
): Promise<RunningService> {
  const store = EmbeddedBillingStore.open(options.file);
  try {
    const service = await startService(options, (app) => {
      app.get('/orders/:orderId/account-snapshot', async (request) => {
        const { customerId: id } = z.object({ customerId }).parse(request.query);
        const snapshot = await store.getAccountSnapshot({
          orderId: (request.params as { orderId: string }).orderId,
          customerId: id,
        });
        return { ...snapshot, usage: snapshot.usage ?? null };
      });
      app.get('/customers/:customerId/contact', async (request) => {
        const id = (request.params as { customerId: string }).customerId;
        return store.getCustomerContact({ orderId: '', customerId: id });
      });
      app.post('/orders/:orderId/access-withdrawals', async (request, reply) => {
        const body = withdrawal.parse(request.body);
        await store.withdrawAccess({ ...writeOf(request), ...body });
        return reply.code(204).send();
      });
      app.post('/orders/:orderId/credits', async (request) =>
        store.issueCredit({ ...writeOf(request), ...credit.parse(request.body) }),
      );
      app.post('/orders/:orderId/service-extensions', async (request) =>
        store.grantServiceExtension({ ...writeOf(request), ...extension.parse(request.body) }),
      );
      app.post('/orders/:orderId/cancellations', async (request, reply) => {
        await store.cancelSubscriptionAtPeriodEnd({
          ...writeOf(request),
          ...cancellation.parse(request.body),
        });
        return reply.code(204).send();
      });
    });
    return {
      url: service.url,
      close: async () => {
        await service.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
