// What a person at the support desk needs on top of the case: the actions the calling role may
// take now (exactly those the workflow's validators take: workflows/case/allowed.ts is their
// shared rule), who acts next and by when, and the open escalation. Computed per read from the
// state the caseState query answers with; nothing here is stored.
import type { ApiRole } from '../../config';
import type { CaseState } from '../../workflows/case-state';
import { CASE_ACTIONS, rerouting, stateRefusal, type CaseAction } from '../../workflows/case/allowed';
import { openEscalation, type OpenEscalation } from '../../workflows/case/escalation';

/** Who may POST each action's route (the route table's `access`; test/api/desk.test.ts holds them equal). */
export const ACTION_ROLES: { readonly [A in CaseAction]: readonly ApiRole[] } = {
  'refund-request': ['checkout', 'support'],
  issue: ['checkout', 'support'],
  withdrawal: ['checkout', 'support'],
  dispute: ['checkout', 'support'],
  information: ['checkout', 'support'],
  'subscription-cancellation': ['checkout', 'support'],
  'technical-review': ['reviewer'],
  decision: ['reviewer'],
  'information-request': ['reviewer'],
  'payout-route': ['support'],
};

export interface CaseActionOffer {
  action: CaseAction;
  /** Amounts the server takes, in minor units (a decision: the policy's bounds; a payout route: the cash paid). */
  bounds?: { minMinor: number; maxMinor: number; currency: string };
  /** For a decision: the outcomes the policy allows here, with the most each may pay. */
  outcomes?: { outcome: string; maxAmountMinor: number; maxExtensionDays?: number }[];
  /** For the payout route: the choices open now. */
  choices?: ('retry' | 'record_outside' | 'credit')[];
  /** The policy's own words on these bounds (e.g. a billing error pays back what support found charged in error). */
  note?: string;
  /** What the form starts with: the choice that moves the least money, never the costliest. */
  default?: Record<string, unknown>;
}

export interface NextActor {
  who: 'customer' | 'support' | 'reviewer' | 'system' | 'nobody';
  what: string;
  by?: string;
}

export interface DeskFields {
  actions: CaseActionOffer[];
  nextActor: NextActor;
  escalation?: { reasons: string[]; details: string[]; since: string };
}

// Outcomes ordered by the money they move, least first: a form defaults to the first allowed.
const LEAST_MONEY_FIRST = ['service_extension', 'credit', 'partial_refund', 'full_refund'];

function decisionOffer(state: CaseState): CaseActionOffer {
  const currency = state.currency;
  if (rerouting(state)) {
    // Another route for the approved value: at most what was approved, never a denial.
    const approved = state.decision?.amountMinor || state.decision?.creditMinor || 0;
    return {
      action: 'decision',
      bounds: { minMinor: 1, maxMinor: approved, currency },
      outcomes: ['partial_refund', 'credit', 'service_extension'].map((outcome) => ({
        outcome,
        maxAmountMinor: outcome === 'service_extension' ? 0 : approved,
      })),
      default: { outcome: 'partial_refund', amountMinor: approved },
    };
  }
  // The bounds the policy gave when it last evaluated (the server derives them again when it decides).
  const review = state.decision?.review;
  const allowed = review?.allowed ?? [
    { outcome: 'denied', maxAmountMinor: 0 },
    { outcome: 'partial_refund', maxAmountMinor: state.paidMinor },
    { outcome: 'full_refund', maxAmountMinor: state.paidMinor },
    { outcome: 'credit', maxAmountMinor: state.paidMinor },
  ];
  const maxMinor = Math.max(0, ...allowed.map((a) => a.maxAmountMinor));
  const first = LEAST_MONEY_FIRST.find((o) => allowed.some((a) => a.outcome === o && a.maxAmountMinor > 0));
  const fallback = allowed.some((a) => a.outcome === 'denied') ? 'denied' : allowed[0]?.outcome;
  return {
    action: 'decision',
    bounds: { minMinor: maxMinor > 0 ? 1 : 0, maxMinor, currency },
    outcomes: allowed.map((a) => ({ ...a })),
    ...(review?.note ? { note: review.note } : {}),
    // An amount is not pre-filled: the reviewer types it, within the bounds shown.
    default: { outcome: first ?? fallback },
  };
}

