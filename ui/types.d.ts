// Types for the support UI's `// @ts-check` JavaScript (ui/static/js), taken from the API's own
// response schemas (client/api/responses.ts), so the UI never declares a shape the API owns. The
// case's own shapes come from the workflow's schemas (workflows/case-schema.ts) through them, the
// same source the workflow's types and the OpenAPI document have.
import type { z } from 'zod';
import type { Chart } from 'chart.js';
import type { ReportSummaryReply } from '../client/api/report-replies';
import type {
  CaseListReply,
  CaseReply,
  MeReply,
  OutboxReply,
  PolicyListReply,
  ReviewBoundsReply,
} from '../client/api/responses';

export type CaseView = z.output<typeof CaseReply>;
/** One thing the signed-in role may do on the case now (`actions` on the case read). */
export type CaseAction = NonNullable<CaseView['actions']>[number];
export type CaseList = z.output<typeof CaseListReply>;
export type Me = z.output<typeof MeReply>;
export type Outbox = z.output<typeof OutboxReply>;
export type PolicyList = z.output<typeof PolicyListReply>;
export type ReviewBounds = z.output<typeof ReviewBoundsReply>;
export type LateEvent = NonNullable<CaseView['lateEvents']>['events'][number];
export type TimelineEntry = CaseView['timeline'][number];
export type Payout = NonNullable<CaseView['payout']>;
export type Deadlines = CaseView['deadlines'];
export type Actor = TimelineEntry['actor'];
export type ReportSummary = z.output<typeof ReportSummaryReply>;
export type ChartInstance = Chart;

declare global {
  interface Window {
    /** chart.js's UMD build, loaded by the dashboard page from /vendor/chart.js/. */
    Chart?: typeof Chart;
  }
}
