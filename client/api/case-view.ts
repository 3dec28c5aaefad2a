// What the API answers about a case, shaped per role: one pure function per role from the
// workflow's CaseState. Staff (support, reviewer, admin) see the whole case, with the outcome
// lifted to the top. Checkout sees what its customer may see — status, deadlines, the
// customer-facing decision and the payout's progress — and never reviewers' notes, escalations,
// the timeline, key ids or the gateway's references (OWASP API3: property-level authorization).
import type { Outcome, ReasonCode } from '../../policies';
import type { ApiRole } from '../../config';
import type { CaseDeadlines, CaseStatus } from '../../workflows/case-state';
import type { RecordedLateEvent } from '../../workflows/late-events';
import type { CaseState } from '../refund-client';
import { deskFields, type DeskFields } from './case-desk';
import type { OrderFacts } from './case-facts';

export type CaseView = CaseState &
  Partial<DeskFields> & {
    outcome: Outcome | null;
    /** Events that arrived after the case's run ended (workflows/late-events.ts); on reads only. */
    lateEvents?: { total: number; events: RecordedLateEvent[] };
    /** The order's facts from billing, read per request (GET only; case-facts.ts). */
    facts?: OrderFacts;
  };

export interface CheckoutCaseView {
  orderId: string;
  status: CaseStatus;
  policyId: string;
  policyVersion: string | number;
  currency: string;
  paidMinor: number;
  deadlines: CaseDeadlines;
  nextDeadline?: string;
  outcome: Outcome | null;
  request?: { reason: string; requestedAt: string };
  informationRequest?: { items: string[]; requestedAt: string; providedAt?: string };
  decision?: {
    outcome: Outcome;
    amountMinor: number;
    currency: string;
    reasons: ReasonCode[];
    explanations: string[];
    extensionDays?: number;
    creditMinor?: number;
    decidedAt: string;
  };
  payout?: {
    status: 'creating' | 'pending' | 'succeeded' | 'failed' | 'canceled';
    amountMinor: number;
    currency: string;
    settledAt?: string;
  };
  subscription?: { cancelRequestedAt?: string; effectiveAt?: string; ended?: boolean };
  closed: boolean;
}

export type RoleCaseView = CaseView | CheckoutCaseView;

/** Staff: the whole case. */
export function staffCaseView(state: CaseState): CaseView {
  return { ...state, outcome: state.decision?.outcome ?? null };
}

/** Checkout: fields picked one by one, so a field added to CaseState stays out until chosen here. */
export function checkoutCaseView(state: CaseState): CheckoutCaseView {
  const { decision, payout, request, informationRequest, subscription } = state;
  return {
    orderId: state.orderId,
    status: state.status,
    policyId: state.policyId,
    policyVersion: state.policyVersion,
    currency: state.currency,
    paidMinor: state.paidMinor,
    deadlines: { ...state.deadlines },
    ...(state.nextDeadline ? { nextDeadline: state.nextDeadline } : {}),
    outcome: decision?.outcome ?? null,
    ...(request ? { request: { reason: request.reason, requestedAt: request.requestedAt } } : {}),
    ...(informationRequest
      ? {
          informationRequest: {
            items: [...informationRequest.items],
            requestedAt: informationRequest.requestedAt,
            ...(informationRequest.providedAt ? { providedAt: informationRequest.providedAt } : {}),
          },
        }
      : {}),
    ...(decision
      ? {
          decision: {
            outcome: decision.outcome,
            amountMinor: decision.amountMinor,
            currency: decision.currency,
            reasons: [...decision.reasons],
            explanations: [...decision.explanations],
            ...(decision.extensionDays !== undefined ? { extensionDays: decision.extensionDays } : {}),
            ...(decision.creditMinor !== undefined ? { creditMinor: decision.creditMinor } : {}),
            decidedAt: decision.decidedAt,
          },
        }
      : {}),
    ...(payout
      ? {
          payout: {
            status: payout.status,
            amountMinor: payout.amountMinor,
            currency: payout.currency,
            ...(payout.settledAt ? { settledAt: payout.settledAt } : {}),
          },
        }
      : {}),
    ...(subscription ? { subscription: { ...subscription } } : {}),
    closed: state.closed,
  };
}

/** One view per role; a role added to API_ROLES fails typecheck here until it is given one. */
export const CASE_VIEWS: { readonly [R in ApiRole]: (state: CaseState) => RoleCaseView } = {
  checkout: checkoutCaseView,
  support: staffCaseView,
  reviewer: staffCaseView,
  admin: staffCaseView,
};

/** The case as `role` may see it: what every route that answers with a case applies. */
export function caseViewFor(state: CaseState, role: ApiRole): RoleCaseView {
  const view = CASE_VIEWS[role](state);
  // Staff also get what the desk needs: their actions now, who acts next, the open escalation.
  return role === 'checkout' ? view : { ...view, ...deskFields(state, role) };
}
