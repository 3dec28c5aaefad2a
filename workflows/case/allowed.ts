// Whether the case's current state takes each person's message: one predicate per action, read
// by the update validators (which refuse with the sentence) and by the API's `actions` (which
// offers exactly what they take). Pure over the case state the query answers with, so the API
// judges the same facts the workflow does. The policy's bounds on a decision's amount are checked
// by the workflow after these (handlers.ts); the API shows them from the decision's review bounds.
import type { CaseState } from '../case-state';

/** The routes' last path segment, singular: what `actions` names (docs/API.md). */
export const CASE_ACTIONS = [
  'refund-request',
  'issue',
  'technical-review',
  'decision',
  'withdrawal',
  'dispute',
  'information-request',
  'information',
  'subscription-cancellation',
  'payout-route',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** payout-route.ts's reason when billing refused the remedy (the decide update reroutes then too). */
export const REMEDY_REFUSED = 'billing refused the remedy';

/** What the predicates read: the state as the caseState query answers it, and when. */
export interface CaseNow {
  state: Pick<
    CaseState,
    | 'status'
    | 'closed'
    | 'request'
    | 'issue'
    | 'informationRequest'
    | 'decision'
    | 'payout'
    | 'deadlines'
    | 'subscription'
    | 'dispute'
    | 'payoutRoute'
  >;
  /** Epoch ms the message is judged at (the workflow: its receivedAt; the API: now). */
  at: number;
}

const later = (a?: string, b?: string): string | undefined =>
  a && b ? (Date.parse(a) >= Date.parse(b) ? a : b) : (a ?? b);

/** Until when an issue report or a request is taken: the window, or an issue's remediation clock. */
export const windowClosesAt = (state: CaseNow['state']): string | undefined =>
  later(state.deadlines.requestWindowEndsAt, state.deadlines.remediationDeadline);

/** The model's `whileIn`: a refusal unless the case is in one of `allowed` (closed cases take nothing). */
export function outsideStates(
  state: CaseNow['state'],
  allowed: readonly CaseState['status'][],
  what: string,
): string | undefined {
  if (state.closed && !(state.status === 'expired' && allowed.includes('expired')))
    return `the case is closed (${state.status}); cannot ${what}`;
  if (!allowed.includes(state.status)) return `cannot ${what} while the case is ${state.status}`;
  return undefined;
}

/** An approved remedy whose payout or billing change failed: the decide update takes another route. */
export const rerouting = (state: CaseNow['state']): boolean =>
  state.status === 'approved' &&
  (state.payout?.status === 'failed' || state.payoutRoute?.reason === REMEDY_REFUSED);

/** Why the case refuses `action` now, or undefined when its state takes it. */
export const STATE_RULES: { readonly [A in CaseAction]: (c: CaseNow) => string | undefined } = {
  'refund-request': ({ state }) =>
    state.request
      ? 'a refund request is already on this case'
      : outsideStates(state, ['open', 'remediation', 'expired', 'not_refundable'], 'request a refund'),
  issue: ({ state, at }) => {
    if (state.issue) return 'an issue is already reported on this case';
    const wrong = outsideStates(state, ['open', 'under_review'], 'report an issue');
    if (wrong) return wrong;
    const closes = windowClosesAt(state);
    return closes && Date.parse(closes) <= at ? `the request window closed at ${closes}` : undefined;
  },
  'information-request': ({ state }) =>
    outsideStates(state, ['under_review', 'remediation'], 'ask for information') ??
    (state.informationRequest && !state.informationRequest.providedAt
      ? 'information was already requested and has not arrived'
      : undefined),
  information: ({ state }) =>
    !state.informationRequest || state.informationRequest.providedAt
      ? 'no information was requested on this case'
      : undefined,
  'technical-review': ({ state }) =>
    outsideStates(state, ['under_review', 'remediation'], 'submit a technical review'),
  decision: ({ state }) => {
    if (!rerouting(state)) {
      const wrong = outsideStates(state, ['under_review'], 'decide');
      if (wrong) return wrong;
    }
    return state.request ? undefined : 'no refund request on this case';
  },
  withdrawal: ({ state }) => outsideStates(state, ['remediation', 'under_review'], 'withdraw'),
  'subscription-cancellation': ({ state, at }) => {
    const end = state.deadlines.subscriptionEndsAt;
    if (!end) return 'billing: this order is not a subscription';
    if (state.closed) return `the case is closed (${state.status}); cancel the subscription in billing`;
    if (state.subscription?.cancelRequestedAt) return 'the subscription is already cancelled';
    return Date.parse(end) <= at ? `the billing period already ended at ${end}` : undefined;
  },
  dispute: ({ state, at }) => {
    if (state.dispute) return 'the denial was already disputed';
    if (state.decision?.outcome !== 'denied')
      return `only a denial can be disputed (the case is ${state.status})`;
    const until = state.deadlines.disputeWindowEndsAt;
    return !until || at > Date.parse(until)
      ? `the dispute period ended${until ? ` at ${until}` : ''}`
      : undefined;
  },
  // The route's own checks (an attempt in flight, a pending refund) are payout-route.ts's; the
  // query's `payoutRoute` is set exactly when payoutRouteOpen() is.
  'payout-route': ({ state }) =>
    outsideStates(state, ['approved', 'payout_pending'], 'resolve the payout') ??
    (!state.payoutRoute
      ? 'the payout route opens when the payout limit passes, the gateway reports the refund failed or billing refuses the remedy'
      : state.payout?.status === 'creating'
        ? 'a payout attempt is being sent to the gateway; wait for its answer (the case retries it on its own)'
        : undefined),
};

/** The refusal sentence the validators throw (model.refuse), or nothing. */
export const stateRefusal = (action: CaseAction, c: CaseNow): string | undefined => STATE_RULES[action](c);
