// Types for the support UI's `// @ts-check` JavaScript (ui/static/js), taken from the API's own
// response schemas (client/api/responses.ts), so the UI never declares a shape the API owns.
import type { z } from 'zod';
import type {
  CaseListReply,
  CaseReply,
  MeReply,
  OutboxReply,
  PolicyListReply,
  ReviewBoundsReply,
} from '../client/api/responses';

/**
 * The case read's additions agreed between the API and the UI (GET /v1/cases/:orderId: what the
 * caller may do now, who acts next, the escalation, billing's facts). Optional here so the UI
 * works against a server without them; the API's schemas own them where they exist.
 */
export interface CaseAction {
  action: string;
  bounds?: { minMinor: number; maxMinor: number; currency: string };
  default?: Record<string, unknown>;
}
export interface CaseAdditions {
  actions?: CaseAction[];
  nextActor?: { who: 'customer' | 'support' | 'reviewer' | 'system' | 'nobody'; what: string; by?: string };
  escalation?: { reasons: string[]; since: string };
  facts?: {
    purchasedAt?: string;
    productName?: string;
    paymentMethod?: string;
    channel?: string;
    customerEmail?: string;
  };
}
/** Paging on the lists (total from visibility's count; no token on the last page). */
export interface Paged {
  total?: number;
  nextPageToken?: string;
}

export type CaseView = z.output<typeof CaseReply> & CaseAdditions;
export type CaseList = z.output<typeof CaseListReply> & Paged;
export type Me = z.output<typeof MeReply>;
export type Outbox = z.output<typeof OutboxReply> & Paged;
export type PolicyList = z.output<typeof PolicyListReply>;
export type ReviewBounds = z.output<typeof ReviewBoundsReply>;
export type LateEvent = NonNullable<CaseView['lateEvents']>['events'][number];
