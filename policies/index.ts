// Refund policies as data: schema, the five presets, evaluate(), money and calendar. Pure and
// deterministic — imported by the workflow (Temporal's sandbox), the API and the CLI.
export { OUTCOMES, REASON_CODES, describeReason, isReasonCode, type Outcome, type ReasonCode } from './codes';
export {
  BillingSchema,
  CHANNELS,
  ChannelSchema,
  CurrencySchema,
  EvaluationInputSchema,
  FactsSchema,
  InstantSchema,
  OrderSchema,
  PAYMENT_METHODS,
  PaymentMethodSchema,
  QuotaSchema,
  ID_MAX_LENGTH,
  IdSchema,
  REQUEST_REASONS,
  RefundRequestSchema,
  RequestReasonSchema,
  TECHNICAL_REVIEW_OUTCOMES,
  TechnicalReviewOutcomeSchema,
  UsageSchema,
  type Channel,
  type EvaluationInput,
  type Facts,
  type Order,
  type OrderInput,
  type ParsedEvaluationInput,
  type PaymentMethod,
  type RefundRequest,
  type RequestReason,
  type TechnicalReviewOutcome,
  type Usage,
} from './input';
export {
  OutcomeSchema,
  HolidayCalendarSchema,
  PolicySchema,
  ReasonCodeSchema,
  ReasonRuleSchema,
  RefundBasisSchema,
  ReviewBoundsSchema,
  UsageCapSchema,
  type Policy,
  type PolicyRules,
  type ProRataBasis,
  type ReasonRule,
  type RefundBasis,
  type UsageCap,
} from './policy';
export {
  evaluate,
  checkReviewerChoice,
  checkReviewerDecision,
  reviewerBounds,
  type Decision,
  type DecisionRoute,
  type ReviewBounds,
  type ReviewerChoice,
} from './evaluate';
export {
  cancellationEffectiveAt,
  decisionDeadline,
  decisionTarget,
  disputeInTime,
  disputeWindowEndsAt,
  endOfDayAfter,
  extensionEndsAt,
  firstPurchaseOf,
  incidentCoverEndsAt,
  issueInsideWindow,
  payoutDeadline,
  remediationDeadline,
  requestDeadline,
  requestWindowEndsAt,
  windowAnchor,
} from './clocks';
export { PRESET_IDS, getPreset, isPresetId, listPresets, presets, type PresetId } from './presets';
export { formatZodIssues } from './zod-format';
export {
  cashPaidMinor,
  currencyExponent,
  formatMinor,
  isKnownCurrency,
  proRataMinor,
  proRataRefundMinor,
} from './money';
export {
  addBusinessDays,
  addCalendarDays,
  endOfBusinessDaysAfter,
  endOfCalendarDaysAfter,
  endOfDaysAfter,
  isBusinessDayAt,
  type PolicyCalendar,
} from './calendar';
// policies/holidays.ts (pinHolidays, over the date-holidays library) is imported on its own, so
// the library stays out of the workflow bundle: a case pins its holiday dates when it starts.
export type { HolidayCalendar } from './holidays';