function offer(action: CaseAction, state: CaseState): CaseActionOffer {
  switch (action) {
    case 'decision':
      return decisionOffer(state);
    case 'technical-review':
      // Not "provider fault", the finding that pays: the neutral one until the reviewer knows.
      return { action, default: { outcome: 'unresolved' } };
    case 'payout-route': {
      const pending = state.payout?.status === 'pending';
      return {
        action,
        bounds: { minMinor: 1, maxMinor: state.paidMinor, currency: state.currency },
        choices: pending ? ['record_outside', 'credit'] : ['retry', 'record_outside', 'credit'],
        default: { action: pending ? 'record_outside' : 'retry' },
      };
    }
    default:
      return { action };
  }
}

/** The actions `role` may take on the case now; empty when none. */
export function actionsFor(state: CaseState, role: ApiRole, at = Date.now()): CaseActionOffer[] {
  return CASE_ACTIONS.filter((a) => ACTION_ROLES[a].includes(role) && !stateRefusal(a, { state, at })).map(
    (a) => offer(a, state),
  );
}

/** Who acts next, in a plain sentence, and by when. */
export function nextActorOf(state: CaseState, at = Date.now()): NextActor {
  const d = state.deadlines;
  const by = (iso: string | undefined) => (iso ? { by: iso } : {});
  const can = (a: CaseAction) => !stateRefusal(a, { state, at });
  if (state.payoutRoute)
    return {
      who: 'support',
      what: `The payout did not go through (${state.payoutRoute.reason}): support chooses another route — retry, a payout made outside the gateway, or credit.`,
    };
  switch (state.status) {
    case 'open':
      return { who: 'customer', what: 'The customer may ask for a refund.', ...by(d.requestWindowEndsAt) };
    case 'remediation':
      return {
        who: 'reviewer',
        what: 'A reviewer records the technical review: was the reported problem fixed in time?',
        ...by(d.remediationDeadline),
      };
    case 'under_review': {
      if (state.informationRequest && !state.informationRequest.providedAt)
        return {
          who: 'customer',
          what: `The customer sends what was asked for: ${state.informationRequest.items.join(', ')}. The decision clock waits.`,
        };
      if (!state.decision)
        return { who: 'system', what: "The case reads billing's facts and applies the policy." };
      if (state.decision.reasons.includes('USAGE_UNKNOWN'))
        return { who: 'system', what: 'The case waits for billing to report usage, then decides.' };
      return {
        who: 'reviewer',
        what: state.dispute
          ? 'A reviewer decides the disputed denial within the policy.'
          : 'A reviewer decides the refund within the policy.',
        ...by(d.decisionDeadline),
      };
    }
    case 'approved':
      return rerouting(state)
        ? { who: 'reviewer', what: 'The remedy failed: a reviewer decides another route.' }
        : { who: 'system', what: 'The case sends the approved remedy.', ...by(d.payoutDeadline) };
    case 'payout_pending':
      return { who: 'system', what: 'The gateway settles the refund.', ...by(d.payoutDeadline) };
    case 'denied':
      return can('dispute')
        ? { who: 'customer', what: 'The customer may dispute the denial.', ...by(d.disputeWindowEndsAt) }
        : { who: 'nobody', what: 'The case is finished: the request was denied.' };
    case 'expired':
      return { who: 'nobody', what: 'The request window ended without a request.' };
    case 'not_refundable':
      return { who: 'nobody', what: 'The order is not refundable under its policy.' };
    default:
      return { who: 'nobody', what: `The case is finished (${state.status.replace(/_/g, ' ')}).` };
  }
}

/** The desk's fields for a staff role. */
export function deskFields(state: CaseState, role: ApiRole, at = Date.now()): DeskFields {
  const escalation: OpenEscalation | undefined = openEscalation(state);
  return {
    actions: actionsFor(state, role, at),
    nextActor: nextActorOf(state, at),
    ...(escalation ? { escalation } : {}),
  };
}
