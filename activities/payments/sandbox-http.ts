// The workers' side of the sandbox gateway served over HTTP (./sandbox-service.ts): the
// PaymentsPort on fetch, so workers on several hosts share one gateway and its idempotency
// keys, as they share Stripe. Network faults, timeouts, 5xx and 429 are retried by Temporal;
// a refusal keeps the type the gateway gave it (UnknownRefund, InvalidRequest, …).
import { z } from 'zod';
import type { CreateRefund, GatewayRefund, RefundResult } from '../contract';
import { NonRetryableErrors } from '../contract';
import { requestPeer } from '../http-peer';
import { isRetryableStatus, permanentFailure, TransientError } from '../errors';
import { isNonRetryableType } from '../http/problems';
import type { PaymentsPort } from './port';

export interface HttpSandboxGatewayConfig {
  /** The service's base URL, e.g. http://gateway:12112 (its routes are under /v1). */
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
}

const status = z.enum(['pending', 'succeeded', 'failed', 'canceled']);
const resultSchema = z.object({
  refundId: z.string().min(1),
  status,
  failureReason: z.string().optional(),
});
const refundsSchema = z.array(
  resultSchema.extend({
    idempotencyKey: z.string().optional(),
    amountMinor: z.number().int(),
    currency: z.string(),
  }),
);
const problemSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

const toResult = (r: z.output<typeof resultSchema>): RefundResult => ({
  refundId: r.refundId,
  status: r.status,
  ...(r.failureReason ? { failureReason: r.failureReason } : {}),
});

export class HttpSandboxGateway implements PaymentsPort {
  private readonly base: string;

  constructor(private readonly config: HttpSandboxGatewayConfig) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  async createRefund(request: CreateRefund): Promise<RefundResult> {
    return toResult(
      resultSchema.parse(await this.call('POST', '/v1/refunds', request, request.idempotencyKey)),
    );
  }

  async getRefund(refundId: string): Promise<RefundResult> {
    return toResult(
      resultSchema.parse(await this.call('GET', `/v1/refunds/${encodeURIComponent(refundId)}`)),
    );
  }

  async findRefunds(query: { orderId: string }): Promise<GatewayRefund[]> {
    const found = refundsSchema.parse(
      await this.call('GET', `/v1/refunds?orderId=${encodeURIComponent(query.orderId)}`),
    );
    return found.map((r) => ({
      ...toResult(r),
      ...(r.idempotencyKey ? { idempotencyKey: r.idempotencyKey } : {}),
      amountMinor: r.amountMinor,
      currency: r.currency,
    }));
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string) {
    const { response, text } = await requestPeer(
      'Gateway',
      this.base,
      path,
      this.config,
      method,
      body,
      idempotencyKey,
    );
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // A garbled answer is the peer's fault of the moment; the retry asks again with the same key.
      throw new TransientError(
        `Gateway ${method} ${path} answered ${response.status} with a body that is not JSON`,
      );
    }
    if (response.ok) return parsed;
    const problem = problemSchema.safeParse(parsed);
    const code = problem.success ? problem.data.code : undefined;
    const what = `Gateway ${method} ${path} answered ${response.status}${problem.success && problem.data.message ? `: ${problem.data.message}` : ''}`;
    if (isRetryableStatus(response.status)) throw new TransientError(what);
    throw permanentFailure(isNonRetryableType(code) ? code : NonRetryableErrors.InvalidRequest, what, {
      status: response.status,
    });
  }
}
