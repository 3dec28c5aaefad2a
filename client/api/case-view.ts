// What the API answers about a case: the workflow's CaseState, plus the outcome lifted to the top
// so a checkout system reading a refund request's answer need not dig into `decision`.
import type { Outcome } from '../../policies';
import type { CaseState } from '../refund-client';

export type CaseView = CaseState & { outcome: Outcome | null };

export function caseView(state: CaseState): CaseView {
  return { ...state, outcome: state.decision?.outcome ?? null };
}
