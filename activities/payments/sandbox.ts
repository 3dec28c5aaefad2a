// The embedded payment gateway: a stateful sandbox in one SQLite file that the worker (which
// creates refunds), the stack process (which settles them and sends webhooks) and the API
// (which lists them) share. Idempotency: the idempotency key is unique in the refunds
// table, so a repeated create returns the refund made the first time; reusing a key with
// other parameters is refused, as Stripe refuses it.
import { randomBytes } from 'node:crypto';
import type { CreateRefund, GatewayRefund, PaymentMethod, RefundResult } from '../contract';
import { NonRetryableErrors } from '../contract';
import { permanentFailure } from '../errors';
import { openDatabase, type Db } from '../sqlite';
import type { RefundFailureReason } from './failure-reasons';
import type { PaymentsPort } from './port';
import { assertGatewayRefundable, assertRefundAmount, gatewayRefundableMethods } from './refundable-methods';
import {
  toEvent,
  toRefund,
  type EventRow,
  type RefundRow,
  type SandboxRefund,
  type SandboxWebhookEvent,
} from './sandbox-rows';
import { sandboxTables } from './sandbox-tables';
import type { RefundWebhookEvent } from './webhook-event';

export type { SandboxRefund, SandboxWebhookEvent };

const resultOf = (r: SandboxRefund): RefundResult => ({
  refundId: r.refundId,
  status: r.status,
  ...(r.failureReason ? { failureReason: r.failureReason } : {}),
});

const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/** Decides how a due refund ends; the settler supplies the test hooks. */
export type SettlementRule = (
  refund: SandboxRefund,
  orderFailure: RefundFailureReason | undefined,
) => { status: 'succeeded' } | { status: 'failed'; failureReason: string };

