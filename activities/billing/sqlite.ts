// The embedded billing default: orders, usage and account standing in one SQLite file that
// the API and CLI feed (orders from checkout, usage reports, flags) and the worker reads and
// writes. Idempotency: each write the case makes is a row in `billing_actions` whose
// idempotency key is unique, inserted in the same transaction as its effect on the order,
// so a repeated call finds the earlier row and changes nothing.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AccountSnapshot, CaseRef, MoneyMovement } from '../contract';
import { NonRetryableErrors } from '../contract';
import { permanentFailure } from '../errors';
import { openDatabase, type Db } from '../sqlite';
import {
  billingOrderSchema,
  customerFlagsSchema,
  type BillingAction,
  type BillingActionKind,
  type BillingOrder,
  type BillingOrderInput,
  type CustomerFlags,
} from './feed';
import { usageReportSchema, type BillingPort, type CustomerContact, type UsageReport } from './port';
import { toAction, toOrder, type ActionRow, type OrderRow } from './rows';
import { billingTables } from './tables';

const DAY_MS = 86_400_000;
const prefixes: Record<BillingActionKind, string> = {
  access_withdrawal: 'aw',
  credit: 'cr',
  service_extension: 'ext',
  cancellation: 'can',
};

export class EmbeddedBillingStore implements BillingPort {
  private constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  static open(file: string, options: { now?: () => Date } = {}): EmbeddedBillingStore {
    const db = openDatabase(file);
    db.exec(billingTables);
    return new EmbeddedBillingStore(db, options.now ?? (() => new Date()));
  }

  // ---- feed: the API and CLI ------------------------------------------------------------

