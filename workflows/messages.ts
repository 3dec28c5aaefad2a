// Every signal, query and update of the refund case with its zod/mini schema, for the client
// library, the HTTP API and the tests: the definitions (workflows/message-definitions.ts) and
// the schemas (workflows/message-schemas.ts, one definition per message), built here when this
// module is evaluated. The workflow imports neither this module nor its eager schemas: its
// validators build a schema on the first message of its kind (issue 15).
import { messageSchema } from './message-schemas';

export * from './message-definitions';
export { OUTSIDE_PAYOUT_METHODS } from './message-schemas';

export const ActorSchema = messageSchema.Actor();
export const RequestRefundSchema = messageSchema.RequestRefund();
export const ReportIssueSchema = messageSchema.ReportIssue();
export const InformationItemSchema = messageSchema.InformationItem();
export const RequestInformationSchema = messageSchema.RequestInformation();
export const ProvideInformationSchema = messageSchema.ProvideInformation();
export const TechnicalReviewOutcomeSchema = messageSchema.TechnicalReviewOutcome();
export const SubmitTechnicalReviewSchema = messageSchema.SubmitTechnicalReview();
export const DecisionOutcomeSchema = messageSchema.DecisionOutcome();
export const DecideSchema = messageSchema.Decide();
export const WithdrawSchema = messageSchema.Withdraw();
export const CancelSubscriptionSchema = messageSchema.CancelSubscription();
export const DisputeSchema = messageSchema.Dispute();
export const UsageReportedSchema = messageSchema.UsageReported();
export const PaymentUpdateSchema = messageSchema.PaymentUpdate();
export const ChargebackSchema = messageSchema.Chargeback();
export const IncidentConfirmedSchema = messageSchema.IncidentConfirmed();
export const PayoutRetrySchema = messageSchema.PayoutRetry();
export const OutsidePayoutSchema = messageSchema.OutsidePayout();
export const CreditInsteadSchema = messageSchema.CreditInstead();
export const ResolvePayoutSchema = messageSchema.ResolvePayout();
export const AcknowledgeLateEventsSchema = messageSchema.AcknowledgeLateEvents();
export const MessageMetaSchema = messageSchema.MessageMeta();
export const SignalMetaSchema = messageSchema.SignalMeta();