export class SandboxGateway implements PaymentsPort {
  private constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly refundable: readonly PaymentMethod[],
  ) {}

  static open(
    file: string,
    options: { now?: () => Date; refundableMethods?: readonly PaymentMethod[] } = {},
  ): SandboxGateway {
    const db = openDatabase(file);
    db.exec(sandboxTables);
    return new SandboxGateway(
      db,
      options.now ?? (() => new Date()),
      options.refundableMethods ?? gatewayRefundableMethods,
    );
  }

  async createRefund(request: CreateRefund): Promise<RefundResult> {
    assertGatewayRefundable(request.paymentMethod, this.refundable);
    assertRefundAmount(request.amountMinor);
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO refunds (refund_id, idempotency_key, order_id, customer_id, amount_minor, currency, payment_method, payment_reference, status, created_at, created_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
      )
      .run(
        newId('re_sbx'),
        request.idempotencyKey,
        request.orderId,
        request.customerId,
        request.amountMinor,
        request.currency,
        request.paymentMethod,
        request.paymentReference ?? null,
        now.toISOString(),
        now.getTime(),
      );
    const refund = toRefund(
      this.db
        .prepare('SELECT * FROM refunds WHERE idempotency_key = ?')
        .get(request.idempotencyKey) as RefundRow,
    );
    if (
      refund.orderId !== request.orderId ||
      refund.amountMinor !== request.amountMinor ||
      refund.currency !== request.currency
    ) {
      throw permanentFailure(
        NonRetryableErrors.InvalidRequest,
        `Idempotency key ${request.idempotencyKey} was already used for a different refund (${refund.refundId})`,
        {
          refundId: refund.refundId,
        },
      );
    }
    return resultOf(refund);
  }

  async getRefund(refundId: string): Promise<RefundResult> {
    return resultOf(this.refund(refundId));
  }

  async findRefunds(query: { orderId: string }): Promise<GatewayRefund[]> {
    return this.listRefunds({ orderId: query.orderId }).map((r) => ({
      ...resultOf(r),
      idempotencyKey: r.idempotencyKey,
      amountMinor: r.amountMinor,
      currency: r.currency,
    }));
  }

  /** Full detail of one refund, for tests and the support UI. */
  refund(refundId: string): SandboxRefund {
    const row = this.db.prepare('SELECT * FROM refunds WHERE refund_id = ?').get(refundId) as
      RefundRow | undefined;
    if (!row)
      throw permanentFailure(
        NonRetryableErrors.UnknownRefund,
        `The sandbox gateway has no refund ${refundId}`,
      );
    return toRefund(row);
  }

  /** Every refund, oldest first; `orderId` narrows to one case (a clean case has exactly one). */
  listRefunds(query: { orderId?: string; limit?: number } = {}): SandboxRefund[] {
    const limit = Math.min(Math.max(query.limit ?? 1000, 1), 10_000);
    const rows = query.orderId
      ? this.db
          .prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY created_ms, rowid LIMIT ?')
          .all(query.orderId, limit)
      : this.db.prepare('SELECT * FROM refunds ORDER BY created_ms, rowid LIMIT ?').all(limit);
    return (rows as RefundRow[]).map(toRefund);
  }

  /** Test hook: refunds for this order fail with `reason` when they settle (null clears it). */
  setOrderFailure(orderId: string, reason: RefundFailureReason | null): void {
    if (reason === null) this.db.prepare('DELETE FROM failure_flags WHERE order_id = ?').run(orderId);
    else
      this.db
        .prepare(
          'INSERT INTO failure_flags (order_id, failure_reason) VALUES (?, ?) ON CONFLICT (order_id) DO UPDATE SET failure_reason = excluded.failure_reason',
        )
        .run(orderId, reason);
  }

  /**
   * Settles pending refunds created at or before `dueBefore` and queues one webhook event per
   * settlement, in one transaction, so a crash never settles without an event or twice.
   */
  settleDue(dueBefore: Date, rule: SettlementRule, limit = 100): SandboxRefund[] {
    return this.db
      .transaction(() => {
        const due = (
          this.db
            .prepare(
              "SELECT * FROM refunds WHERE status = 'pending' AND created_ms <= ? ORDER BY created_ms LIMIT ?",
            )
            .all(dueBefore.getTime(), limit) as RefundRow[]
        ).map(toRefund);
        const settled: SandboxRefund[] = [];
        const now = this.now();
        for (const refund of due) {
          const flag = this.db
            .prepare('SELECT failure_reason FROM failure_flags WHERE order_id = ?')
            .get(refund.orderId) as { failure_reason: RefundFailureReason } | undefined;
          const outcome = rule(refund, flag?.failure_reason);
          const failureReason = outcome.status === 'failed' ? outcome.failureReason : null;
          const changed = this.db
            .prepare(
              "UPDATE refunds SET status = ?, failure_reason = ?, settled_at = ? WHERE refund_id = ? AND status = 'pending'",
            )
            .run(outcome.status, failureReason, now.toISOString(), refund.refundId);
          if (changed.changes === 0) continue;
          const after: SandboxRefund = {
            ...refund,
            status: outcome.status,
            ...(failureReason ? { failureReason } : {}),
            settledAt: now.toISOString(),
          };
          const event: RefundWebhookEvent = {
            id: newId('evt_sbx'),
            type: 'refund.updated',
            created: Math.floor(now.getTime() / 1000),
            data: {
              refundId: after.refundId,
              orderId: after.orderId,
              status: after.status,
              ...(failureReason ? { failureReason } : {}),
              amountMinor: after.amountMinor,
              currency: after.currency,
            },
          };
          this.db
            .prepare(
              'INSERT INTO webhook_events (event_id, refund_id, body, created_at, next_attempt_ms) VALUES (?, ?, ?, ?, ?)',
            )
            .run(event.id, after.refundId, JSON.stringify(event), now.toISOString(), now.getTime());
          settled.push(after);
        }
        return settled;
      })
      .immediate();
  }

  /**
   * Takes up to `limit` events due for delivery and leases them for `leaseMs`, so two
   * settler processes do not post the same event at the same moment.
   */
  claimDueEvents(leaseMs: number, limit = 20): SandboxWebhookEvent[] {
    return this.db
      .transaction(() => {
        const nowMs = this.now().getTime();
        const rows = this.db
          .prepare(
            'SELECT * FROM webhook_events WHERE delivered_at IS NULL AND abandoned = 0 AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT ?',
          )
          .all(nowMs, limit) as EventRow[];
        const lease = this.db.prepare('UPDATE webhook_events SET next_attempt_ms = ? WHERE event_id = ?');
        for (const row of rows) lease.run(nowMs + leaseMs, row.event_id);
        return rows.map(toEvent);
      })
      .immediate();
  }

  markDelivered(eventId: string): void {
    this.db
      .prepare(
        'UPDATE webhook_events SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE event_id = ?',
      )
      .run(this.now().toISOString(), eventId);
  }

  /** Records a failed attempt; `retryAt` undefined gives the event up. */
  markDeliveryFailed(eventId: string, error: string, retryAt: Date | undefined): void {
    this.db
      .prepare(
        'UPDATE webhook_events SET attempts = attempts + 1, last_error = ?, next_attempt_ms = ?, abandoned = ? WHERE event_id = ?',
      )
      .run(error, retryAt?.getTime() ?? 0, retryAt ? 0 : 1, eventId);
  }

  listWebhookEvents(query: { refundId?: string } = {}): SandboxWebhookEvent[] {
    const rows = query.refundId
      ? this.db.prepare('SELECT * FROM webhook_events WHERE refund_id = ? ORDER BY rowid').all(query.refundId)
      : this.db.prepare('SELECT * FROM webhook_events ORDER BY rowid').all();
    return (rows as EventRow[]).map(toEvent);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** For the API, CLI and reliability checks: read the gateway file without keeping it open. */
export function listGatewayRefunds(
  file: string,
  query: { orderId?: string; limit?: number } = {},
): SandboxRefund[] {
  const gateway = SandboxGateway.open(file);
  try {
    return gateway.listRefunds(query);
  } finally {
    void gateway.close();
  }
}