  /** Records (or updates) an order from checkout; what the case did to it is kept. */
  upsertOrder(input: BillingOrderInput): BillingOrder {
    const o = billingOrderSchema.parse(input);
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO orders (order_id, customer_id, product_id, payment_method, amount_minor, currency, purchased_at, billing_kind, period_start, period_end, quota_unit, quota_included, updated_at)
           VALUES (@orderId, @customerId, @productId, @paymentMethod, @amountMinor, @currency, @purchasedAt, @billingKind, @periodStart, @periodEnd, @quotaUnit, @quotaIncluded, @at)
           ON CONFLICT (order_id) DO UPDATE SET customer_id = excluded.customer_id, product_id = excluded.product_id, payment_method = excluded.payment_method,
             amount_minor = excluded.amount_minor, currency = excluded.currency, purchased_at = excluded.purchased_at, billing_kind = excluded.billing_kind,
             period_start = excluded.period_start, period_end = excluded.period_end, quota_unit = excluded.quota_unit, quota_included = excluded.quota_included,
             updated_at = excluded.updated_at`,
        )
        .run({
          orderId: o.orderId,
          customerId: o.customerId,
          productId: o.productId ?? null,
          paymentMethod: o.paymentMethod,
          amountMinor: o.amountMinor,
          currency: o.currency.toUpperCase(),
          purchasedAt: o.purchasedAt,
          billingKind: o.billing.kind,
          periodStart: o.billing.kind === 'subscription' ? o.billing.periodStart : null,
          periodEnd: o.billing.kind === 'subscription' ? o.billing.periodEnd : null,
          quotaUnit: o.quota?.unit ?? null,
          quotaIncluded: o.quota?.included ?? null,
          at,
        });
      this.upsertCustomer(
        {
          customerId: o.customerId,
          ...(o.customerEmail ? { email: o.customerEmail } : {}),
          ...(o.customerName ? { name: o.customerName } : {}),
        },
        at,
      );
    })();
    return this.getOrder(o.orderId)!;
  }

  /** Records cumulative usage; an older report than the one on file is ignored. */
  recordUsage(input: UsageReport): void {
    const u = usageReportSchema.parse(input);
    this.db
      .prepare(
        `INSERT INTO usage (order_id, used, reported_at) VALUES (?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET used = excluded.used, reported_at = excluded.reported_at WHERE excluded.reported_at >= usage.reported_at`,
      )
      .run(u.orderId, u.used, new Date(u.reportedAt).toISOString());
  }

  /** Sets standing flags or contact details; fields left out keep their value. */
  setCustomerFlags(input: CustomerFlags): void {
    this.upsertCustomer(customerFlagsSchema.parse(input), this.now().toISOString());
  }

  openChargeback(input: { chargebackId: string; orderId: string; openedAt?: string }): void {
    const order = this.requireOrder(input.orderId);
    this.db
      .prepare(
        'INSERT INTO chargebacks (chargeback_id, order_id, customer_id, opened_at) VALUES (?, ?, ?, ?) ON CONFLICT (chargeback_id) DO NOTHING',
      )
      .run(input.chargebackId, input.orderId, order.customerId, input.openedAt ?? this.now().toISOString());
  }

  closeChargeback(chargebackId: string): void {
    this.db
      .prepare('UPDATE chargebacks SET closed_at = ? WHERE chargeback_id = ? AND closed_at IS NULL')
      .run(this.now().toISOString(), chargebackId);
  }

  /** A refund paid to the customer (by this service or another channel), for the 90-day count. */
  recordRefundPaid(input: { refundRef: string; orderId: string; paidAt?: string }): void {
    const order = this.requireOrder(input.orderId);
    this.db
      .prepare(
        'INSERT INTO refunds_paid (refund_ref, customer_id, order_id, paid_at) VALUES (?, ?, ?, ?) ON CONFLICT (refund_ref) DO NOTHING',
      )
      .run(
        input.refundRef,
        order.customerId,
        input.orderId,
        new Date(input.paidAt ?? this.now().toISOString()).toISOString(),
      );
  }

  // ---- reads ------------------------------------------------------------------------------

  /** The orders of the customers with this email (support's search), newest first. */
  orderIdsByEmail(email: string, limit = 200): string[] {
    const rows = this.db
      .prepare(
        `SELECT o.order_id FROM orders o JOIN customers c ON c.customer_id = o.customer_id
         WHERE lower(c.email) = lower(?) ORDER BY o.purchased_at DESC LIMIT ?`,
      )
      .all(email.trim(), limit) as { order_id: string }[];
    return rows.map((r) => r.order_id);
  }

  getOrder(orderId: string): BillingOrder | undefined {
    const r = this.db
      .prepare(
        'SELECT o.*, u.used, u.reported_at FROM orders o LEFT JOIN usage u ON u.order_id = o.order_id WHERE o.order_id = ?',
      )
      .get(orderId) as OrderRow | undefined;
    return r && toOrder(r);
  }

  listActions(query: { orderId?: string } = {}): BillingAction[] {
    const rows = query.orderId
      ? this.db.prepare('SELECT * FROM billing_actions WHERE order_id = ? ORDER BY rowid').all(query.orderId)
      : this.db.prepare('SELECT * FROM billing_actions ORDER BY rowid').all();
    return (rows as ActionRow[]).map(toAction);
  }

  // ---- the port ---------------------------------------------------------------------------

  async getAccountSnapshot(ref: CaseRef): Promise<AccountSnapshot> {
    const order = this.requireOrder(ref.orderId, ref.customerId);
    const customer = this.db
      .prepare('SELECT terms_violation, abuse_suspected FROM customers WHERE customer_id = ?')
      .get(ref.customerId) as { terms_violation: number; abuse_suspected: number } | undefined;
    const chargebacks = this.db
      .prepare('SELECT COUNT(*) AS n FROM chargebacks WHERE customer_id = ? AND closed_at IS NULL')
      .get(ref.customerId) as { n: number };
    const since = new Date(this.now().getTime() - 90 * DAY_MS).toISOString();
    const refunds = this.db
      .prepare('SELECT COUNT(*) AS n FROM refunds_paid WHERE customer_id = ? AND paid_at >= ?')
      .get(ref.customerId, since) as { n: number };
    return {
      // No report yet means usage is unknown, not zero; the policy decides what that means.
      ...(order.usage ? { usage: { used: order.usage.used } } : {}),
      chargebackActive: chargebacks.n > 0,
      refundsInLast90Days: refunds.n,
      termsViolation: customer?.terms_violation === 1,
      abuseSuspected: customer?.abuse_suspected === 1,
    };
  }

  async getCustomerContact(ref: CaseRef): Promise<CustomerContact> {
    const row = this.db
      .prepare('SELECT email, name FROM customers WHERE customer_id = ?')
      .get(ref.customerId) as { email: string | null; name: string | null } | undefined;
    return { ...(row?.email ? { email: row.email } : {}), ...(row?.name ? { name: row.name } : {}) };
  }

  async withdrawAccess(input: CaseRef & { idempotencyKey: string }): Promise<void> {
    this.applyOnce('access_withdrawal', input, {}, (at) => {
      this.db
        .prepare(
          "UPDATE orders SET access = 'withdrawn', access_withdrawn_at = ?, updated_at = ? WHERE order_id = ?",
        )
        .run(at, at, input.orderId);
    });
  }

  async issueCredit(input: MoneyMovement): Promise<{ creditId: string }> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
      throw permanentFailure(
        NonRetryableErrors.InvalidRequest,
        `A credit must be a positive integer of minor units, not ${input.amountMinor}`,
      );
    }
    const action = this.applyOnce(
      'credit',
      input,
      { amountMinor: input.amountMinor, currency: input.currency.toUpperCase() },
      (at) => {
        this.db
          .prepare('UPDATE orders SET credited_minor = credited_minor + ?, updated_at = ? WHERE order_id = ?')
          .run(input.amountMinor, at, input.orderId);
      },
    );
    return { creditId: action.actionId };
  }

  async grantServiceExtension(
    input: CaseRef & { days: number; idempotencyKey: string },
  ): Promise<{ extensionId: string }> {
    if (!Number.isSafeInteger(input.days) || input.days <= 0) {
      throw permanentFailure(
        NonRetryableErrors.InvalidRequest,
        `A service extension must be a positive whole number of days, not ${input.days}`,
      );
    }
    const action = this.applyOnce('service_extension', input, { days: input.days }, (at) => {
      this.db
        .prepare('UPDATE orders SET extension_days = extension_days + ?, updated_at = ? WHERE order_id = ?')
        .run(input.days, at, input.orderId);
    });
    return { extensionId: action.actionId };
  }

  async cancelSubscriptionAtPeriodEnd(
    input: CaseRef & { periodEnd: string; idempotencyKey: string },
  ): Promise<void> {
    this.applyOnce('cancellation', input, { periodEnd: input.periodEnd }, (at) => {
      this.db
        .prepare('UPDATE orders SET cancel_at_period_end = 1, updated_at = ? WHERE order_id = ?')
        .run(at, input.orderId);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- internals --------------------------------------------------------------------------

  /** Inserts the action and applies its effect in one transaction, once per idempotency key. */
  private applyOnce(
    kind: BillingActionKind,
    ref: CaseRef & { idempotencyKey: string },
    fields: { amountMinor?: number; currency?: string; days?: number; periodEnd?: string },
    effect: (at: string) => void,
  ): BillingAction {
    return this.db
      .transaction(() => {
        this.requireOrder(ref.orderId, ref.customerId);
        const at = this.now().toISOString();
        const inserted = this.db
          .prepare(
            `INSERT INTO billing_actions (action_id, idempotency_key, kind, order_id, customer_id, amount_minor, currency, days, period_end, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
          )
          .run(
            `${prefixes[kind]}_${randomBytes(10).toString('hex')}`,
            ref.idempotencyKey,
            kind,
            ref.orderId,
            ref.customerId,
            fields.amountMinor ?? null,
            fields.currency ?? null,
            fields.days ?? null,
            fields.periodEnd ?? null,
            at,
          );
        const action = toAction(
          this.db
            .prepare('SELECT * FROM billing_actions WHERE idempotency_key = ?')
            .get(ref.idempotencyKey) as ActionRow,
        );
        if (inserted.changes === 1) effect(at);
        else if (
          action.kind !== kind ||
          action.orderId !== ref.orderId ||
          action.amountMinor !== fields.amountMinor ||
          action.days !== fields.days
        ) {
          throw permanentFailure(
            NonRetryableErrors.InvalidRequest,
            `Idempotency key ${ref.idempotencyKey} was already used for a different billing action (${action.actionId})`,
          );
        }
        return action;
      })
      .immediate();
  }

  private requireOrder(orderId: string, customerId?: string): BillingOrder {
    const order = this.getOrder(orderId);
    if (!order)
      throw permanentFailure(NonRetryableErrors.UnknownOrder, `Billing has no order ${orderId}`, { orderId });
    if (customerId !== undefined && order.customerId !== customerId) {
      throw permanentFailure(
        NonRetryableErrors.UnknownOrder,
        `Order ${orderId} does not belong to customer ${customerId}`,
        { orderId },
      );
    }
    return order;
  }

  private upsertCustomer(c: z.output<typeof customerFlagsSchema>, at: string): void {
    this.db
      .prepare(
        `INSERT INTO customers (customer_id, email, name, terms_violation, abuse_suspected, updated_at) VALUES (@customerId, @email, @name, @terms, @abuse, @at)
         ON CONFLICT (customer_id) DO UPDATE SET
           email = COALESCE(@email, customers.email), name = COALESCE(@name, customers.name),
           terms_violation = COALESCE(@termsSet, customers.terms_violation), abuse_suspected = COALESCE(@abuseSet, customers.abuse_suspected),
           updated_at = @at`,
      )
      .run({
        customerId: c.customerId,
        email: c.email ?? null,
        name: c.name ?? null,
        terms: c.termsViolation ? 1 : 0,
        abuse: c.abuseSuspected ? 1 : 0,
        termsSet: c.termsViolation === undefined ? null : c.termsViolation ? 1 : 0,
        abuseSet: c.abuseSuspected === undefined ? null : c.abuseSuspected ? 1 : 0,
        at,
      });
  }
}
