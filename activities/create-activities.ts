// The activities the refund case calls, built from injected ports (samples-typescript's
// activities-dependency-injection). Rendering happens here, so adapters only deliver,
// and every effect passes the case's idempotency key through to the adapter.
import { ZodError } from 'zod';
import type { RefundActivities } from './contract';
import { NonRetryableErrors } from './contract';
import { currentActivity, withHeartbeats } from './activity-context';
import { permanentFailure } from './errors';
import type { BillingPort } from './billing/port';
import { renderCustomerEmail } from './email/customer-templates';
import type { RenderedEmail } from './email/layout';
import type { EmailPort } from './email/port';
import { renderSupportNotice } from './email/support-templates';
import type { PaymentsPort } from './payments/port';
import { appendToLedger, type LedgerPort } from './ledger';

export interface ActivityLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface ActivityDeps {
  billing: BillingPort;
  email: EmailPort;
  payments: PaymentsPort;
  /** The case ledger; without one appendLedger writes nothing and the case moves on (the rows stay in history). */
  ledger?: LedgerPort;
  /** Where support notices go. */
  supportAddress: string;
  /** The support UI's base address, for links in notices. */
  caseLinkBase?: string;
  /** Defaults to the activity's own logger (Context.current().log) inside an activity. */
  logger?: ActivityLogger;
  /** How often long calls heartbeat; keep it well under the activities' heartbeat timeout. */
  heartbeatEveryMs?: number;
  /** Releases files and connections; the worker calls it after shutdown. */
  close?: () => Promise<void>;
}

export function createActivities(deps: ActivityDeps): RefundActivities {
  const every = deps.heartbeatEveryMs ?? 5_000;
  const log = (): ActivityLogger =>
    deps.logger ?? currentActivity()?.log ?? { info: () => undefined, warn: () => undefined };

  return {
    async getAccountSnapshot(ref) {
      return deps.billing.getAccountSnapshot(ref);
    },

    async sendCustomerEmail(email) {
      const to = email.to ?? (await deps.billing.getCustomerContact(email)).email;
      if (!to)
        throw permanentFailure(
          NonRetryableErrors.InvalidRecipient,
          `No email address on file for customer ${email.customerId}`,
          { customerId: email.customerId },
        );
      const rendered = renderOrFail(
        () => renderCustomerEmail(email, { supportAddress: deps.supportAddress }),
        email.kind,
      );
      const sent = await withHeartbeats(
        () =>
          deps.email.send({
            ...rendered,
            to,
            idempotencyKey: email.idempotencyKey,
            orderId: email.orderId,
            kind: email.kind,
          }),
        { kind: email.kind },
        every,
      );
      log().info('customer email sent', {
        orderId: email.orderId,
        kind: email.kind,
        messageId: sent.messageId,
        duplicate: sent.duplicate,
      });
      return { messageId: sent.messageId };
    },

    async notifySupport(notice) {
      const rendered = renderOrFail(
        () => renderSupportNotice(notice, deps.caseLinkBase ? { caseLinkBase: deps.caseLinkBase } : {}),
        notice.kind,
      );
      const sent = await withHeartbeats(
        () =>
          deps.email.send({
            ...rendered,
            to: deps.supportAddress,
            idempotencyKey: notice.idempotencyKey,
            orderId: notice.orderId,
            kind: `support:${notice.kind}`,
          }),
        { kind: notice.kind },
        every,
      );
      log().info('support notified', {
        orderId: notice.orderId,
        kind: notice.kind,
        messageId: sent.messageId,
        duplicate: sent.duplicate,
      });
      return { messageId: sent.messageId };
    },

    async withdrawAccess(input) {
      await deps.billing.withdrawAccess(input);
    },

    async issueCredit(input) {
      return deps.billing.issueCredit(input);
    },

    async grantServiceExtension(input) {
      return deps.billing.grantServiceExtension(input);
    },

    async cancelSubscriptionAtPeriodEnd(input) {
      await deps.billing.cancelSubscriptionAtPeriodEnd(input);
    },

    async createRefund(input) {
      const result = await withHeartbeats(
        () => deps.payments.createRefund(input),
        { orderId: input.orderId },
        every,
      );
      log().info('refund created', {
        orderId: input.orderId,
        refundId: result.refundId,
        status: result.status,
      });
      return result;
    },

    async getRefundStatus(input) {
      return withHeartbeats(
        () => deps.payments.getRefund(input.refundId),
        { refundId: input.refundId },
        every,
      );
    },

    async findRefunds(input) {
      return withHeartbeats(() => deps.payments.findRefunds(input), { orderId: input.orderId }, every);
    },

    async appendLedger({ rows }) {
      const result = await appendToLedger(deps.ledger, rows);
      if (!result.written && deps.ledger)
        log().warn('ledger write failed; the case retries', { rows: rows.length, error: result.error });
      return result;
    },
  };
}

/** Data the workflow sent that a template cannot render will not render on retry either. */
function renderOrFail(render: () => RenderedEmail, kind: string): RenderedEmail {
  try {
    return render();
  } catch (err) {
    if (err instanceof ZodError) {
      throw permanentFailure(
        NonRetryableErrors.InvalidRequest,
        `The "${kind}" message cannot be rendered from the data given: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    throw err;
  }
}
