// The HTTP billing adapter: the contract in ./openapi.json, which a company's billing system
// implements. Idempotency: every write sends `Idempotency-Key: <our key>` and the contract
// requires billing to answer a repeated key with the first result, applying it once.
import { z } from 'zod';
import type { AccountSnapshot, CaseRef, MoneyMovement } from '../contract';
import { NonRetryableErrors } from '../contract';
import { requestPeer } from '../http-peer';
import { isRetryableStatus, permanentFailure, TransientError } from '../errors';
import type { BillingPort, CustomerContact } from './port';

export interface HttpBillingConfig {
  /** e.g. https://billing.internal.example.com/refundflow/v1 */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  timeoutMs: number;
}

const snapshotSchema = z.object({
  usage: z.object({ used: z.number().nonnegative() }).nullish(),
  chargebackActive: z.boolean(),
  refundsInLast90Days: z.number().int().nonnegative(),
  termsViolation: z.boolean(),
  abuseSuspected: z.boolean(),
});
const contactSchema = z.object({ email: z.string().nullish(), name: z.string().nullish() });
const creditSchema = z.object({ creditId: z.string().min(1) });
const extensionSchema = z.object({ extensionId: z.string().min(1) });

const problemSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

export class HttpBillingAdapter implements BillingPort {
  private readonly base: string;

  constructor(private readonly config: HttpBillingConfig) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  async getAccountSnapshot(ref: CaseRef): Promise<AccountSnapshot> {
    const body = snapshotSchema.parse(
      await this.call(
        'GET',
        `/orders/${enc(ref.orderId)}/account-snapshot?customerId=${enc(ref.customerId)}`,
      ),
    );
    return {
      ...(body.usage ? { usage: { used: body.usage.used } } : {}),
      chargebackActive: body.chargebackActive,
      refundsInLast90Days: body.refundsInLast90Days,
      termsViolation: body.termsViolation,
      abuseSuspected: body.abuseSuspected,
    };
  }

  async getCustomerContact(ref: CaseRef): Promise<CustomerContact> {
    const body = await this.call('GET', `/customers/${enc(ref.customerId)}/contact`, undefined, undefined, {
      notFoundIsEmpty: true,
    });
    if (body === undefined) return {};
    const contact = contactSchema.parse(body);
    return {
      ...(contact.email ? { email: contact.email } : {}),
      ...(contact.name ? { name: contact.name } : {}),
    };
  }

  async withdrawAccess(input: CaseRef & { idempotencyKey: string }): Promise<void> {
    await this.call(
      'POST',
      `/orders/${enc(input.orderId)}/access-withdrawals`,
      { customerId: input.customerId },
      input.idempotencyKey,
    );
  }

  async issueCredit(input: MoneyMovement): Promise<{ creditId: string }> {
    const body = await this.call(
      'POST',
      `/orders/${enc(input.orderId)}/credits`,
      { customerId: input.customerId, amountMinor: input.amountMinor, currency: input.currency },
      input.idempotencyKey,
    );
    return { creditId: creditSchema.parse(body).creditId };
  }

  async grantServiceExtension(
    input: CaseRef & { days: number; idempotencyKey: string },
  ): Promise<{ extensionId: string }> {
    const body = await this.call(
      'POST',
      `/orders/${enc(input.orderId)}/service-extensions`,
      { customerId: input.customerId, days: input.days },
      input.idempotencyKey,
    );
    return { extensionId: extensionSchema.parse(body).extensionId };
  }

  async cancelSubscriptionAtPeriodEnd(
    input: CaseRef & { periodEnd: string; idempotencyKey: string },
  ): Promise<void> {
    await this.call(
      'POST',
      `/orders/${enc(input.orderId)}/cancellations`,
      { customerId: input.customerId, periodEnd: input.periodEnd },
      input.idempotencyKey,
    );
  }

  /**
   * One request with an explicit timeout. Network faults, timeouts, 5xx, 429 (and 401/403,
   * our configuration) are retryable; 404 is UnknownOrder; other 4xx are InvalidRequest.
   */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
    options: { notFoundIsEmpty?: boolean } = {},
  ): Promise<unknown> {
    const { response, text } = await requestPeer(
      'Billing',
      this.base,
      path,
      this.config,
      method,
      body,
      idempotencyKey,
    );
    if (response.ok) {
      if (!text) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // A garbled 2xx is billing's bug; retrying lets a fixed deployment finish the call.
        throw new TransientError(
          `Billing ${method} ${path} answered ${response.status} with a body that is not JSON`,
        );
      }
    }
    if (response.status === 404 && options.notFoundIsEmpty) return undefined;
    const problem = parseProblem(text);
    const what = `Billing ${method} ${path} answered ${response.status}${problem.message ? `: ${problem.message}` : ''}`;
    if (isRetryableStatus(response.status)) throw new TransientError(what);
    const details = { status: response.status, ...(problem.code ? { code: problem.code } : {}) };
    if (response.status === 404) throw permanentFailure(NonRetryableErrors.UnknownOrder, what, details);
    throw permanentFailure(NonRetryableErrors.InvalidRequest, what, details);
  }
}

const enc = encodeURIComponent;

function parseProblem(text: string): { code?: string; message?: string } {
  try {
    const parsed = problemSchema.safeParse(JSON.parse(text));
    return parsed.success
      ? {
          ...(parsed.data.code ? { code: parsed.data.code } : {}),
          ...(parsed.data.message ? { message: parsed.data.message } : {}),
        }
      : {};
  } catch {
    return text ? { message: text.slice(0, 200) } : {};
  }
}
