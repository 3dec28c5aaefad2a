// Plain types of the refund case, importable by the workflow, the client and the UI.
import type { Decision } from '../policies/evaluate';
import type { Order } from '../policies/input';
import type { Policy } from '../policies/policy';
import type { CarriedCase } from './case/carry';
import type { Actor } from './messages';

export const CASE_STATUSES = [
  'open',
  'remediation',
  'under_review',
  'approved',
  'payout_pending',
  'paid',
  'credited',
  'extended',
  'denied',
  'withdrawn',
  'expired',
  'not_refundable',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses after which no money moves and no request is taken. */
export const FINAL_STATUSES: readonly CaseStatus[] = ['paid', 'credited', 'extended', 'denied', 'withdrawn'];

const CASE_ID_PREFIX = 'refund-case-';
export const workflowIdForOrder = (orderId: string): string => `${CASE_ID_PREFIX}${orderId}`;
/** The order of a case's workflow id (the inverse of workflowIdForOrder). */
export const orderIdFromWorkflowId = (workflowId: string): string =>
  workflowId.startsWith(CASE_ID_PREFIX) ? workflowId.slice(CASE_ID_PREFIX.length) : workflowId;

export interface StartCaseInput {
  policy: Policy;
  order: Order;
  /** Digest of { policy id and version, order } computed by the client: a start with another body conflicts. */
  fingerprint: string;
  startedBy?: Actor;
  /** Set by continue-as-new: the case as the previous run left it (workflows/case/carry.ts). */
  carried?: CarriedCase;
}

export interface CaseDeadlines {
  requestWindowEndsAt?: string;
  remediationDeadline?: string;
  decisionDeadline?: string;
  /** The policy's usual answer time ("typically within"): the customer is told when it passes undecided. */
  decisionTarget?: string;
  payoutDeadline?: string;
  subscriptionEndsAt?: string;
  /** Until when a confirmed incident can still reach this case. */
  incidentCoverEndsAt?: string;
  /** Until when a denial can be disputed (the policy's dispute period); gone once it ended or was used. */
  disputeWindowEndsAt?: string;
  /** A paid case takes gateway events and chargebacks on its own timeline until then (settle period). */
  settlePeriodEndsAt?: string;
}

export interface TimelineEntry {
  at: string;
  type: string;
  actor: Actor;
  summary: string;
  data?: Record<string, unknown>;
}

export interface PayoutState {
  attempt: number;
  idempotencyKey: string;
  refundId?: string;
  status: 'creating' | 'pending' | 'succeeded' | 'failed' | 'canceled';
  amountMinor: number;
  currency: string;
  failureReason?: string;
  createdAt: string;
  settledAt?: string;
  /** The last call's outcome is unknown (a timeout, an outage): the key is kept and the gateway is asked first. */
  outcomeUnknown?: boolean;
  /** A payout support made outside the gateway and recorded on the case (the payout route). */
  outside?: { reference: string; method: string; recordedBy: Actor };
  /** Support chose another route while this refund was still pending at the gateway: a late success is a double payment. */
  abandoned?: boolean;
}

export interface CaseState {
  orderId: string;
  workflowId: string;
  customerId: string;
  productId?: string;
  status: CaseStatus;
  policyId: string;
  policyVersion: string | number;
  fingerprint: string;
  currency: string;
  paidMinor: number;
  deadlines: CaseDeadlines;
  /** The next deadline the case is waiting for, if any. */
  nextDeadline?: string;
  escalated: boolean;
  /**
   * Every escalation, oldest first. `code`: the kind (what support's notice is tagged with, its
   * instance number left out); `clearedAt`: when someone acted on it (workflows/case/escalation.ts).
   */
  escalations: { at: string; reason: string; code?: string; clearedAt?: string }[];
  request?: { reason: string; description?: string; requestedAt: string };
  /** `fromRequest`: no issue was reported; the refund request naming a technical problem is the report. */
  issue?: { description: string; reportedAt: string; remediatedAt?: string; fromRequest?: boolean };
  informationRequest?: { items: string[]; requestedAt: string; providedAt?: string; note?: string };
  technicalReview?: { outcome: string; notes?: string; at: string };
  /** `note` is internal; `customerMessage` is what the decision email told the customer. */
  decision?: Decision & { decidedAt: string; decidedBy: Actor; note?: string; customerMessage?: string };
  payout?: PayoutState;
  /** Earlier payout attempts, oldest first, so a late gateway event for one of them is recognised. */
  earlierPayouts?: PayoutState[];
  chargebackActive: boolean;
  incidents: { incidentId: string; confirmedAt: string; description: string }[];
  subscription?: { cancelRequestedAt?: string; effectiveAt?: string; ended?: boolean };
  /** The customer disputed the denial (DESIGN: "Every denial can be disputed"); a person decides. */
  dispute?: { disputedAt: string; description: string };
  timeline: TimelineEntry[];
  closed: boolean;
  /** Set by the caseState query while support's payout route is open (why it is); never stored. */
  payoutRoute?: { reason: string };
}

/** What an update answers: small, whatever the case's size (the API reads the state afterwards). */
export interface CaseAnswer {
  status: CaseStatus;
  decision?: Pick<Decision, 'outcome' | 'amountMinor' | 'currency' | 'reasons'>;
  /** The request hash the caller sent (message meta), echoed so a repeated update id with another body is detected. */
  requestHash?: string;
}

/** What the workflow returns when the case ends: small, the state stays readable by the query. */
export interface CaseOutcome {
  status: CaseStatus;
  outcome?: Decision['outcome'];
  amountMinor?: number;
}

export type { Decision, Order, Policy };
