// The checks the workflow runs on the messages it receives, one per message: each message's
// zod/mini schema (workflows/message-schemas.ts, the one definition the API checks with too),
// described at build time (workflows/generated/message-specs.ts) and checked without zod
// (workflows/message-check.ts), so neither zod nor the schemas are in the workflow's module
// graph: the SDK evaluates that graph again for every workflow (issue 15).
import type { MessageOf } from './message-schemas';
import { checkMessage, type MessageIssue } from './message-check';
import { messageSpecs } from './generated/message-specs';

export type { MessageIssue } from './message-check';
export type Checked<T> = { success: true; data: T } | { success: false; issues: readonly MessageIssue[] };
export type Validator<T> = (value: unknown) => Checked<T>;
type Validated = keyof typeof messageSpecs;

const validatorOf =
  <K extends Validated>(name: K): Validator<MessageOf<K>> =>
  (value) =>
    checkMessage(messageSpecs[name], value) as Checked<MessageOf<K>>;

export const validate: { readonly [K in Validated]: Validator<MessageOf<K>> } = {
  RequestRefund: validatorOf('RequestRefund'),
  ReportIssue: validatorOf('ReportIssue'),
  RequestInformation: validatorOf('RequestInformation'),
  ProvideInformation: validatorOf('ProvideInformation'),
  SubmitTechnicalReview: validatorOf('SubmitTechnicalReview'),
  Decide: validatorOf('Decide'),
  Withdraw: validatorOf('Withdraw'),
  CancelSubscription: validatorOf('CancelSubscription'),
  Dispute: validatorOf('Dispute'),
  ResolvePayout: validatorOf('ResolvePayout'),
  AcknowledgeLateEvents: validatorOf('AcknowledgeLateEvents'),
  PaymentUpdate: validatorOf('PaymentUpdate'),
  Chargeback: validatorOf('Chargeback'),
  IncidentConfirmed: validatorOf('IncidentConfirmed'),
  UsageReported: validatorOf('UsageReported'),
};

/** The issues as the refusal says them: `field: what is wrong`, `body` for the message itself. */
export const describeIssues = (issues: readonly MessageIssue[]): string =>
  issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
