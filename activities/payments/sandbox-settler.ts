// The sandbox gateway's back office, run by the embedded stack process: after a short delay
// it settles pending refunds (succeeded, or failed when a test hook says so) and posts a
// signed `refund.updated` webhook for each, retrying delivery with exponential backoff.
import { z } from 'zod';
import { errorMessage } from '../errors';
import { refundFailureReasons, type RefundFailureReason } from './failure-reasons';
import { SandboxGateway, type SandboxRefund, type SettlementRule } from './sandbox';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';

export const sandboxSettlerConfigSchema = z.object({
  /** The gateway's SQLite file, shared with the worker and the API. */
  file: z.string().min(1),
  /** How long a refund stays pending before it settles. */
  settleAfterMs: z.number().int().nonnegative().default(3_000),
  pollIntervalMs: z.number().int().positive().default(250),
  /**
   * Test hook in the manner of Stripe's magic card numbers: a refund whose amount in minor
   * units ends in one of these digit strings fails with the given reason.
   */
  failAmountSuffixes: z.record(z.string().regex(/^\d+$/), z.enum(refundFailureReasons)).default({
    '4001': 'expired_or_canceled_card',
    '4002': 'insufficient_funds',
    '4003': 'charge_for_pending_refund_disputed',
  }),
  webhook: z
    .object({
      /** The API's `/v1/webhooks/payments`. */
      url: z.url(),
      secret: z.string().min(16),
      timeoutMs: z.number().int().positive().default(5_000),
      initialBackoffMs: z.number().int().positive().default(1_000),
      maxBackoffMs: z
        .number()
        .int()
        .positive()
        .default(5 * 60_000),
      /** After this many failed attempts an event is given up (it stays listed, marked abandoned). */
      maxAttempts: z.number().int().positive().default(30),
    })
    .optional(),
});
export type SandboxSettlerConfig = z.input<typeof sandboxSettlerConfigSchema>;

export interface SettlerLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

const silent: SettlerLogger = { info: () => undefined, warn: () => undefined };

export class SandboxGatewaySettler {
  private readonly config: z.output<typeof sandboxSettlerConfigSchema>;
  private readonly gateway: SandboxGateway;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    config: SandboxSettlerConfig,
    private readonly logger: SettlerLogger = silent,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.config = sandboxSettlerConfigSchema.parse(config);
    this.gateway = SandboxGateway.open(this.config.file, { now });
  }

  /** The rule the settler applies: the per-order flag first, then the amount suffixes. */
  readonly rule: SettlementRule = (refund: SandboxRefund, orderFailure: RefundFailureReason | undefined) => {
    if (orderFailure) return { status: 'failed', failureReason: orderFailure };
    const digits = String(refund.amountMinor);
    const suffix = Object.keys(this.config.failAmountSuffixes)
      .sort((a, b) => b.length - a.length)
      .find((s) => digits.endsWith(s));
    return suffix
      ? { status: 'failed', failureReason: this.config.failAmountSuffixes[suffix]! }
      : { status: 'succeeded' };
  };

  /** One pass: settle what is due, then deliver what is due. */
  async runOnce(): Promise<{ settled: SandboxRefund[]; delivered: number }> {
    const settled = this.gateway.settleDue(
      new Date(this.now().getTime() - this.config.settleAfterMs),
      this.rule,
    );
    for (const r of settled)
      this.logger.info('sandbox refund settled', {
        refundId: r.refundId,
        orderId: r.orderId,
        status: r.status,
        failureReason: r.failureReason,
      });
    const delivered = this.config.webhook ? await this.deliverDue(this.config.webhook) : 0;
    return { settled, delivered };
  }

  private async deliverDue(webhook: NonNullable<typeof this.config.webhook>): Promise<number> {
    let delivered = 0;
    for (const event of this.gateway.claimDueEvents(webhook.timeoutMs * 2)) {
      try {
        const response = await fetch(webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signWebhook(
              webhook.secret,
              event.body,
              Math.floor(this.now().getTime() / 1000),
            ),
          },
          body: event.body,
          signal: AbortSignal.timeout(webhook.timeoutMs),
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`webhook endpoint answered ${response.status}`);
        this.gateway.markDelivered(event.eventId);
        delivered += 1;
      } catch (err) {
        const attempt = event.attempts + 1;
        const retryAt =
          attempt >= webhook.maxAttempts
            ? undefined
            : new Date(
                this.now().getTime() +
                  Math.min(webhook.maxBackoffMs, webhook.initialBackoffMs * 2 ** (attempt - 1)),
              );
        this.gateway.markDeliveryFailed(event.eventId, errorMessage(err), retryAt);
        this.logger.warn('sandbox webhook delivery failed', {
          eventId: event.eventId,
          attempt,
          retryAt: retryAt?.toISOString(),
          error: errorMessage(err),
        });
      }
    }
    return delivered;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = (): void => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.logger.warn('sandbox settler pass failed', { error: errorMessage(err) }),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.config.pollIntervalMs);
        });
    };
    tick();
  }

  /** Stops the loop, waits for a pass in progress, and closes the file. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.gateway.close();
  }
}
