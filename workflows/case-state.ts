// Plain types of the refund case, importable by the workflow, the client and the UI.
import type { z } from 'zod/mini';
import type { Decision } from '../policies/evaluate';
import type { Order } from '../policies/input';
import type { Policy, PolicyRules } from '../policies/policy';
import type { CarriedCase } from './case/carry';
import type { Actor } from './message-definitions';
import type { CaseStateSchema, DeadlinesSchema, PayoutSchema, TimelineEntrySchema } from './case-schema';

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
  /** The pinned policy without its prose (PolicyRules): the workflow never reads it. */
  policy: PolicyRules;
  order: Order;
  /** Digest of { policy id and version, order } computed by the client: a start with another body conflicts. */
  fingerprint: string;
  startedBy?: Actor;
  /** Set by continue-as-new: the case as the previous run left it (workflows/case/carry.ts). */
  carried?: CarriedCase;
}

// The case's state, its deadlines, timeline entries and payouts: inferred from their zod schemas
// (workflows/case-schema.ts), the one source the OpenAPI document and the UI read too.
export type CaseDeadlines = z.infer<typeof DeadlinesSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type PayoutState = z.infer<typeof PayoutSchema>;
export type CaseState = z.infer<typeof CaseStateSchema>;

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
export type { Actor } from './message-definitions';
export type { CaseDecision } from './case-schema';
