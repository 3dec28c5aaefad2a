// The activities package: the contract, createActivities, the factory, and each adapter's
// public surface (feed functions for the embedded stores, read functions for the UI).
export * from './contract';
export { createActivities, type ActivityDeps, type ActivityLogger } from './create-activities';
export {
  createAssessActivities,
  createDecisionActivities,
  type AssessActivities,
  type DecisionActivities,
} from './decide';
export { nonRetryableErrorTypes, permanentFailure, TransientError } from './errors';
export { buildActivityDeps, embeddedActivityConfig, embeddedFiles, type ActivityConfig } from './factory';

export type { BillingPort, CustomerContact } from './billing/port';
export { HttpBillingAdapter, type HttpBillingConfig } from './billing/http';
export { startBillingService } from './billing/service';
export type { RunningService } from './http/service';
export { EmbeddedBillingStore } from './billing/sqlite';
export {
  billingOrderSchema,
  customerFlagsSchema,
  type BillingAction,
  type BillingOrder,
  type BillingOrderInput,
  type CustomerFlags,
} from './billing/feed';
export { usageReportSchema, type UsageReport } from './billing/port';

export type { EmailPort, OutgoingEmail, SentEmail } from './email/port';
export {
  EmailOutbox,
  listOutbox,
  pageOutbox,
  type OutboxMessage,
  type OutboxPage,
  type OutboxQuery,
} from './email/outbox';
export { SmtpEmailAdapter, type SmtpConfig } from './email/smtp';
export { SqliteSentLog, type SentLog } from './email/sent-log';
export { PostgresSentLog } from './email/pg-sent-log';
export { renderCustomerEmail } from './email/customer-templates';
export { renderSupportNotice } from './email/support-templates';

export type { PaymentsPort } from './payments/port';
export { StripePaymentsAdapter, type StripeConfig } from './payments/stripe';
export {
  SandboxGateway,
  listGatewayRefunds,
  type SandboxRefund,
  type SandboxWebhookEvent,
} from './payments/sandbox';
export { HttpSandboxGateway, type HttpSandboxGatewayConfig } from './payments/sandbox-http';
export { startSandboxGatewayService } from './payments/sandbox-service';
export {
  SandboxGatewaySettler,
  sandboxSettlerConfigSchema,
  type SandboxSettlerConfig,
} from './payments/sandbox-settler';
export {
  signWebhook,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
} from './payments/webhook-signature';
export {
  disputeWebhookEventSchema,
  gatewayWebhookEventSchema,
  refundWebhookEventSchema,
  type DisputeWebhookEvent,
  type RefundWebhookEvent,
} from './payments/webhook-event';
export {
  describeFailureReason,
  refundFailureReasons,
  type RefundFailureReason,
} from './payments/failure-reasons';
