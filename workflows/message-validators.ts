// The checks the workflow runs on the messages it receives, one per message: each builds its
// schema (workflows/message-schemas.ts) on the first message of its kind, so a case pays only for
// the messages it receives (issue 15).
import { messageSchema, type MessageOf, type MessageSchemaName } from './message-schemas';

/** One thing wrong with a message: where (keys and indexes) and what, in plain words. */
export type MessageIssue = { readonly path: readonly PropertyKey[]; readonly message: string };
export type Checked<T> = { success: true; data: T } | { success: false; issues: readonly MessageIssue[] };
export type Validator<T> = (value: unknown) => Checked<T>;

const validatorOf =
  <K extends MessageSchemaName>(name: K): Validator<MessageOf<K>> =>
  (value) => {
    const result = messageSchema[name]().safeParse(value);
    return result.success
      ? { success: true, data: result.data as MessageOf<K> }
      : { success: false, issues: result.error.issues };
  };

export const validate = {
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
