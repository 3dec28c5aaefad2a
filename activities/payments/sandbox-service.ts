// The sandbox gateway as a network service, the way workers on several hosts reach a payment
// provider: one process owns the gateway file (and runs its settler beside it) and answers
// the PaymentsPort over HTTP; the workers use HttpSandboxGateway (./sandbox-http.ts) and share
// no file. make cluster runs it; the embedded stack keeps the in-process SandboxGateway.
//   POST /v1/refunds            CreateRefund (the idempotency key is in the body) → RefundResult
//   GET  /v1/refunds/:refundId  → RefundResult, 404 UnknownRefund
//   GET  /v1/refunds?orderId=   → GatewayRefund[], oldest first
import { z } from 'zod';
import { PaymentMethodSchema } from '../../policies/input';
import { startService, type RunningService, type ServiceOptions } from '../http/service';
import { SandboxGateway } from './sandbox';

export const createRefundSchema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  amountMinor: z.number().int(),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  idempotencyKey: z.string().min(1).max(255),
  paymentMethod: PaymentMethodSchema,
  paymentReference: z.string().min(1).optional(),
});

export async function startSandboxGatewayService(
  options: ServiceOptions & { file: string },
): Promise<RunningService> {
  const gateway = SandboxGateway.open(options.file);
  try {
    const service = await startService(options, (app) => {
      app.post('/v1/refunds', async (request) => {
        const body = createRefundSchema.parse(request.body);
        return gateway.createRefund({
          ...body,
          ...(body.paymentReference ? { paymentReference: body.paymentReference } : {}),
        });
      });
      app.get('/v1/refunds/:refundId', async (request) =>
        gateway.getRefund((request.params as { refundId: string }).refundId),
      );
      app.get('/v1/refunds', async (request) => {
        const { orderId } = z.object({ orderId: z.string().min(1) }).parse(request.query);
        return gateway.findRefunds({ orderId });
      });
    });
    return {
      url: service.url,
      close: async () => {
        await service.close();
        await gateway.close();
      },
    };
  } catch (err) {
    await gateway.close();
    throw err;
  }
}
