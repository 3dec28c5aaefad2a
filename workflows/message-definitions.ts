// Every signal, query and update of the refund case, defined once, with the types of their
// payloads (inferred from their schemas in workflows/message-schemas.ts). The workflow imports
// this module; the client, the API and the tests import workflows/messages.ts, which adds the
// schemas themselves.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseAnswer, CaseState } from './case-state';
import type { MessageOf } from './message-schemas';

/**
 * What the payload codec hands the workflow in place of a payload that was not sealed with the
 * encryption key (codec/codec.ts): anyone who reaches Temporal's frontend can send a plain
 * signal or update, so such a payload is refused without failing the workflow task. Every
 * message schema fails on it; the workflow drops the message and records `message_refused`.
 */
export const REFUSED_PAYLOAD_KEY = '$refused';
export const isRefusedPayload = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && REFUSED_PAYLOAD_KEY in value;

export type Actor = MessageOf<'Actor'>;
export type RequestRefundInput = MessageOf<'RequestRefund'>;
export type ReportIssueInput = MessageOf<'ReportIssue'>;
export type RequestInformationInput = MessageOf<'RequestInformation'>;
export type ProvideInformationInput = MessageOf<'ProvideInformation'>;
export type SubmitTechnicalReviewInput = MessageOf<'SubmitTechnicalReview'>;
export type DecideInput = MessageOf<'Decide'>;
export type WithdrawInput = MessageOf<'Withdraw'>;
export type CancelSubscriptionInput = MessageOf<'CancelSubscription'>;
export type DisputeInput = MessageOf<'Dispute'>;
export type UsageReported = MessageOf<'UsageReported'>;
export type PaymentUpdate = MessageOf<'PaymentUpdate'>;
export type Chargeback = MessageOf<'Chargeback'>;
export type IncidentConfirmed = MessageOf<'IncidentConfirmed'>;
export type ResolvePayoutInput = MessageOf<'ResolvePayout'>;
export type AcknowledgeLateEventsInput = MessageOf<'AcknowledgeLateEvents'>;
export type MessageMeta = MessageOf<'MessageMeta'>;
export type SignalMeta = MessageOf<'SignalMeta'>;

export const requestRefundUpdate = defineUpdate<CaseAnswer, [RequestRefundInput, MessageMeta?]>(
  'requestRefund',
);
export const reportIssueUpdate = defineUpdate<CaseAnswer, [ReportIssueInput, MessageMeta?]>('reportIssue');
export const requestInformationUpdate = defineUpdate<CaseAnswer, [RequestInformationInput, MessageMeta?]>(
  'requestInformation',
);
export const provideInformationUpdate = defineUpdate<CaseAnswer, [ProvideInformationInput, MessageMeta?]>(
  'provideInformation',
);
export const submitTechnicalReviewUpdate = defineUpdate<
  CaseAnswer,
  [SubmitTechnicalReviewInput, MessageMeta?]
>('submitTechnicalReview');
export const decideUpdate = defineUpdate<CaseAnswer, [DecideInput, MessageMeta?]>('decide');
export const withdrawUpdate = defineUpdate<CaseAnswer, [WithdrawInput, MessageMeta?]>('withdraw');
export const cancelSubscriptionUpdate = defineUpdate<CaseAnswer, [CancelSubscriptionInput, MessageMeta?]>(
  'cancelSubscription',
);
export const disputeUpdate = defineUpdate<CaseAnswer, [DisputeInput, MessageMeta?]>('dispute');

export const resolvePayoutUpdate = defineUpdate<CaseAnswer, [ResolvePayoutInput, MessageMeta?]>(
  'resolvePayout',
);

export const paymentUpdateSignal = defineSignal<[PaymentUpdate, SignalMeta?]>('paymentUpdate');
export const chargebackSignal = defineSignal<[Chargeback, SignalMeta?]>('chargeback');
export const incidentConfirmedSignal = defineSignal<[IncidentConfirmed, SignalMeta?]>('incidentConfirmed');
export const usageReportedSignal = defineSignal<[UsageReported, SignalMeta?]>('usageReported');

export const caseStateQuery = defineQuery<CaseState>('caseState');
